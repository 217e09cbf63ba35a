"""How Elasticsearch's Java code prints parsed JSON in error messages.

Request bodies are parsed into ``java.util.HashMap`` and reference lists are collected in
``java.util.HashSet``, so their ``toString()`` (and the JSON arrays built from the sets) follow
hash-bucket order, not insertion or sorted order. Reproducing that order keeps messages
byte-for-byte equal to a real cluster's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

_DEFAULT_CAPACITY = 16
_LOAD_FACTOR = 0.75


def string_hash(text: str) -> int:
    """``String.hashCode()``: 31-based over UTF-16 code units, as an unsigned 32-bit value."""
    value = 0
    units = text.encode("utf-16-le")
    for i in range(0, len(units), 2):
        value = (31 * value + int.from_bytes(units[i : i + 2], "little")) & 0xFFFFFFFF
    return value


def hash_order(keys: Sequence[str], entries: int | None = None) -> list[str]:
    """``keys`` in the iteration order of a HashMap/HashSet they were inserted into, in order.

    ``entries`` is the largest size the table ever had (a table never shrinks when keys are
    removed); it defaults to ``len(keys)``. Treeified buckets (8+ colliding keys) are ignored.
    """
    size = len(keys) if entries is None else max(entries, len(keys))
    capacity = _DEFAULT_CAPACITY
    while size > capacity * _LOAD_FACTOR:
        capacity *= 2

    def bucket(key: str) -> int:
        h = string_hash(key)
        return (h ^ (h >> 16)) & (capacity - 1)

    positions = {key: i for i, key in enumerate(keys)}
    return sorted(keys, key=lambda k: (bucket(k), positions[k]))


def double_repr(value: float) -> str:
    """``Double.toString``: ``2.0``, ``0.001``, ``1.0E20``, ``1.5E-5``."""
    if value != value:
        return "NaN"
    if value in {float("inf"), float("-inf")}:
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        text = repr(value)
        if "e" not in text:
            return text
    sign, digits, exponent = Decimal(repr(value)).as_tuple()
    assert isinstance(exponent, int)
    shown = "".join(str(d) for d in digits).rstrip("0") or "0"
    power = exponent + len(digits) - 1
    mantissa = shown[0] + "." + (shown[1:] or "0")
    return ("-" if sign else "") + f"{mantissa}E{power}"


def value_repr(value: Any, entries: int | None = None) -> str:
    """A parsed JSON value as Java prints it; objects as HashMaps (``{a=1, b=[x, y]}``).

    ``entries`` is the top-level map's largest size (see :func:`hash_order`).
    """
    if isinstance(value, dict):
        keys = hash_order([str(k) for k in value], entries)
        return "{" + ", ".join(f"{k}={value_repr(value[k])}" for k in keys) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(value_repr(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return double_repr(value)
    return str(value)


def java_repr(value: Any) -> str:
    """Like :func:`value_repr` but in the body's own key order (what the PUT messages use)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={java_repr(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(java_repr(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def set_items(items: Iterable[str]) -> list[str]:
    """The elements of a HashSet filled from ``items`` (duplicates dropped), in its order."""
    return hash_order(list(dict.fromkeys(items)))


def set_repr(items: Sequence[str]) -> str:
    """``AbstractCollection.toString``: ``[a, b]``."""
    return "[" + ", ".join(items) + "]"
