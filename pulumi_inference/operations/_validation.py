"""Offline validation of resource props (``check``): no HTTP call, every failure a path."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Mapping
from typing import Any

from .. import catalogue
from .._naming import spelled
from .._pulumi_wire import UNKNOWN
from ..client import InferenceClient
from ..connection import ALL_FIELDS, PROVIDER_CONFIG_KEYS, connection_problems
from ..properties import of_kind, required_inputs
from ._access import preview_access_issues
from ._adoption import preview_adoption
from ._availability import availability_issues
from ._desired import DURATION_HINT, DesiredEndpoint, parse_duration
from ._secrets_digest import digest_problem

_REQUIRED = required_inputs()
_BOOLEAN_KEYS = of_kind("boolean")
_DURATION_KEYS = of_kind("duration")


def check_props(
    props: Mapping[str, Any],
    *,
    secrets_unknown: bool = False,
    connect: Callable[[DesiredEndpoint], InferenceClient] | None = None,
    olds: Mapping[str, Any] | None = None,
    resource: str | None = None,
    previewing: bool = False,
) -> list[tuple[str, str]]:
    """Every problem with canonical props, as (property path, how to fix it).

    ``secrets_unknown``: some secret values are not known yet (a preview), so required
    settings cannot be checked. ``connect``: the declaration's cluster; when given and
    nothing else is wrong, a cluster that cannot be used (unreachable, credentials refused
    or without the privileges: ``_access``) and what that cluster's version cannot accept
    are problems too (read-only, once per cluster), the latter unless the declaration adds
    nothing to ``olds``, the canonical inputs the cluster already took. No ``olds``: the
    resource is new to the stack (created or adopted, which needs ``manage_inference``), or
    its replacement is being checked: ``resource``, the engine's name of it (its URN), tells
    them apart for an adoption (``_adoption``). ``previewing``: the engine previews, and this
    check is the last its provider hears of a new resource before the create the preview
    shows (the dynamic door, told by its program: the engine never asks it to create at a
    preview): it also says what an adoption will do. The native door says that from its
    create's preview instead (:func:`._adoption.preview_adoption`), and an update's check
    says nothing of it: its create says what it did.
    """
    issues = [(key, f"'{spelled(key)}' is required") for key in _REQUIRED if props.get(key) is None]
    if issues:
        return issues
    service_settings = props["service_settings"]
    if secrets_unknown and isinstance(service_settings, Mapping):
        service_settings = UNKNOWN  # secret keys not known yet: skip required checks
    found = catalogue.validate_endpoint(
        inference_id=props["inference_id"],
        task_type=props["task_type"],
        service=props["service"],
        service_settings=service_settings,
        task_settings=props.get("task_settings"),
        chunking_settings=props.get("chunking_settings"),
        allow_unknown_service=props.get("allow_unknown_service") is True,
    )
    issues += [(issue.path, issue.message) for issue in found]

    issues += _check_provider_inputs(props)
    issues += _check_connection(props.get("connection"))
    if connect is not None and not issues:
        issues += preview_access_issues(props, connect, changing=not olds)
    if connect is not None and not issues:
        issues += availability_issues(props, connect, olds)
    if connect is not None and not issues and not olds and previewing:
        preview_adoption(props, connect, resource)
    return issues


def _check_provider_inputs(props: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The booleans are booleans, the durations durations, the digest one this library can
    check (values not known yet skipped)."""
    issues = []
    for key in _BOOLEAN_KEYS:
        value = props.get(key)
        if value is not None and value is not UNKNOWN and not isinstance(value, bool):
            issues.append((key, f"expected true or false, got {type(value).__name__}"))
    problem = digest_problem(props.get("adopt_secrets_digest"))
    if problem is not None:
        issues.append(("adopt_secrets_digest", problem))
    for key in _DURATION_KEYS:
        value = props.get(key)
        if value is not None and value is not UNKNOWN:
            try:
                parse_duration(value)
            except ValueError as exc:
                issues.append((key, f"{exc}; {DURATION_HINT}"))
    return issues


def _check_connection(merged: Any) -> list[tuple[str, str]]:
    if merged is None or merged is UNKNOWN:
        return []
    if not isinstance(merged, Mapping):
        return [("connection", "expected Connection(url=..., api_key=...) or a dict of its fields")]
    issues = []
    for key in merged:
        if key not in ALL_FIELDS:
            issues.append(
                (f"connection.{key}", f"unknown connection field; known: {', '.join(ALL_FIELDS)}")
            )
    known = {key: value for key, value in merged.items() if value is not UNKNOWN}
    issues += [(f"connection.{name}", message) for name, message in connection_problems(known)]
    return issues


def as_check_failures(
    issues: list[tuple[str, str]], spell_path: Callable[[str], str] = str
) -> list[tuple[str, str]]:
    """Issues as the engine is given them, (property, reason): no property, the path in the
    reason. Given a property, the engine prints ``property <path> value <its value> has a
    problem:`` before the reason, with ``{<nil>}`` for a nested path (it looks the path up as
    one top-level key); without one, ``<type> resource '<name>' has a problem: <reason>``."""
    return [("", f"{spell_path(path)}: {message}") for path, message in issues]


def unknown_properties(
    props: Mapping[str, Any], accepted: Collection[str]
) -> list[tuple[str, str]]:
    """Each key of ``props`` the resource does not have, with the closest one it does."""
    spellings = {spelled(name): name for name in accepted}
    issues = []
    for key in props:
        if key in accepted:
            continue
        close = difflib.get_close_matches(key, list(spellings), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        issues.append((key, f"unknown property{hint}"))
    return issues


ENGINE_CONFIG_KEYS = frozenset({"version", "pluginDownloadURL"})
"""Provider configuration the engine adds on its own: accepted, never ours to read."""


def check_provider_config(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Each provider configuration key that is not a connection setting."""
    known = ", ".join(sorted(PROVIDER_CONFIG_KEYS))
    return [
        (key, f"unknown provider setting; known: {known}")
        for key in config
        if key not in PROVIDER_CONFIG_KEYS and key not in ENGINE_CONFIG_KEYS
    ]


def provider_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """The connection settings among a provider's configuration (stack config or explicit)."""
    return {
        key: value
        for key, value in config.items()
        if key in PROVIDER_CONFIG_KEYS and value is not None
    }
