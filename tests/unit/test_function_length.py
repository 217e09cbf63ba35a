"""No function of the library (or of its code generator) is longer than a reader can hold.

Length counts the ``def`` line to the last line of the body, docstring included (decorators
left out). There is no allow-list: a long function is split, not excused.
"""

from __future__ import annotations

import ast
import pathlib
import textwrap

ROOT = pathlib.Path(__file__).resolve().parents[2]
LIMIT = 60
CHECKED = ("pulumi_inference", "devtools")


def _long_functions(source: str, limit: int = LIMIT) -> list[tuple[int, str, int]]:
    """(line, name, length) of each function or method in ``source`` over ``limit`` lines."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > limit:
                found.append((node.lineno, node.name, length))
    return sorted(found)


def _checked_files() -> list[pathlib.Path]:
    return sorted(path for folder in CHECKED for path in (ROOT / folder).rglob("*.py"))


def test_no_function_is_longer_than_the_limit() -> None:
    files = _checked_files()
    assert len(files) > 50, f"the walk found only {len(files)} files under {CHECKED}"
    offenders = [
        f"{path.relative_to(ROOT)}:{line} {name} is {length} lines (limit {LIMIT})"
        for path in files
        for line, name, length in _long_functions(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, "split these into functions with one job each:\n" + "\n".join(offenders)


def _function(name: str, lines: int, *, decorated: bool = False, indent: str = "") -> str:
    """A function of exactly ``lines`` lines, def line and docstring included."""
    body = [f'{indent}    """Doc."""'] + [f"{indent}    x = {i}" for i in range(lines - 2)]
    head = [f"{indent}@staticmethod"] if decorated else []
    return "\n".join([*head, f"{indent}def {name}() -> None:", *body]) + "\n"


def test_the_measure_counts_def_to_last_line() -> None:
    source = _function("fits", LIMIT) + _function("over", LIMIT + 1)
    assert _long_functions(source) == [(LIMIT + 1, "over", LIMIT + 1)]


def test_the_measure_sees_methods_and_async_and_leaves_decorators_out() -> None:
    method = _function("method", LIMIT + 1, decorated=True, indent="    ")
    source = "class C:\n" + method + "\n\nasync " + _function("waits", LIMIT + 2).lstrip()
    found = {name: length for _, name, length in _long_functions(source)}
    assert found == {"method": LIMIT + 1, "waits": LIMIT + 2}
    nested = "def outer() -> None:\n" + textwrap.indent(_function("inner", LIMIT + 5), "    ")
    assert [name for _, name, _ in _long_functions(nested)] == ["outer", "inner"]
