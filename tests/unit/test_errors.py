"""The error tree as ``errors.py`` draws it is the one it defines, and every public name
answers to a public module (as httpx's do)."""

from __future__ import annotations

import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

import pulumi_inference
from pulumi_inference import errors

ROOT = Path(__file__).resolve().parents[2]
_TREE_LINE = re.compile(r"^    ((?:│   |    )*)(?:[├└]── )?([A-Z]\w*Error)\b")


def drawn_tree() -> dict[str, str | None]:
    """Each class the docstring draws, with the parent it is drawn under."""
    parents: dict[str, str | None] = {}
    path: list[str] = []
    for line in (errors.__doc__ or "").splitlines():
        found = _TREE_LINE.match(line)
        if not found:
            continue
        depth = len(found.group(1)) // 4 + (1 if "──" in line else 0)
        del path[depth:]
        parents[found.group(2)] = path[-1] if path else None
        path.append(found.group(2))
    return parents


def defined_tree() -> dict[str, str | None]:
    """Each exception class errors.py defines, with its base."""
    classes = {
        name: cls
        for name, cls in vars(errors).items()
        if inspect.isclass(cls) and issubclass(cls, Exception) and cls.__module__ == errors.__name__
    }
    return {
        name: None if cls is errors.InferenceError else cls.__bases__[0].__name__
        for name, cls in classes.items()
    }


def test_the_docstring_draws_every_class_under_its_base() -> None:
    assert drawn_tree() == defined_tree()
    assert len(defined_tree()) == 20


def test_all_lists_every_class_and_nothing_else() -> None:
    assert sorted(errors.__all__) == sorted(defined_tree())


def test_the_package_root_offers_every_error() -> None:
    assert {n for n in pulumi_inference.__all__ if n.endswith("Error")} == set(errors.__all__)


def test_the_tree_reader_sees_a_class_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: a class missing from the drawing is seen."""
    doc = (errors.__doc__ or "").replace(
        "    ├── RegionPolicyExistsError    the cluster has a region policy this stack does not "
        "manage\n",
        "",
    )
    monkeypatch.setattr(errors, "__doc__", doc)
    assert "RegionPolicyExistsError" not in drawn_tree()
    assert drawn_tree() != defined_tree()


def _public_modules() -> list[str]:
    package = ROOT / "pulumi_inference"
    found = ["pulumi_inference"]
    for init in sorted(package.glob("*/__init__.py")):
        found.append(f"pulumi_inference.{init.parent.name}")
    return found


@pytest.mark.parametrize("module", _public_modules())
def test_each_export_answers_to_a_public_module(module: str) -> None:
    """A class or function a package exports has a ``__module__`` with no private part, from
    which it can be imported under its name (the providers' pickled address included)."""
    exported = importlib.import_module(module)
    wrong = []
    for name in exported.__all__:
        value = getattr(exported, name)
        if not (inspect.isclass(value) or inspect.isfunction(value)):
            continue
        home = value.__module__
        if not home.startswith("pulumi_inference"):
            continue
        private = any(part.startswith("_") for part in home.split("."))
        if private or getattr(importlib.import_module(home), value.__name__, None) is not value:
            wrong.append(f"{module}.{name}: __module__ is {home}")
    assert wrong == []


def test_a_traceback_names_the_public_face() -> None:
    code = (
        "import pulumi_inference.client as c\n"
        "print(repr(c.InferenceClient), c.client_for.__module__, c.RetryPolicy.__module__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.split() == [
        "<class",
        "'pulumi_inference.client.InferenceClient'>",
        "pulumi_inference.client",
        "pulumi_inference.client",
    ]
