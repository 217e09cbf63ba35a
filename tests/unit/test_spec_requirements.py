"""Every requirement of docs/inference-endpoint.md is named by a test, and tests name only
requirements that the specification defines.

A requirement is defined where the specification writes its id in bold (``**REQ-...``). A
test names it in its docstring or in a comment (``tests/**/*.py``); ids in ordinary strings
do not count, so a test cannot claim a requirement by accident.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "docs" / "inference-endpoint.md"
TESTS = ROOT / "tests"
ID = re.compile(r"\bREQ-[A-Z]+-\d+\b")
DEFINED = re.compile(r"\*\*(REQ-[A-Z]+-\d+)\b")


def defined_ids(text: str) -> list[str]:
    """The requirement ids the specification defines, in order."""
    return DEFINED.findall(text)


def named_ids(source: str) -> Iterator[tuple[str, int]]:
    """(id, line) for each id in a docstring or a comment of ``source``."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            docstring = ast.get_docstring(node, clean=False)
            if docstring is not None:
                line = node.body[0].lineno
                for found in ID.findall(docstring):
                    yield found, line
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            for found in ID.findall(token.string):
                yield found, token.start[0]


def names_in_tests() -> dict[str, list[str]]:
    """Each id named in tests/, with where (``path:line``)."""
    where: dict[str, list[str]] = {}
    for path in sorted(TESTS.rglob("*.py")):
        if path == Path(__file__).resolve():
            continue
        for found, line in named_ids(path.read_text(encoding="utf-8")):
            where.setdefault(found, []).append(f"{path.relative_to(ROOT)}:{line}")
    return where


def test_the_specification_defines_each_id_once() -> None:
    ids = defined_ids(SPEC.read_text(encoding="utf-8"))
    assert len(ids) >= 30, f"{SPEC.name} defines only {ids}: is the bold **REQ-... form kept?"
    repeated = sorted({found for found in ids if ids.count(found) > 1})
    assert repeated == [], f"defined more than once in {SPEC.name}: {repeated}"


def test_every_requirement_is_named_by_a_test_and_every_named_id_is_defined() -> None:
    defined = set(defined_ids(SPEC.read_text(encoding="utf-8")))
    named = names_in_tests()
    unproved = sorted(defined - set(named))
    undefined = {found: named[found] for found in sorted(set(named) - defined)}
    problems = []
    if unproved:
        problems.append(
            f"requirements of {SPEC.relative_to(ROOT)} that no test names in a docstring or "
            f"comment: {', '.join(unproved)}"
        )
    if undefined:
        listed = "; ".join(f"{found} at {', '.join(at)}" for found, at in undefined.items())
        problems.append(f"ids named in tests that {SPEC.name} does not define: {listed}")
    assert not problems, "\n".join(problems)


def test_ids_are_read_from_docstrings_and_comments_only() -> None:
    source = '''
"""Module REQ-A-1."""
def test_x():
    """REQ-B-2: words."""
    value = "REQ-C-3"  # REQ-D-4
    return value
'''
    assert sorted(found for found, _ in named_ids(source)) == ["REQ-A-1", "REQ-B-2", "REQ-D-4"]
    spec = "**REQ-A-1 Title.** text that mentions REQ-B-2 and REQ-READ-1's defaults"
    assert defined_ids(spec) == ["REQ-A-1"]
