"""Removing secret values from text that may reach a user (errors, log lines)."""

from __future__ import annotations

from collections.abc import Iterable

REDACTED = "[secret]"
_MIN_LENGTH = 4  # shorter values would blank out ordinary words


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of every secret value in ``text``, longest first."""
    for secret in sorted(
        {s for s in secrets if s and len(s) >= _MIN_LENGTH}, key=len, reverse=True
    ):
        text = text.replace(secret, REDACTED)
    return text
