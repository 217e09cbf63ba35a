"""How names are spelled: Python's ``inference_id`` and the schemas' ``inferenceId``
(:func:`camel`), and how the front door at hand spells the resource's properties in the
messages the core writes.

The core writes ``spelled("force_delete", True)``; a user of the dynamic door reads
``force_delete=True`` (Python), a user of the native door ``forceDelete: true`` (its schema, as
YAML and every SDK spell it). Each door supplies its naming for the calls it serves.
"""

from __future__ import annotations

import contextvars
import difflib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Protocol


def camel(name: str) -> str:
    """``service_settings`` -> ``serviceSettings``."""
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name ``name`` most likely misspells (a did-you-mean), if one is close."""
    found = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return found[0] if found else None


def unknown_setting(key: str, owner: str, meant: str | None, known: Iterable[str] = ()) -> str:
    """A settings key nothing declares, worded alike for a dict and a typed settings class:
    ``unknown setting 'modelid' for service 'openai'; did you mean 'model_id'?``."""
    if meant is not None:
        return f"unknown setting '{key}' {owner}; did you mean '{meant}'?"
    return f"unknown setting '{key}' {owner}; it takes {', '.join(known) or 'no other keys'}"


class _NoValue:
    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE = _NoValue()


class Naming(Protocol):
    def __call__(self, name: str, value: object = NO_VALUE, /) -> str:
        """``name`` (snake_case), or ``name`` set to ``value``, as the door's users write it."""
        ...


def python_naming(name: str, value: object = NO_VALUE, /) -> str:
    return name if value is NO_VALUE else f"{name}={value!r}"


current: contextvars.ContextVar[Naming] = contextvars.ContextVar(
    "pulumi_inference_naming", default=python_naming
)


def spelled(name: str, value: object = NO_VALUE) -> str:
    """A property (optionally set to a value) as the door serving this call spells it."""
    return current.get()(name, value)


@contextmanager
def naming(chosen: Naming) -> Iterator[None]:
    """Spell the core's messages with ``chosen`` inside the block (this thread or task)."""
    token = current.set(chosen)
    try:
        yield
    finally:
        current.reset(token)
