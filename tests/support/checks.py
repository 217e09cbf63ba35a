"""Check failures as the tests read them: (path, message).

A failure names no property (the engine would print ``property <path> value {<nil>} has a
problem:`` for a nested path, which it looks up as one top-level key): the path leads its
reason, ``service_settings.modelid: unknown setting ...``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def by_path(failures: Iterable[Any] | None) -> list[tuple[str, str]]:
    found = list(failures or [])
    assert all(failure.property == "" for failure in found), found
    return [_split(failure.reason) for failure in found]


def paths(failures: Iterable[Any] | None) -> list[str]:
    return [path for path, _ in by_path(failures)]


def _split(reason: str) -> tuple[str, str]:
    path, _, message = reason.partition(": ")
    return path, message
