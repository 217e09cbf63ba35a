"""Elasticsearch version numbers, as ``GET /`` reports them and as state records them."""

from __future__ import annotations

from typing import Any, Final

Version = tuple[int, int, int]

SERVERLESS: Final = "serverless"
"""``version.build_flavor`` of Serverless, and how state records its version."""

SERVERLESS_VERSION: Final[Version] = (9999, 0, 0)
"""What Serverless counts as: newer than any release (its ``GET /`` reports a fixed
``version.number``, 8.11.0, which says nothing about what it accepts)."""


def parse_version(text: Any) -> Version | None:
    """``"9.1.0"``, ``"8.18.0-SNAPSHOT"`` or ``"9"`` to a tuple, ``"serverless"`` to
    :data:`SERVERLESS_VERSION`; ``None`` when not a version."""
    if text == SERVERLESS:
        return SERVERLESS_VERSION
    if not isinstance(text, str) or not text:
        return None
    parts = [*text.split("-")[0].split("."), "0", "0"][:3]
    try:
        return (int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def format_version(version: Version) -> str:
    if tuple(version) == SERVERLESS_VERSION:
        return SERVERLESS
    return ".".join(str(part) for part in version)
