"""An inference endpoint as the policies see it, read from either front door's properties.

The dynamic resource keeps snake_case names and moves every secret value into ``secrets``;
the native one spells names in camelCase and keeps secrets in place. Every input that never
holds a secret is taken as declared (the table's, ``properties.reviewed_inputs``), and of the
settings only what the policies read, never a value under a secret key: the engine hands
policy packs plaintext, and nothing here may end up in a violation message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._naming import camel
from .._nested import normalize_numbers
from .._pulumi_wire import UNKNOWN
from ..catalogue import canonical_task_type
from ..properties import DYNAMIC_RESOURCE_TYPE, NATIVE_RESOURCE_TYPE, reviewed_inputs
from ._declared import ReviewedInputs

RESOURCE_TYPES = (DYNAMIC_RESOURCE_TYPE, NATIVE_RESOURCE_TYPE)


class _NoMaximum:
    def __repr__(self) -> str:
        return "(no maximum)"


NO_MAXIMUM: Any = _NoMaximum()
"""Adaptive allocations declared without ``max_number_of_allocations``."""

MODEL_KEYS = ("model_id", "model")
"""Where services name their model in ``service_settings`` (``model`` for mistral)."""


@dataclass(frozen=True)
class Endpoint(ReviewedInputs):
    """An endpoint as the policies see it: each input that holds no secret as declared
    (``ReviewedInputs``, generated from the table), and what they derive from its settings."""

    name: str
    urn: str
    model: Any
    num_allocations: Any
    max_allocations: Any
    """``adaptive_allocations.max_number_of_allocations`` when adaptive allocations are on."""
    min_allocations: Any
    """``adaptive_allocations.min_number_of_allocations`` when adaptive allocations are on."""
    protect: bool

    def label(self) -> str:
        endpoint = "" if self.inference_id is UNKNOWN else f" '{self.inference_id}'"
        return f"inference endpoint{endpoint} (resource '{self.name}')"

    @property
    def unbounded(self) -> bool:
        """Adaptive allocations on with no maximum (absent, or -1 as the cluster reads it):
        the deployment may scale to any number of allocations."""
        if self.max_allocations is None or self.max_allocations is UNKNOWN:
            return False
        return self.max_allocations is NO_MAXIMUM or self.max_allocations == -1

    @property
    def allocations(self) -> Any:
        """The most ML allocations it can take: the adaptive maximum, else the fixed count
        (None when it has no bound: see ``unbounded``)."""
        if self.unbounded:
            return None
        if self.max_allocations is not UNKNOWN and self.max_allocations is not None:
            return self.max_allocations
        return self.num_allocations


def _get(mapping: Any, key: str) -> Any:
    """``mapping[key]``; UNKNOWN when the engine does not know it yet, None when absent."""
    try:
        if not isinstance(mapping, Mapping) or key not in mapping:
            return None
        return mapping[key]
    except Exception:  # pulumi-policy raises its own error for unknown values in a preview
        return UNKNOWN


def _field(props: Any, name: str) -> Any:
    """A top-level property under its snake_case name (dynamic) or camelCase one (native)."""
    schema_name = camel(name)
    value = _get(props, name)
    return _get(props, schema_name) if value is None and schema_name != name else value


def _task_type(value: Any) -> Any:
    if isinstance(value, str):
        return canonical_task_type(value) or value.strip().lower()
    return value


def endpoint_of(name: str, urn: str, props: Any, *, protect: bool) -> Endpoint:
    """The endpoint declared by an InferenceEndpoint's properties (either front door)."""
    settings = _field(props, "service_settings")
    if settings is UNKNOWN:
        settings = {key: UNKNOWN for key in (*MODEL_KEYS, "num_allocations")}
    model = next((value for key in MODEL_KEYS if (value := _get(settings, key)) is not None), None)
    adaptive = _get(settings, "adaptive_allocations")
    enabled = _get(adaptive, "enabled")
    max_allocations = min_allocations = None
    if enabled:
        max_allocations = normalize_numbers(_get(adaptive, "max_number_of_allocations"))
        max_allocations = NO_MAXIMUM if max_allocations is None else max_allocations
        min_allocations = normalize_numbers(_get(adaptive, "min_number_of_allocations"))
    return Endpoint(
        **{prop.name: _reviewed(prop.name, props) for prop in reviewed_inputs()},
        name=name,
        urn=urn,
        model=model,
        num_allocations=normalize_numbers(_get(settings, "num_allocations")),
        max_allocations=UNKNOWN if enabled is UNKNOWN else max_allocations,
        min_allocations=UNKNOWN if enabled is UNKNOWN else min_allocations,
        protect=protect,
    )


def _reviewed(name: str, props: Any) -> Any:
    """Input ``name`` as the policies read it: the task type in its canonical form."""
    value = _field(props, name)
    return _task_type(value) if name == "task_type" else value
