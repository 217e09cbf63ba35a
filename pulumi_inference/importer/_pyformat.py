"""Python source for literal values and calls, laid out as ``ruff format`` lays them out.

A value fits on its line or is exploded one item per line with a trailing comma; the
trailing comma is "magic" to ruff and black, so they keep an exploded bracket as written and
the output passes ``ruff format --check`` at the default line length.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

LINE_LENGTH = 88
"""ruff's and black's default: the generated project has no ruff settings of its own."""
INDENT = "    "


@dataclass(frozen=True)
class Code:
    """An expression written as is, e.g. ``config.require_secret("openaiApiKey")``."""

    text: str


@dataclass(frozen=True)
class Item:
    """A keyword or positional argument of a :class:`Call`, or an entry of a :class:`Dict`.

    ``comments`` are written above it (and force the surrounding bracket to explode).
    """

    key: str | None
    value: Any
    comments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Call:
    func: str
    items: tuple[Item, ...]
    explode: bool = False


@dataclass(frozen=True)
class Dict:
    items: tuple[Item, ...]


def as_node(value: Any) -> Any:
    """Plain JSON-like data as nodes: mappings become :class:`Dict`, the rest stays."""
    if isinstance(value, Mapping):
        return Dict(tuple(Item(str(key), as_node(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return [as_node(item) for item in value]
    return value


def string(text: str) -> str:
    """A string literal in ruff's preferred quotes: double, unless single avoids escapes."""
    body = text.replace("\\", "\\\\")
    for char, escape in (("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        body = body.replace(char, escape)
    body = "".join(
        f"\\x{ord(c):02x}" if ord(c) < 0x20 or c == "\x7f" else c for c in body
    )  # other control characters
    if body.count('"') > body.count("'"):
        return "'" + body.replace("'", "\\'") + "'"
    return '"' + body.replace('"', '\\"') + '"'


def _key(item: Item) -> str:
    return string(item.key) + ": " if item.key is not None else ""


def _flat(node: Any) -> str | None:
    """The one-line form, or ``None`` when the node must be exploded (comments, explode)."""
    if isinstance(node, Code):
        return node.text
    if isinstance(node, Call):
        if node.explode or any(item.comments for item in node.items):
            return None
        parts = [_flat(item.value) for item in node.items]
        if any(part is None for part in parts):
            return None
        args = ", ".join(
            f"{item.key}={part}" if item.key else str(part)
            for item, part in zip(node.items, parts, strict=True)
        )
        return f"{node.func}({args})"
    if isinstance(node, Dict):
        if any(item.comments for item in node.items):
            return None
        parts = [_flat(item.value) for item in node.items]
        if any(part is None for part in parts):
            return None
        entries = [_key(item) + str(part) for item, part in zip(node.items, parts, strict=True)]
        return "{" + ", ".join(entries) + "}"
    if isinstance(node, list):
        parts = [_flat(item) for item in node]
        if any(part is None for part in parts):
            return None
        return "[" + ", ".join(str(part) for part in parts) + "]"
    return _scalar(node)


def _scalar(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return string(value)
    raise TypeError(f"cannot write {type(value).__name__} as Python source")


def expression(node: Any, *, indent: int = 0, used: int = 0, tail: int = 0) -> list[str]:
    """Lines of ``node``: the first continues a line already ``used`` columns long, which
    ends with ``tail`` more characters after it; the others start at ``indent`` levels."""
    flat = _flat(node)
    if flat is not None and used + len(flat) + tail <= LINE_LENGTH:
        return [flat]
    if isinstance(node, Call):
        return _exploded(f"{node.func}(", ")", node.items, indent, keyword=True)
    if isinstance(node, Dict):
        return _exploded("{", "}", node.items, indent, keyword=False)
    if isinstance(node, list) and node:
        return _exploded("[", "]", [Item(None, item) for item in node], indent, keyword=False)
    if flat is None:  # pragma: no cover - only containers can refuse a flat form
        raise AssertionError(node)
    return [flat]  # an atom longer than the line: nothing to split


def _exploded(
    opening: str, closing: str, items: Sequence[Item], indent: int, *, keyword: bool
) -> list[str]:
    pad = INDENT * (indent + 1)
    lines = [opening]
    for item in items:
        lines += [f"{pad}# {comment}" if comment else f"{pad}#" for comment in item.comments]
        if item.key is None:
            head = ""
        elif keyword:
            head = f"{item.key}="
        else:
            head = _key(item)
        body = expression(item.value, indent=indent + 1, used=len(pad) + len(head), tail=1)
        lines.append(pad + head + body[0])
        lines += body[1:]
        lines[-1] += ","
    lines.append(INDENT * indent + closing)
    return lines


def statement(target: str | None, node: Any) -> str:
    """``target = node`` (or the bare expression) as module-level source lines."""
    head = f"{target} = " if target else ""
    lines = expression(node, used=len(head))
    return head + "\n".join(lines)


def wrap(text: str, width: int = 76) -> tuple[str, ...]:
    """``text`` in lines of at most ``width`` characters (comments above an :class:`Item`)."""
    return tuple(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False))
