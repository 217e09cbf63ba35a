"""Nested settings dicts: merging, numbers as the cluster writes them, finding secrets."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def normalize_numbers(value: Any) -> Any:
    """Floats with an integral value become ints, recursively (``2.0`` -> ``2``)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {key: normalize_numbers(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [normalize_numbers(item) for item in value]
    return value


def deep_merge(base: Mapping[str, Any] | None, extra: Mapping[str, Any] | None) -> dict[str, Any]:
    merged: dict[str, Any] = dict(base or {})
    for key, value in (extra or {}).items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def split_secrets(
    section: Mapping[str, Any], secret_keys: frozenset[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a settings dict into (public, secret) parts; secret keys may sit at any depth."""
    public: dict[str, Any] = {}
    secret: dict[str, Any] = {}
    for key, value in section.items():
        if key in secret_keys:
            secret[key] = value
        elif isinstance(value, Mapping):
            inner_public, inner_secret = split_secrets(value, secret_keys)
            public[key] = inner_public
            if inner_secret:
                secret[key] = inner_secret
        else:
            public[key] = value
    return public, secret


def secret_leaves(value: Any, secret_keys: frozenset[str], inside: bool = False) -> list[str]:
    """Every string value found under a secret key, for redaction."""
    found: list[str] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            found += secret_leaves(item, secret_keys, inside or key in secret_keys)
    elif isinstance(value, list | tuple):
        for item in value:
            found += secret_leaves(item, secret_keys, inside)
    elif inside and isinstance(value, str):
        found.append(value)
    return found


def leaves_at(value: Any, paths: Iterable[Sequence[str | int]]) -> list[str]:
    """Every string found at or under each path (the values a caller marked secret)."""
    found: list[str] = []
    for path in paths:
        node: Any = value
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        found += secret_leaves({"": node}, frozenset({""}))
    return found
