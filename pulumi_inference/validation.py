"""Offline validation of resource props (``check``): no HTTP call, every failure a path."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import catalogue
from .connection import ALL_FIELDS
from .spec import deep_merge, parse_duration

_BOOLEAN_KEYS = ("force_delete", "wait_for_deployment", "allow_unknown_service", "adopt_existing")


def _section(props: Mapping[str, Any], name: str) -> Any:
    """A settings section with the secret values the resource moved aside merged back."""
    public = props.get(name)
    secrets = props.get("secrets")
    hidden = secrets.get(name) if isinstance(secrets, Mapping) else None
    if public is catalogue.UNKNOWN or hidden is catalogue.UNKNOWN:
        return catalogue.UNKNOWN
    if public is None and hidden is None:
        return None
    if public is not None and not isinstance(public, Mapping):
        return public  # reported by the catalogue as the wrong shape
    return deep_merge(public, hidden if isinstance(hidden, Mapping) else None)


def check_props(props: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every problem with the declared props, as (property path, how to fix it)."""
    issues: list[tuple[str, str]] = []
    for key in ("inference_id", "task_type", "service"):
        if props.get(key) is None:
            issues.append((key, f"'{key}' is required"))
    if issues:
        return issues
    secrets = props.get("secrets")
    secrets_unknown = secrets is catalogue.UNKNOWN
    service_settings = _section(props, "service_settings")
    if secrets_unknown and isinstance(service_settings, Mapping):
        service_settings = catalogue.UNKNOWN  # secret keys not known yet: skip required checks
    found = catalogue.validate_endpoint(
        inference_id=props["inference_id"],
        task_type=props["task_type"],
        service=props["service"],
        service_settings=service_settings if service_settings is not None else {},
        task_settings=_section(props, "task_settings"),
        chunking_settings=props.get("chunking_settings"),
        allow_unknown_service=props.get("allow_unknown_service") is True,
    )
    issues += [(issue.path, issue.message) for issue in found]

    for key in _BOOLEAN_KEYS:
        value = props.get(key)
        if value is not None and value is not catalogue.UNKNOWN and not isinstance(value, bool):
            issues.append((key, f"expected true or false, got {type(value).__name__}"))
    timeout = props.get("deployment_timeout")
    if timeout is not None and timeout is not catalogue.UNKNOWN:
        try:
            parse_duration(timeout)
        except ValueError as exc:
            issues.append(
                (
                    "deployment_timeout",
                    f"{exc}; give seconds (1800) or a duration such as '20m' or '1h30m'",
                )
            )
    issues += _check_connection(props.get("connection"), secrets)
    return issues


def _check_connection(connection: Any, secrets: Any) -> list[tuple[str, str]]:
    if connection is None or connection is catalogue.UNKNOWN:
        return []
    if not isinstance(connection, Mapping):
        return [("connection", "expected Connection(url=..., api_key=...) or a dict of its fields")]
    hidden = secrets.get("connection") if isinstance(secrets, Mapping) else None
    merged = deep_merge(connection, hidden if isinstance(hidden, Mapping) else None)
    issues = []
    for key in merged:
        if key not in ALL_FIELDS:
            issues.append(
                (f"connection.{key}", f"unknown connection field; known: {', '.join(ALL_FIELDS)}")
            )
    url = merged.get("url")
    if isinstance(url, str) and not url.startswith(("http://", "https://")):
        issues.append(
            (
                "connection.url",
                "must start with http:// or https://, e.g. https://es.example.com:9200",
            )
        )
    if merged.get("password") and not merged.get("username"):
        issues.append(
            ("connection.username", "password is set without username; set both for basic auth")
        )
    return issues
