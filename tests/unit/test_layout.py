"""The layout the architecture promises (docs/architecture.md), checked so it can't be fooled.

Private means private: a private module (a name starting with ``_``) belongs to its package;
only modules inside that package import it. The root package's private modules
(``pulumi_inference._nested``, ...) are the shared kernel every subpackage may use. Code outside
the library (benchmarks, scripts) uses public names only. Tests may reach into internals to
test them, so they are not walked.

Layers: each layer imports only those below it (``LAYERS``); the two doors are two layers
(neither imports the other), and the package root is a layer of its own that nothing below
it imports (a ``from .. import X`` of a name that is not a module counts as importing the
root). ``importlib.import_module`` with a literal name counts as an import; with any other
name, in the library, it is refused (the layout could not see where it leads). The probes
that show each rule failing are written into a temporary copy of the package, never into the
source tree.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "pulumi_inference"
DYNAMIC_IMPORT = "<computed name>"


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _package_of(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def _resolve(package: str, level: int, name: str | None) -> str:
    base = package.split(".")
    base = base[: len(base) - level + 1]
    return ".".join([*base, *([name] if name else [])])


def _dynamic_target(node: ast.Call, package: str) -> str | None:
    """The module an ``importlib.import_module(...)`` / ``__import__(...)`` call names;
    ``DYNAMIC_IMPORT`` when it is not a literal; None for any other call."""
    func = node.func
    is_import = (isinstance(func, ast.Attribute) and func.attr == "import_module") or (
        isinstance(func, ast.Name) and func.id in ("import_module", "__import__")
    )
    if not is_import:
        return None
    first = node.args[0] if node.args else None
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return DYNAMIC_IMPORT
    name: str = first.value
    if name.startswith("."):
        level = len(name) - len(name.lstrip("."))
        return _resolve(package, level, name.lstrip(".") or None)
    return name


def imported_modules(path: Path, root: Path = ROOT) -> Iterator[tuple[int, str]]:
    """Every module an import of ``path`` names, resolved to an absolute name: ``from . import
    x`` names ``package.x`` when ``x`` is a module, and ``package`` itself when it is not."""
    tree = ast.parse(path.read_text(), str(path))
    package_dir = root / "pulumi_inference"
    module = module_name(path, root) if path.is_relative_to(package_dir) else ""
    package = _package_of(module, path) if module else ""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(package, node.level, node.module) if node.level else node.module
            source = source or ""
            modules = [
                f"{source}.{a.name}" for a in node.names if _is_module(f"{source}.{a.name}", root)
            ]
            if len(modules) < len(node.names):
                yield node.lineno, source
            for candidate in modules:
                yield node.lineno, candidate
        elif isinstance(node, ast.Call):
            target = _dynamic_target(node, package)
            if target is not None:
                yield node.lineno, target


def _is_module(name: str, root: Path = ROOT) -> bool:
    path = root.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def private_owner(name: str) -> str | None:
    """The package that owns the first private part of ``name``, or None if all public."""
    parts = name.split(".")
    for index, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:index])
    return None


def crossings(paths: list[Path], root: Path = ROOT) -> list[str]:
    found = []
    package_dir = root / "pulumi_inference"
    for path in paths:
        importer = module_name(path, root) if path.is_relative_to(package_dir) else ""
        for line, name in imported_modules(path, root):
            if not name.startswith("pulumi_inference"):
                continue
            owner = private_owner(name)
            if owner is None:
                continue
            if importer == owner or importer.startswith(owner + "."):
                continue
            found.append(f"{path.relative_to(root)}:{line} imports {name}")
    return found


def library_and_tools() -> list[Path]:
    paths = sorted(PACKAGE.rglob("*.py")) + sorted((ROOT / "benchmarks").rglob("*.py"))
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


def imports_of_tests(paths: list[Path], root: Path = ROOT) -> list[str]:
    """Imports of ``tests`` from the library and the tools: what they share with the tests is
    in ``devtools/``, so a benchmark runs from a checkout without the test suite's insides."""
    return [
        f"{path.relative_to(root)}:{line} imports {name}"
        for path in paths
        for line, name in imported_modules(path, root)
        if name == "tests" or name.startswith("tests.")
    ]


def test_neither_the_library_nor_benchmarks_nor_devtools_import_tests() -> None:
    assert imports_of_tests(library_and_tools()) == []


def test_an_import_of_tests_is_reported(tmp_path: Path) -> None:
    probe = tmp_path / "benchmarks" / "zz_probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("import json\nfrom tests.support.team import Team\n")
    assert imports_of_tests([probe], tmp_path) == [
        "benchmarks/zz_probe.py:2 imports tests.support.team"
    ]


def foreign_private_imports(paths: list[Path], root: Path = ROOT) -> list[str]:
    """Imports of another distribution's private module (``pulumi.runtime._grpc_settings``):
    what a Pulumi release may change without notice. A folder of this repository importing
    its own private modules (``benchmarks._floor`` from ``benchmarks/run.py``) is not one."""
    found = []
    for path in paths:
        own = path.relative_to(root).parts[0]
        for line, name in imported_modules(path, root):
            if name.startswith("pulumi_inference") or name == DYNAMIC_IMPORT:
                continue
            if name.split(".")[0] == own:
                continue
            if private_owner(name) is not None:
                found.append(f"{path.relative_to(root)}:{line} imports {name}")
    return found


def test_the_library_imports_no_other_packages_private_module() -> None:
    assert foreign_private_imports(library_and_tools()) == []


def test_an_import_of_pulumis_private_module_is_reported(tmp_path: Path) -> None:
    probe = tmp_path / "pulumi_inference" / "native" / "_zz_probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("from pulumi.runtime._grpc_settings import X\nimport pulumi.runtime\n")
    assert foreign_private_imports([probe], tmp_path) == [
        "pulumi_inference/native/_zz_probe.py:1 imports pulumi.runtime._grpc_settings"
    ]
    bench = tmp_path / "benchmarks" / "zz_probe.py"
    bench.parent.mkdir(parents=True)
    bench.write_text("from benchmarks._measure import Row\nfrom grpc._channel import X\n")
    assert foreign_private_imports([bench], tmp_path) == [
        "benchmarks/zz_probe.py:2 imports grpc._channel"
    ]


KERNEL = (
    "_pulumi_wire",
    "_naming",
    "_nested",
    "_version",
    "_environment",
    "_subcommand",
    "_secrets",
    "_settings_model",
    "_release",
    "_published",
    "_origin",
    "errors",
    "connection",
    "properties",
)
"""The root's shared modules: facts and helpers every layer may use; they use only each other."""

DOOR_HELPERS = ("_program", "_engine_log", "_engine_watch")
"""What both doors share in the program or the provider process (not the core)."""

_CORE = ("kernel", "catalogue", "client", "operations")
LAYERS: dict[str, tuple[str, ...]] = {
    "kernel": (),
    "catalogue": ("kernel",),
    "client": ("kernel",),
    "operations": _CORE[:3],
    "door helpers": _CORE,
    "dynamic": (*_CORE, "door helpers"),
    "native": (*_CORE, "door helpers"),
    "services": ("kernel",),
    "importer": (*_CORE, "services"),
    "recovery": ("kernel", "client", "operations"),
    "policy": ("kernel", "catalogue"),
    "review": ("kernel", "catalogue", "policy"),
    "emulator": ("kernel",),
}
"""Who may import whom (docs/architecture.md). The package root (``root``) and the entry
points (``top``: ``cli``, the ``provider`` shim, ``__main__`` modules) may import any;
nothing imports upward into them."""


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "root"
    name = parts[1]
    if name in KERNEL:
        return "kernel"
    if name in DOOR_HELPERS:
        return "door helpers"
    if name in LAYERS:
        return name
    return "top"


def upward_imports(root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted((root / "pulumi_inference").rglob("*.py")):
        importer = module_name(path, root)
        mine = layer_of(importer)
        if mine in ("top", "root"):
            continue
        for line, name in imported_modules(path, root):
            where = f"{path.relative_to(root)}:{line} ({mine}) imports"
            if name == DYNAMIC_IMPORT:
                found.append(f"{where} a computed module name")
                continue
            if name != "pulumi_inference" and not name.startswith("pulumi_inference."):
                continue
            theirs = layer_of(name)
            if theirs != mine and theirs not in LAYERS[mine]:
                found.append(f"{where} {name} ({theirs})")
    return found


def test_each_layer_imports_only_the_layers_below_it() -> None:
    assert upward_imports() == []


def test_every_module_of_the_package_has_a_known_layer() -> None:
    """A new root module is placed on purpose (kernel, door helper or entry point)."""
    top = {module_name(p) for p in PACKAGE.glob("*.py") if layer_of(module_name(p)) == "top"}
    assert top == {"pulumi_inference.cli", "pulumi_inference.provider"}


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


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of the package to write probes into; the source tree is never touched."""
    shutil.copytree(
        PACKAGE, tmp_path / "pulumi_inference", ignore=shutil.ignore_patterns("__pycache__")
    )
    return tmp_path


def _probe(copy: Path, where: str, text: str) -> None:
    (copy / "pulumi_inference" / where).write_text(text)


def test_the_copy_passes_before_any_probe(copy: Path) -> None:
    assert upward_imports(copy) == []
    assert crossings(sorted((copy / "pulumi_inference").rglob("*.py")), copy) == []


def test_a_crossing_into_a_private_module_is_reported(copy: Path) -> None:
    _probe(
        copy,
        "importer/_zz_probe.py",
        "from ..operations._plan import Plan\nfrom .._nested import deep_merge\n",
    )
    assert crossings([copy / "pulumi_inference/importer/_zz_probe.py"], copy) == [
        "pulumi_inference/importer/_zz_probe.py:1 imports pulumi_inference.operations._plan"
    ]


@pytest.mark.parametrize(
    ("where", "text", "expected"),
    [
        (
            "catalogue/_zz_probe.py",
            "from ..operations import DesiredEndpoint\nfrom .._pulumi_wire import UNKNOWN\n",
            "pulumi_inference/catalogue/_zz_probe.py:1 (catalogue) imports "
            "pulumi_inference.operations (operations)",
        ),
        (
            "dynamic/_zz_probe.py",
            "from ..native import PLUGIN_EXECUTABLE\n",
            "pulumi_inference/dynamic/_zz_probe.py:1 (dynamic) imports "
            "pulumi_inference.native (native)",
        ),
        (
            "native/_zz_probe.py",
            "from .. import dynamic\n",
            "pulumi_inference/native/_zz_probe.py:1 (native) imports "
            "pulumi_inference.dynamic (dynamic)",
        ),
        (
            "emulator/_zz_probe.py",
            "from .. import __version__\n",
            "pulumi_inference/emulator/_zz_probe.py:1 (emulator) imports pulumi_inference (root)",
        ),
        (
            "client/_zz_probe.py",
            "import pulumi_inference\n",
            "pulumi_inference/client/_zz_probe.py:1 (client) imports pulumi_inference (root)",
        ),
        (
            "emulator/_zz_probe.py",
            "import importlib\nimportlib.import_module('..operations', __package__)\n",
            "pulumi_inference/emulator/_zz_probe.py:2 (emulator) imports "
            "pulumi_inference.operations (operations)",
        ),
        (
            "catalogue/_zz_probe.py",
            "from importlib import import_module\nimport_module('pulumi_inference.client')\n",
            "pulumi_inference/catalogue/_zz_probe.py:2 (catalogue) imports "
            "pulumi_inference.client (client)",
        ),
        (
            "policy/_zz_probe.py",
            "import importlib\nname = 'x'\nimportlib.import_module(name)\n",
            "pulumi_inference/policy/_zz_probe.py:3 (policy) imports a computed module name",
        ),
    ],
    ids=[
        "upward",
        "dynamic-door-imports-native",
        "native-door-imports-dynamic",
        "root-name",
        "root-module",
        "import_module-relative",
        "import_module-absolute",
        "import_module-computed",
    ],
)
def test_each_layering_probe_is_reported(copy: Path, where: str, text: str, expected: str) -> None:
    _probe(copy, where, text)
    assert upward_imports(copy) == [expected]


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
