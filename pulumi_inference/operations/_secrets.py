"""Which values are secret: what both doors redact from every message they pass on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .. import catalogue
from .._secrets import leaves_at, secret_leaves
from ..connection import SECRET_CONNECTION_FIELDS

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
