"""PropertyValues (the native protocol's values) to canonical props and back.

Inputs arrive camelCase, each value possibly secret or not known yet; the core takes
snake_case plain values with ``UNKNOWN`` for what is not known. Going back, a value
is secret where the caller marked it so, and wherever the catalogue says a settings key is
secret (``serviceSettings.api_key``), but never a whole settings map for one key in it:
``model_id`` stays readable in review.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pulumi.provider.experimental.property_value import Computed, PropertyValue

from .. import catalogue
from .._naming import NO_VALUE, camel
from .._pulumi_wire import PULUMI_UNKNOWN_WIRE_VALUE, UNKNOWN, is_unknown
from ..properties import sensitive_sections
from ._schema import OUTPUT_NAMES

Path = tuple[str, ...]

CAMEL = {name: camel(name) for name in OUTPUT_NAMES}
"""The resource's property names: snake_case -> schema camelCase."""
SNAKE = {value: key for key, value in CAMEL.items()}
_SECRET_SECTIONS = frozenset(sensitive_sections("keys"))


def snake(name: str) -> str:
    return SNAKE.get(name, name)


def _plain(value: PropertyValue, path: Path, secret_paths: set[Path]) -> Any:
    if value.is_secret:
        secret_paths.add(path)
    inner = value.value
    if isinstance(inner, Computed) or is_unknown(inner):
        return UNKNOWN
    if isinstance(inner, Mapping):
        return {key: _plain(item, (*path, key), secret_paths) for key, item in inner.items()}
    if isinstance(inner, tuple | list):
        return [_plain(item, (*path, str(index)), secret_paths) for index, item in enumerate(inner)]
    if isinstance(inner, float) and inner.is_integer():
        return int(inner)
    return inner


def to_plain(props: Mapping[str, PropertyValue]) -> tuple[dict[str, Any], set[Path]]:
    """Canonical props (snake_case top-level names), and the paths the caller marked secret."""
    secret_paths: set[Path] = set()
    plain = {snake(key): _plain(value, (snake(key),), secret_paths) for key, value in props.items()}
    return plain, secret_paths


def _wire(value: Any, path: Path, secret_paths: set[Path]) -> PropertyValue:
    secret = path in secret_paths or (
        len(path) > 1 and path[0] in _SECRET_SECTIONS and path[-1] in catalogue.SECRET_KEYS
    )
    if value is UNKNOWN:
        # The engine's own encoding: the SDK cannot marshal PropertyValue.computed().
        wired = PropertyValue(PULUMI_UNKNOWN_WIRE_VALUE)
    elif isinstance(value, Mapping):
        wired = PropertyValue(
            {str(key): _wire(item, (*path, str(key)), secret_paths) for key, item in value.items()}
        )
    elif isinstance(value, list | tuple):
        wired = PropertyValue(
            [_wire(item, (*path, str(index)), secret_paths) for index, item in enumerate(value)]
        )
    elif isinstance(value, bool) or value is None or isinstance(value, str):
        wired = PropertyValue(value)
    elif isinstance(value, int | float):
        wired = PropertyValue(float(value))
    else:
        wired = PropertyValue(str(value))
    return wired.with_secret(True) if secret else wired


def to_wire(plain: Mapping[str, Any], secret_paths: set[Path]) -> dict[str, PropertyValue]:
    """camelCase PropertyValues; secret at the caller's paths and at every secret setting."""
    return {
        CAMEL.get(key, key): _wire(value, (key,), secret_paths)
        for key, value in plain.items()
        if value is not None
    }


def schema_naming(name: str, value: object = NO_VALUE, /) -> str:
    """The core's names as the schema spells them: ``forceDelete``, ``forceDelete: true``."""
    spelled = camel(name)
    return spelled if value is NO_VALUE else f"{spelled}: {json.dumps(value)}"
