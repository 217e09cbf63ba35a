"""Elasticsearch version numbers, as ``GET /`` reports them and as state records them."""

from __future__ import annotations

from typing import Any

Version = tuple[int, int, int]


def parse_version(text: Any) -> Version | None:
    """``"9.1.0"``, ``"8.18.0-SNAPSHOT"`` or ``"9"`` to a tuple; ``None`` when not a version."""
    if not isinstance(text, str) or not text:
        return None
    parts = [*text.split("-")[0].split("."), "0", "0"][:3]
    try:
        return (int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def format_version(version: Version) -> str:
    return ".".join(str(part) for part in version)
