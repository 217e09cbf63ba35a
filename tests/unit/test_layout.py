"""The layout the architecture promises (docs/architecture.md): private means private.

A private module (a name starting with ``_``) belongs to its package: only modules inside
that package import it. The root package's private modules (``pulumi_inference._nested``, ...)
are the shared kernel every subpackage may use. Code outside the library (benchmarks, scripts)
uses public names only. Tests may reach into internals to test them, so they are not walked.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "pulumi_inference"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _package_of(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    """Every module an import statement of ``path`` names, resolved to an absolute name
    (``from . import x`` names ``package.x`` when ``x`` is a module)."""
    tree = ast.parse(path.read_text(), str(path))
    module = module_name(path) if path.is_relative_to(PACKAGE) else ""
    package = _package_of(module, path) if module else ""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            yield node.lineno, source
            for alias in node.names:
                candidate = f"{source}.{alias.name}"
                if _is_module(candidate):
                    yield node.lineno, candidate


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def private_owner(name: str) -> str | None:
    """The package that owns the first private part of ``name``, or None if all public."""
    parts = name.split(".")
    for index, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:index])
    return None


def crossings(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        importer = module_name(path) if path.is_relative_to(PACKAGE) else ""
        for line, name in imported_modules(path):
            if not name.startswith("pulumi_inference"):
                continue
            owner = private_owner(name)
            if owner is None:
                continue
            if importer == owner or importer.startswith(owner + "."):
                continue
            found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return found


def library_and_tools() -> list[Path]:
    paths = sorted(PACKAGE.rglob("*.py")) + sorted((ROOT / "benchmarks").glob("*.py"))
    paths += sorted((ROOT / "devtools").glob("*.py"))
    scripts = ROOT / "scripts"
    paths += [p for p in sorted(scripts.iterdir()) if p.is_file() and _is_python(p)]
    return paths


def _is_python(path: Path) -> bool:
    if path.suffix == ".py":
        return True
    first_line = path.read_bytes().split(b"\n", 1)[0]
    return first_line.startswith(b"#!") and b"python" in first_line


def test_no_module_imports_another_packages_private_module() -> None:
    assert crossings(library_and_tools()) == []


def test_the_walker_sees_a_crossing(tmp_path: Path) -> None:
    """The rule is checked: an import of another package's private module is reported."""
    offender = PACKAGE / "importer" / "_zz_layout_probe.py"
    offender.write_text("from ..operations._plan import Plan\nfrom .._nested import deep_merge\n")
    try:
        assert crossings([offender]) == [
            "pulumi_inference/importer/_zz_layout_probe.py:1 imports "
            "pulumi_inference.operations._plan"
        ]
    finally:
        offender.unlink()


KERNEL = (
    "_unknown",
    "_naming",
    "_nested",
    "_names",
    "_version",
    "_environment",
    "_subcommand",
    "_redact",
    "_settings_model",
    "_signature",
    "_release",
    "_published",
    "errors",
    "connection",
    "properties",
)
"""The root's shared modules: facts and helpers every layer may use; they use only each other."""

LAYERS: dict[str, tuple[str, ...]] = {
    "kernel": (),
    "catalogue": ("kernel",),
    "client": ("kernel",),
    "operations": ("kernel", "catalogue", "client"),
    "door": ("kernel", "catalogue", "client", "operations"),
    "services": ("kernel",),
    "importer": ("kernel", "catalogue", "client", "operations", "services"),
    "recovery": ("kernel", "client", "operations"),
    "policy": ("kernel", "catalogue"),
    "review": ("kernel", "catalogue", "policy"),
    "emulator": ("kernel",),
}
"""Who may import whom (docs/architecture.md). A layer missing here (``cli``, the package
root, the ``provider`` shim) may import any; nothing imports upward into it."""


def layer_of(module: str) -> str:
    parts = module.split(".")
    name = parts[1] if len(parts) > 1 else ""
    if name in KERNEL:
        return "kernel"
    if name in ("dynamic", "native", "_program", "_engine_log", "_engine_watch"):
        return "door"
    if name in LAYERS:
        return name
    return "top"  # cli, provider, the package itself: the entry points


def upward_imports() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = module_name(path)
        mine = layer_of(importer)
        if mine == "top":
            continue
        for line, name in imported_modules(path):
            if not name.startswith("pulumi_inference."):
                continue
            theirs = layer_of(name)
            if theirs != mine and theirs not in LAYERS[mine]:
                found.append(f"{path.relative_to(ROOT)}:{line} ({mine}) imports {name} ({theirs})")
    return found


def test_each_layer_imports_only_the_layers_below_it() -> None:
    assert upward_imports() == []


@pytest.mark.parametrize(
    "package",
    sorted(p.parent for p in PACKAGE.rglob("__init__.py")),
    ids=lambda p: module_name(p / "__init__.py"),
)
def test_each_package_declares_its_one_export_list(package: Path) -> None:
    tree = ast.parse((package / "__init__.py").read_text())
    exported = [
        node
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
    ]
    assert len(exported) == 1, f"{module_name(package / '__init__.py')} needs one __all__"


def test_an_upward_import_is_reported() -> None:
    """The layering is checked: the catalogue asking the core is refused."""
    probe = PACKAGE / "catalogue" / "_zz_layering_probe.py"
    probe.write_text("from ..operations import DesiredEndpoint\nfrom .._unknown import UNKNOWN\n")
    try:
        assert upward_imports() == [
            "pulumi_inference/catalogue/_zz_layering_probe.py:1 (catalogue) imports "
            "pulumi_inference.operations (operations)"
        ]
    finally:
        probe.unlink()


_LOADED = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(sys.modules)))
"""
_HEAVY = (
    "pulumi",
    "grpc",
    "pulumi_inference.dynamic",
    "pulumi_inference.native",
    "pulumi_inference.operations",
)


@pytest.mark.parametrize(
    "module",
    ["pulumi_inference.emulator", "pulumi_inference.catalogue", "pulumi_inference.client"],
)
def test_the_lower_layers_load_neither_pulumi_nor_grpc_nor_a_door(module: str) -> None:
    """Layering at run time: a user's CI that starts the emulator, or a tool that reads the
    catalogue, does not pay for (or depend on) Pulumi through the package root."""
    import json

    result = subprocess.run(
        [sys.executable, "-c", _LOADED, module],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    loaded = json.loads(result.stdout)
    assert module in loaded
    heavy = [n for n in loaded if any(n == h or n.startswith(h + ".") for h in _HEAVY)]
    assert heavy == []


def test_the_root_still_offers_every_export_it_names() -> None:
    """The root loads its exports on first use; each name it lists resolves, in a fresh
    interpreter, to the object its home module defines."""
    code = (
        "import importlib, pulumi_inference as p\n"
        "for n in p.__all__:\n"
        "    v = getattr(p, n)\n"
        "    home = p._HOMES.get(n)\n"
        "    m = home and importlib.import_module(home, 'pulumi_inference')\n"
        "    assert home is None or v is getattr(m, n), n\n"
        "print(p.__version__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip().count(".") == 2
