"""Secrets in nested settings: splitting them out, finding their values, and masking those
values in text that may reach a user (errors, log lines) with one marker, :data:`REDACTED`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

REDACTED = "[secret]"
_MIN_LENGTH = 4  # shorter values would blank out ordinary words


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of every secret value in ``text``, longest first."""
    for secret in sorted(
        {s for s in secrets if s and len(s) >= _MIN_LENGTH}, key=len, reverse=True
    ):
        text = text.replace(secret, REDACTED)
    return text


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
