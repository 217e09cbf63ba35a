"""Removing secret values from text that may reach a user (errors, log lines)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from . import catalogue
from ._nested import leaves_at, secret_leaves
from .connection import SECRET_CONNECTION_FIELDS

REDACTED = "[secret]"
_MIN_LENGTH = 4  # shorter values would blank out ordinary words


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of every secret value in ``text``, longest first."""
    for secret in sorted(
        {s for s in secrets if s and len(s) >= _MIN_LENGTH}, key=len, reverse=True
    ):
        text = text.replace(secret, REDACTED)
    return text


SECRET_NAMES: frozenset[str] = catalogue.SECRET_KEYS | SECRET_CONNECTION_FIELDS
"""Keys whose values are secret wherever they appear: an endpoint's and a connection's."""


def secrets_in(
    props: Mapping[str, Any],
    marked: Iterable[Sequence[str | int]] = (),
    *,
    also: frozenset[str] = frozenset(),
) -> list[str]:
    """Every secret value in ``props``, for :func:`redact`: under a secret key (an API key, a
    password, any of ``also``) or at one of the paths the caller ``marked`` secret."""
    return secret_leaves(props, SECRET_NAMES | also) + leaves_at(props, marked)
