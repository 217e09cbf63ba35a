"""Live endpoint versus declaration: what is drift and what is the cluster's own default.

Rule: a key the user declared takes the cluster's live value (so a change made by hand shows
in the next preview); a key the cluster added on its own (``rate_limit``, ``dimensions``,
``similarity``, default chunking, ...) is not part of the declaration and never drift.
Secret keys, which the cluster never returns, keep their declared value, and so does a
declared key the cluster does not echo back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import catalogue
from .._nested import normalize_numbers
from ._desired import DesiredEndpoint


def project_live(
    declared: Mapping[str, Any],
    live: Mapping[str, Any],
    *,
    keep_declared: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """``declared`` as the cluster now has it (see the module rule)."""
    projected: dict[str, Any] = {}
    for key, wanted in declared.items():
        if key in catalogue.SECRET_KEYS or key in keep_declared or key not in live:
            projected[key] = wanted
            continue
        actual = live[key]
        if isinstance(wanted, Mapping) and isinstance(actual, Mapping):
            projected[key] = project_live(wanted, actual)
        else:
            projected[key] = normalize_numbers(actual)
    return projected


def server_managed(spec: DesiredEndpoint) -> frozenset[str]:
    return catalogue.server_managed_service_keys(spec.service, spec.service_settings)


def live_inputs(
    old_inputs: Mapping[str, Any], spec: DesiredEndpoint, live: Mapping[str, Any]
) -> dict[str, Any]:
    """The stored inputs rewritten with live values, for ``ReadResult.inputs``."""
    inputs = dict(old_inputs)
    live_service = str(live.get("service", spec.service))
    if catalogue.canonical_service(live_service) != spec.canonical_service:
        inputs["service"] = live_service
    if live.get("task_type") and live["task_type"] != spec.task_type:
        inputs["task_type"] = live["task_type"]
    sections: dict[str, frozenset[str]] = {
        "service_settings": server_managed(spec),
        "task_settings": frozenset(),
        "chunking_settings": frozenset(),
    }
    for section, keep in sections.items():
        declared = old_inputs.get(section)
        if isinstance(declared, Mapping) and declared:
            inputs[section] = project_live(
                normalize_numbers(declared), live.get(section) or {}, keep_declared=keep
            )
    return inputs


def matches_declaration(spec: DesiredEndpoint, live: Mapping[str, Any]) -> bool:
    """Whether a live endpoint is exactly what ``spec`` declares (secrets cannot be compared)."""
    if catalogue.canonical_service(str(live.get("service"))) != spec.canonical_service:
        return False
    if live.get("task_type") != spec.task_type:
        return False
    checks: tuple[tuple[Mapping[str, Any], Mapping[str, Any], frozenset[str]], ...] = (
        (spec.service_settings, live.get("service_settings") or {}, server_managed(spec)),
        (spec.task_settings, live.get("task_settings") or {}, frozenset()),
        (spec.chunking_settings or {}, live.get("chunking_settings") or {}, frozenset()),
    )
    return all(
        project_live(declared, actual, keep_declared=keep) == declared
        for declared, actual, keep in checks
    )
