"""The desired endpoint (``DesiredEndpoint``), built from canonical props: integers as
integers, canonical names.

Canonical props are what both front ends hand the core: snake_case keys (``INPUT_KEYS``
without ``secrets``), secret values inline where they belong (``service_settings.api_key``,
``connection.password``), values not known yet as ``UNKNOWN``. Pulumi sends every
number as a float; ``DesiredEndpoint`` turns integral ones back into integers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .. import catalogue
from .._nested import normalize_numbers
from .._pulumi_wire import UNKNOWN
from .._secrets import secret_leaves
from .._version import parse_version
from ..errors import ValidationError
from ..properties import ResourceProperty, declared_inputs, sensitive_sections
from ._declared import EndpointInputs
from ._secrets import secrets_in
from ._secrets_digest import vouched_for

_INPUTS = declared_inputs()
_SENT = tuple(prop for prop in _INPUTS if prop.role in ("identity", "settings"))
_IN_PATH = ("inference_id", "task_type")
"""Sent in the request's path (``PUT /_inference/{task_type}/{inference_id}``), not its body."""
_ENDPOINT_SECRETS = sensitive_sections("keys")
_ALL_SECRETS = (*_ENDPOINT_SECRETS, *sensitive_sections("connection"))
_DURATION = re.compile(
    r"^\s*(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+(?:\.\d+)?)m)?\s*(?:(\d+(?:\.\d+)?)s)?\s*$"
)

DURATION_HINT = "give seconds (1800) or a duration such as '20m' or '1h30m'"


def _duration_of(name: str, value: Any) -> float:
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise ValidationError([(name, f"{exc}; {DURATION_HINT}")]) from None


def parse_duration(value: Any) -> float:
    """Seconds from a number or a duration such as ``"20m"``, ``"1h30m"``, ``"90s"``."""
    if isinstance(value, bool):
        raise ValueError("expected seconds or a duration")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            seconds = float(text)
        except ValueError:
            match = _DURATION.match(text)
            if not match or not any(match.groups()):
                raise ValueError(f"'{value}' is not a duration") from None
            hours, minutes, secs = (float(group or 0) for group in match.groups())
            seconds = hours * 3600 + minutes * 60 + secs
    else:
        raise ValueError("expected seconds or a duration")
    if seconds <= 0:
        raise ValueError("must be positive")
    return seconds


def deployment_id_of(inference_id: str, service_settings: Mapping[str, Any] | None) -> str:
    """The model deployment serving an endpoint: the one its ``deployment_id`` attaches it
    to, else its own, which the cluster names after the inference id."""
    return str((service_settings or {}).get("deployment_id") or inference_id)


@dataclass(frozen=True)
class DesiredEndpoint(EndpointInputs):
    """One endpoint as declared, ready for comparisons and request bodies: a field per input
    of the table (``EndpointInputs``, generated), plus what state recorded of the cluster."""

    cluster_version: tuple[int, int, int] | None = None
    secrets_unknown: bool = False

    @classmethod
    def from_props(
        cls, props: Mapping[str, Any], *, secrets_unknown: bool = False
    ) -> DesiredEndpoint:
        """Build from canonical props; in a preview, values not known yet stay ``UNKNOWN``.

        Each input is read the way its kind in the table says (``_read``).
        ``secrets_unknown``: some secret values (which keys, even) are not known yet.
        """
        return cls(
            **{prop.name: _read(prop, props) for prop in _INPUTS},
            cluster_version=parse_version(props.get("cluster_version")),
            secrets_unknown=secrets_unknown,
        )

    @property
    def canonical_service(self) -> str:
        return catalogue.canonical_service(self.service)

    @property
    def deploys_model(self) -> bool:
        return catalogue.deploys_model(self.service)

    @property
    def deployment_id(self) -> str:
        """The deployment serving this endpoint: its own, or the one it attaches to."""
        return deployment_id_of(self.inference_id, self.service_settings)

    def declared_props(self) -> dict[str, Any]:
        """The canonical props of what the cluster is sent (identity and settings: no
        connection, no provider settings), as a create or an adoption compares them with a
        live endpoint; an optional section only when it says something."""
        return {
            prop.name: value
            for prop in _SENT
            if (value := getattr(self, prop.name)) or prop.required
        }

    def request_body(self) -> dict[str, Any]:
        """The ``PUT`` body: what the cluster is sent, but the identity its path carries."""
        return {
            name: value for name, value in self.declared_props().items() if name not in _IN_PATH
        }

    def secrets_vouched_for(self, recorded: Mapping[str, Any] | None = None) -> bool:
        """Whether this declaration's secrets need not be sent: ``recorded`` (the service
        settings state holds; none at an adoption) has none of them, and
        ``adopt_secrets_digest`` is theirs (``_secrets_digest``)."""
        return vouched_for(
            self.adopt_secrets_digest, self.inference_id, self.service_settings, recorded or {}
        )

    def endpoint_secrets(self) -> list[str]:
        """The secrets the endpoint itself carries (API keys of its service, ...).

        Never the connection's credentials: those belong to the cluster, not the endpoint.
        """
        values: list[str] = []
        for name in _ENDPOINT_SECRETS:
            values += secret_leaves(getattr(self, name), catalogue.SECRET_KEYS)
        return values

    def secret_values(self) -> list[str]:
        """Every secret of this declaration (endpoint and connection), for redaction."""
        return secrets_in({name: getattr(self, name) for name in _ALL_SECRETS})


def _read(prop: ResourceProperty, props: Mapping[str, Any]) -> Any:
    """Input ``prop`` of canonical ``props`` as the record holds it, by the property's kind."""
    value = props[prop.name] if prop.role == "identity" else props.get(prop.name)
    if prop.name in _CANONICAL_FORMS:
        return _CANONICAL_FORMS[prop.name](value)
    if prop.kind == "string":
        return _text(value) if prop.required else _optional_text(value)
    if prop.kind == "boolean":
        # A flag not known yet in a preview plans as its default.
        return value if isinstance(value, bool) else bool(prop.default)
    if prop.kind == "duration":
        if value is None or value is UNKNOWN:
            return prop.default if value is None else value
        return _duration_of(prop.name, value)
    if prop.kind == "settings" and prop.when_absent == "none":
        return _section_or_none(value)
    if prop.kind == "settings":
        return normalize_numbers(_mapping(value))
    return _mapping(value)  # the connection, as declared


def _task_type(value: Any) -> str:
    text = _text(value)
    if text is UNKNOWN:
        return text  # type: ignore[no-any-return]  # UNKNOWN passes through in previews
    return catalogue.canonical_task_type(text) or text


def _text(value: Any) -> str:
    """A text property; ``UNKNOWN`` (typed ``Any``) passes through during previews."""
    return value if value is UNKNOWN else str(value)


def _optional_text(value: Any) -> str | None:
    """A text input that may be absent; one not known yet in a preview counts as absent."""
    return value if isinstance(value, str) else None


def _mapping(value: Any) -> dict[str, Any]:
    """A settings section; one not known yet in a preview becomes ``{"*": UNKNOWN}``."""
    if value is UNKNOWN:
        return {"*": UNKNOWN}
    return dict(value) if isinstance(value, Mapping) else {}


def _section_or_none(value: Any) -> dict[str, Any] | None:
    """A settings section whose absence means the cluster's default (``chunking_settings``)."""
    if value is UNKNOWN:
        return {"*": UNKNOWN}
    return normalize_numbers(value) if isinstance(value, Mapping) and value else None


_CANONICAL_FORMS: dict[str, Callable[[Any], Any]] = {"task_type": _task_type}
"""Inputs the core reads in a canonical form beyond their kind's."""
