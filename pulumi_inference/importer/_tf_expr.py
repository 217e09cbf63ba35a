"""Terraform expressions, as python-hcl2 hands them over, in the few shapes that convert.

python-hcl2 gives literals as Python values (strings with their quotes kept) and every other
expression as its source text in ``${...}``. What converts: literals, ``var.NAME`` (with
``["key"]``, ``[0]`` or ``.attr`` after it), ``each.key``, ``each.value``, ``count.index``,
strings interpolating those, objects and lists of them, and ``jsonencode(...)`` of an object.
Anything else (other functions, conditionals, references to other resources, locals) is
:class:`Unsupported`, carrying its text and why, so the caller says "not converted".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

_EXPRESSION = re.compile(r"^\$\{(.*)\}$", re.DOTALL)
_JSONENCODE = re.compile(r"^jsonencode\((.*)\)$", re.DOTALL)
_CONVERSION = re.compile(r"^to(?:set|map|list)\((.*)\)$", re.DOTALL)
_HEREDOC = re.compile(r"^<<-?(\w+)\n(.*)\n\s*\1$", re.DOTALL)
_REFERENCE = re.compile(
    r"^(var\.[A-Za-z_][\w-]*|each\.key|each\.value|count\.index)((?:\.\w+|\[[^\]]+\])*)$"
)
_STEP = re.compile(r"\.(\w+)|\[([^\]]+)\]")
_INTERPOLATION = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True)
class Lit:
    value: Any


@dataclass(frozen=True)
class Ref:
    """``var.NAME`` (``root`` is ``var.NAME``), ``each.key``, ``each.value`` or
    ``count.index``, with the ``path`` of keys and indexes after it."""

    root: str
    path: tuple[str | int, ...] = ()

    @property
    def variable(self) -> str | None:
        return self.root[4:] if self.root.startswith("var.") else None


@dataclass(frozen=True)
class Template:
    parts: tuple[str | Ref, ...]


@dataclass(frozen=True)
class Obj:
    items: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Arr:
    items: tuple[Any, ...]


@dataclass(frozen=True)
class JsonEncode:
    value: Any


@dataclass(frozen=True)
class Unsupported:
    text: str
    why: str


Expr = Lit | Ref | Template | Obj | Arr | JsonEncode | Unsupported


def parse(value: Any) -> Expr:
    """The expression python-hcl2 gave as ``value``."""
    if isinstance(value, Mapping):
        items = [
            (_unquoted(str(k)), parse(v)) for k, v in value.items() if not str(k).startswith("__")
        ]
        return Obj(tuple(items))
    if isinstance(value, list):
        return Arr(tuple(parse(item) for item in value))
    if not isinstance(value, str):
        return Lit(value)
    match = _EXPRESSION.match(value)
    if match is not None:
        return _expression(match.group(1).strip())
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return _string(value[1:-1])
    return Lit(value)  # a bare word (a variable's type: string, number, ...)


def _expression(text: str) -> Expr:
    called = _JSONENCODE.match(text)
    if called is not None:
        inner = _parsed_hcl(called.group(1))
        if inner is None:
            return Unsupported(text, "its argument is not an expression this converter reads")
        return JsonEncode(inner)
    reference = _reference(text)
    if reference is not None:
        return reference
    converted = _CONVERSION.match(text)
    if converted is not None:  # toset([...]), tomap({...}), tolist([...]): the same values
        inner = _parsed_hcl(converted.group(1))
        if inner is not None and not isinstance(inner, Unsupported):
            return inner
    if text in ("true", "false", "null"):
        return Lit(json.loads(text))
    why = "a function call" if re.match(r"^\w+\(", text) else "an expression"
    if text.startswith(("local.", "module.", "data.")) or re.match(r"^\w+\.\w+\.\w+", text):
        why = "a reference to another value of the configuration"
    return Unsupported(text, f"{why} (only literals, var.*, each.*, count.index convert)")


def _parsed_hcl(text: str) -> Expr | None:
    try:
        import hcl2

        parsed = hcl2.loads(f"value = {text}\n")
    except Exception:
        return None
    return parse(parsed.get("value")) if isinstance(parsed, Mapping) else None


def _reference(text: str) -> Ref | None:
    match = _REFERENCE.match(text)
    if match is None:
        return None
    path: list[str | int] = []
    for attr, index in _STEP.findall(match.group(2)):
        if attr:
            path.append(attr)
        elif index.isdigit():
            path.append(int(index))
        elif len(index) >= 2 and index[0] == index[-1] == '"':
            path.append(index[1:-1])
        else:
            return None
    return Ref(match.group(1), tuple(path))


def _string(body: str) -> Expr:
    heredoc = _HEREDOC.match(body)
    if heredoc is not None:
        return Lit(heredoc.group(2))
    parts: list[str | Ref] = []
    position = 0
    for match in _INTERPOLATION.finditer(body):
        if body[max(0, match.start() - 1) : match.start()] == "$":
            continue  # $${...} is a literal ${...}
        reference = _reference(match.group(1).strip())
        if reference is None:
            return Unsupported(f'"{body}"', "a string interpolating an expression")
        parts += [_unescaped(body[position : match.start()]), reference]
        position = match.end()
    parts.append(_unescaped(body[position:]))
    kept = tuple(part for part in parts if part != "")
    if all(isinstance(part, str) for part in kept):
        return Lit("".join(str(part) for part in kept))
    return Template(kept)


def _unescaped(text: str) -> str:
    try:
        value = json.loads(f'"{text}"')
    except json.JSONDecodeError:
        value = text
    return str(value).replace("$${", "${")


def _unquoted(key: str) -> str:
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] == '"' else key


class NotKnown(Exception):
    """An expression's value cannot be known here (a variable without a value)."""


def evaluate(expr: Expr, env: Mapping[str, Any]) -> Any:
    """The value of ``expr``; ``env`` maps ``var.NAME``, ``each.key``, ``each.value`` and
    ``count.index`` to values. A JSON string from ``jsonencode`` is given as its object."""
    if isinstance(expr, Lit):
        return expr.value
    if isinstance(expr, Ref):
        if expr.root not in env:
            raise NotKnown(expr.root)
        value = env[expr.root]
        for step in expr.path:
            try:
                value = value[step]
            except (KeyError, IndexError, TypeError):
                raise NotKnown(expr.root) from None
        return value
    if isinstance(expr, Template):
        return "".join(p if isinstance(p, str) else str(evaluate(p, env)) for p in expr.parts)
    if isinstance(expr, Obj):
        return {key: evaluate(item, env) for key, item in expr.items}
    if isinstance(expr, Arr):
        return [evaluate(item, env) for item in expr.items]
    if isinstance(expr, JsonEncode):
        return evaluate(expr.value, env)
    raise NotKnown(expr.text)


def bindings(expr: Expr, value: Any, found: dict[str, Any]) -> None:
    """Each reference of ``expr`` that stands alone at a place of ``value`` (what Terraform's
    state records there), as ``found[root]``: how the state tells a variable's value."""
    if isinstance(expr, Ref) and not expr.path:
        found.setdefault(expr.root, value)
    elif isinstance(expr, Obj) and isinstance(value, Mapping):
        for key, item in expr.items:
            if key in value:
                bindings(item, value[key], found)
    elif isinstance(expr, Arr) and isinstance(value, list) and len(value) == len(expr.items):
        for item, inner in zip(expr.items, value, strict=True):
            bindings(item, inner, found)
    elif isinstance(expr, JsonEncode):
        bindings(expr.value, value, found)


def parts(expr: Expr) -> Iterator[Expr]:
    """``expr`` and every expression inside it, outermost first."""
    yield expr
    if isinstance(expr, Template):
        yield from (part for part in expr.parts if isinstance(part, Ref))
    elif isinstance(expr, Obj):
        for _, item in expr.items:
            yield from parts(item)
    elif isinstance(expr, Arr):
        for item in expr.items:
            yield from parts(item)
    elif isinstance(expr, JsonEncode):
        yield from parts(expr.value)


def unsupported(expr: Expr) -> list[Unsupported]:
    """Every part of ``expr`` that does not convert."""
    return [part for part in parts(expr) if isinstance(part, Unsupported)]


def references(expr: Expr) -> list[Ref]:
    """Every reference in ``expr`` (to a variable, a local, another resource)."""
    return [part for part in parts(expr) if isinstance(part, Ref)]
