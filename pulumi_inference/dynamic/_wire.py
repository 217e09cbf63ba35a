"""Pulumi's wire format as it reaches the provider: unknowns and secret markers.

The engine sends a dynamic provider plain values (it answers ``acceptSecrets: False``), but a
caller driving the provider process directly may send secret-marked values
(``{SIG: SECRET_SIG, "value": v}``), and Python's deserializer lifts such a marker up to the
enclosing dict. The provider works on plain values and marks the same places secret again
in what it returns, as the engine itself would.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.runtime import rpc

from .._pulumi_wire import SECRET_SIG, SIG_KEY, UNKNOWN

Path = tuple[str | int, ...]


def is_secret_marker(value: Any) -> bool:
    return isinstance(value, Mapping) and value.get(SIG_KEY) == SECRET_SIG and "value" in value


def mark_secret(value: Any) -> dict[str, Any]:
    return {SIG_KEY: SECRET_SIG, "value": value}


def from_wire(value: Any, path: Path = (), secret_paths: list[Path] | None = None) -> Any:
    """Plain values: secret markers removed (their paths noted), unknowns made ``UNKNOWN``."""
    if isinstance(value, str) and value == rpc.UNKNOWN:
        return UNKNOWN
    if is_secret_marker(value):
        if secret_paths is not None:
            secret_paths.append(path)
        return from_wire(value["value"], path, secret_paths)
    if isinstance(value, Mapping):
        return {key: from_wire(item, (*path, key), secret_paths) for key, item in value.items()}
    if isinstance(value, list):
        return [from_wire(item, (*path, index), secret_paths) for index, item in enumerate(value)]
    return value


def unwrap(props: Mapping[str, Any]) -> tuple[dict[str, Any], list[Path]]:
    secret_paths: list[Path] = []
    plain = from_wire(props, (), secret_paths)
    return plain, secret_paths


def remark(props: dict[str, Any], secret_paths: list[Path]) -> dict[str, Any]:
    """Mark secret again the values found at ``secret_paths`` (those still present)."""
    for path in sorted(set(secret_paths), key=len, reverse=True):
        if path:
            _mark_at(props, path)
    return props


def _mark_at(container: Any, path: Path) -> None:
    key, rest = path[0], path[1:]
    in_dict = isinstance(container, dict) and isinstance(key, str) and key in container
    in_list = isinstance(container, list) and isinstance(key, int) and key < len(container)
    if not (in_dict or in_list):
        return  # no longer there
    child = container[key]
    if rest:
        _mark_at(child["value"] if is_secret_marker(child) else child, rest)
    elif not is_secret_marker(child):
        container[key] = mark_secret(child)
