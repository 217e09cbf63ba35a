"""The layout the architecture promises (docs/architecture.md), checked so it can't be fooled.

Private means private: a private module (a name starting with ``_``) belongs to its package;
only modules inside that package import it. The root package's private modules
(``pulumi_inference._nested``, ...) are the shared kernel every subpackage may use. Code outside
the library (benchmarks, scripts) uses public names only. Tests may reach into internals to
test them, so they are not walked.

Layers: each layer imports only those below it (``LAYERS``); the two doors are two layers
(neither imports the other), and the package root is a layer of its own that nothing below
it imports (a ``from .. import X`` of a name that is not a module counts as importing the
root). A module or subpackage whose layer is not declared fails (``WHERE_TO_DECLARE`` says
where), never defaulting to one that is skipped.

Every way the code names a module counts as an import (``tests/support/imports.py``):
``importlib.import_module`` resolved with its package argument, ``__import__`` with its
level and fromlist, under any alias, and ``sys.modules`` look-ups by a literal name. What a
reader could not follow is refused in the library: a computed name, a loader referred to
without being called or reached through ``getattr``, ``exec``/``eval``/``compile``, and the
modules that load from paths (``importlib.util``'s ``spec_from_file_location``, ``runpy``,
...). The probes that show each rule failing are written into a temporary copy of the
package, never into the source tree.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.imports import COMPUTED, module_name, read

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "pulumi_inference"
HERE = "tests/unit/test_layout.py"


def imported_modules(path: Path, root: Path = ROOT) -> Iterator[tuple[int, str]]:
    """Every module ``path`` loads, resolved to an absolute name (``tests/support/imports.py``)."""
    return iter(read(path, root).imports)


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
            if name.startswith("pulumi_inference"):
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
    "_face",
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
    "testing": ("kernel", "emulator"),
}
"""Who may import whom (docs/architecture.md). The package root (``root``) and the entry
points (``top``: ``ENTRY_POINTS``) may import any; nothing imports upward into them. A
module or subpackage in none of these fails the test: its layer is declared on purpose."""

ENTRY_POINTS = ("cli", "provider")
"""Root modules that may import any layer: the command line and the pickled provider's shim."""

WHERE_TO_DECLARE = (
    f"declare its layer in {HERE}: a new layer is an entry of LAYERS named after it "
    "(with the layers it may import, e.g. LAYERS['pytest_plugin'] = ('kernel', 'emulator')); "
    "a root module may instead join KERNEL, DOOR_HELPERS or ENTRY_POINTS; "
    "then give it its row in docs/architecture.md"
)


def layer_of(module: str) -> str | None:
    """The layer of ``module`` (``pulumi_inference...``), None when none is declared."""
    parts = module.split(".")
    if len(parts) == 1:
        return "root"
    name = parts[1]
    if name in KERNEL:
        return "kernel"
    if name in DOOR_HELPERS:
        return "door helpers"
    if name in ENTRY_POINTS:
        return "top"
    return name if name in LAYERS else None


def _undeclared(module: str, root: Path) -> str:
    """Where the module or subpackage without a layer is, and where to declare it."""
    name = ".".join(module.split(".")[:2])
    place = root.joinpath(*name.split("."))
    shown = f"{place.relative_to(root)}/" if place.is_dir() else f"{place.relative_to(root)}.py"
    return f"{shown} ({name}) has no layer: {WHERE_TO_DECLARE}"


def _is_ours(name: str) -> bool:
    return name == "pulumi_inference" or name.startswith("pulumi_inference.")


def upward_imports(root: Path = ROOT) -> list[str]:
    """Every import of the package that crosses its layers, every load the layout cannot
    follow, and every module without a declared layer (once each)."""
    found: list[str] = []
    for path in sorted((root / "pulumi_inference").rglob("*.py")):
        mine = layer_of(module_name(path, root))
        if mine is None:
            found.append(_undeclared(module_name(path, root), root))
            continue
        reading = read(path, root)
        for line, why in reading.refused:
            if not (mine == "root" and why == COMPUTED):  # the root's lazy exports
                found.append(f"{path.relative_to(root)}:{line} ({mine}) {why}")
        if mine in ("top", "root"):
            continue
        for line, name in reading.imports:
            theirs = layer_of(name) if _is_ours(name) else mine
            if theirs != mine and theirs not in LAYERS[mine]:
                shown = theirs or "no layer"
                found.append(f"{path.relative_to(root)}:{line} ({mine}) imports {name} ({shown})")
    return list(dict.fromkeys(found))


def test_each_layer_imports_only_the_layers_below_it() -> None:
    assert upward_imports() == []


def test_every_module_of_the_package_has_a_declared_layer() -> None:
    """A new module or subpackage is placed on purpose; only the declared root modules are
    entry points."""
    modules = [module_name(p, ROOT) for p in PACKAGE.rglob("*.py")]
    assert [m for m in modules if layer_of(m) is None] == []
    top = {m for m in modules if layer_of(m) == "top"}
    assert top == {"pulumi_inference.cli", "pulumi_inference.provider"}


@pytest.mark.parametrize(
    "package",
    sorted(p.parent for p in PACKAGE.rglob("__init__.py")),
    ids=lambda p: module_name(p / "__init__.py", ROOT),
)
def test_each_package_declares_its_one_export_list(package: Path) -> None:
    tree = ast.parse((package / "__init__.py").read_text())
    exported = [
        node
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
    ]
    assert len(exported) == 1, f"{module_name(package / '__init__.py', ROOT)} needs one __all__"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of the package to write probes into; the source tree is never touched."""
    shutil.copytree(
        PACKAGE, tmp_path / "pulumi_inference", ignore=shutil.ignore_patterns("__pycache__")
    )
    return tmp_path


def _probe(copy: Path, where: str, text: str) -> None:
    target = copy / "pulumi_inference" / where
    target.parent.mkdir(exist_ok=True)
    target.write_text(text)


def test_the_copy_passes_before_any_probe(copy: Path) -> None:
    assert upward_imports(copy) == []
    assert crossings(sorted((copy / "pulumi_inference").rglob("*.py")), copy) == []


@pytest.mark.parametrize(
    ("where", "text", "line"),
    [
        ("importer/_zz_probe.py", "from ..operations._plan import Plan\n", 1),
        (
            "importer/_zz_probe.py",
            "import sys\nsys.modules['pulumi_inference.operations._plan']\n",
            2,
        ),
        ("importer/_zz_probe.py", "__import__('operations._plan', globals(), level=2)\n", 1),
    ],
    ids=["from-import", "sys.modules", "__import__-relative"],
)
def test_a_crossing_into_a_private_module_is_reported(
    copy: Path, where: str, text: str, line: int
) -> None:
    _probe(copy, where, text + "from .._nested import deep_merge\n")
    assert crossings([copy / "pulumi_inference" / where], copy) == [
        f"pulumi_inference/{where}:{line} imports pulumi_inference.operations._plan"
    ]


def _at(where: str, line: int, what: str) -> str:
    layer = where.split("/")[0]
    return f"pulumi_inference/{where}:{line} ({layer}) {what}"


_NO_LAYER = f"pulumi_inference/zz/ (pulumi_inference.zz) has no layer: {WHERE_TO_DECLARE}"
_DYN, _CAT, _POL = "dynamic/_zz_probe.py", "catalogue/_zz_probe.py", "policy/_zz_probe.py"
_NATIVE = "imports pulumi_inference.native (native)"
_CLIENT = "imports pulumi_inference.client (client)"

LAYERING_PROBES: dict[str, tuple[str, str, list[str]]] = {
    "upward": (
        _CAT,
        "from ..operations import DesiredEndpoint\nfrom .._pulumi_wire import UNKNOWN\n",
        [_at(_CAT, 1, "imports pulumi_inference.operations (operations)")],
    ),
    "dynamic-door-imports-native": (
        _DYN,
        "from ..native import PLUGIN_EXECUTABLE\n",
        [_at(_DYN, 1, _NATIVE)],
    ),
    "native-door-imports-dynamic": (
        "native/_zz_probe.py",
        "from .. import dynamic\n",
        [_at("native/_zz_probe.py", 1, "imports pulumi_inference.dynamic (dynamic)")],
    ),
    "root-name": (
        "emulator/_zz_probe.py",
        "from .. import __version__\n",
        [_at("emulator/_zz_probe.py", 1, "imports pulumi_inference (root)")],
    ),
    "root-module": (
        "client/_zz_probe.py",
        "import pulumi_inference\n",
        [_at("client/_zz_probe.py", 1, "imports pulumi_inference (root)")],
    ),
    "import_module-relative": (
        "emulator/_zz_probe.py",
        "import importlib\nimportlib.import_module('..operations', __package__)\n",
        [_at("emulator/_zz_probe.py", 2, "imports pulumi_inference.operations (operations)")],
    ),
    "import_module-absolute": (
        _CAT,
        "from importlib import import_module\nimport_module('pulumi_inference.client')\n",
        [_at(_CAT, 2, _CLIENT)],
    ),
    "import_module-computed": (
        _POL,
        "import importlib\nname = 'x'\nimportlib.import_module(name)\n",
        [_at(_POL, 3, "imports a computed module name")],
    ),
    # The nine probes that passed an earlier version of this test unnoticed (issue 32):
    "builtins.__import__": (
        _DYN,
        "import builtins\nbuiltins.__import__('pulumi_inference.native')\n",
        [_at(_DYN, 2, _NATIVE)],
    ),
    "__import__-level-and-fromlist": (
        _DYN,
        "__import__('native', globals(), None, ['X'], 2)\n",
        [_at(_DYN, 1, _NATIVE)],
    ),
    "import_module-with-its-package": (
        _DYN,
        "import importlib\nimportlib.import_module('.native', 'pulumi_inference')\n",
        [_at(_DYN, 2, _NATIVE)],
    ),
    "import_module-aliased": (
        _CAT,
        "from importlib import import_module as load\nload('pulumi_inference.client')\n",
        [_at(_CAT, 2, _CLIENT)],
    ),
    "getattr-of-importlib": (
        _CAT,
        "import importlib\ngetattr(importlib, 'import_module')('pulumi_inference.client')\n",
        [
            _at(_CAT, 2, "reaches import_module through getattr(...)"),
            _at(_CAT, 2, "uses importlib other than as importlib.<name>"),
        ],
    ),
    "sys.modules": (
        _CAT,
        "import sys\nsys.modules['pulumi_inference.client'].InferenceClient\n",
        [_at(_CAT, 2, _CLIENT)],
    ),
    "exec": (
        _CAT,
        "exec('from pulumi_inference import client')\n",
        [_at(_CAT, 1, "uses exec, which runs code the layout cannot read")],
    ),
    "spec_from_file_location": (
        _CAT,
        "import importlib.util\n"
        "importlib.util.spec_from_file_location('c', 'client/__init__.py')\n",
        [
            _at(_CAT, 1, "imports importlib.util, a loader the layout cannot follow"),
            _at(_CAT, 2, "uses importlib.util, a loader the layout cannot follow"),
        ],
    ),
    "a-subpackage-without-a-layer": (
        "zz/__init__.py",
        "from .. import cli\nfrom ..dynamic import InferenceEndpoint\nfrom ..native import X\n",
        [_NO_LAYER],
    ),
    # More of the same families:
    "__import__-fromlist-module": (
        _DYN,
        "__import__('pulumi_inference', fromlist=['native'])\n",
        [_at(_DYN, 1, "imports pulumi_inference (root)"), _at(_DYN, 1, _NATIVE)],
    ),
    "import_module-computed-package": (
        _POL,
        "import importlib\np = 'pulumi_inference'\nimportlib.import_module('.client', p)\n",
        [_at(_POL, 3, "imports a computed module name")],
    ),
    "a-loader-kept-without-calling-it": (
        _POL,
        "import importlib\nload = importlib.import_module\n",
        [_at(_POL, 2, "refers to import_module without calling it")],
    ),
    "importlib-aliased": (
        _POL,
        "import importlib as il\nil.import_module('pulumi_inference.client')\n",
        [_at(_POL, 2, _CLIENT)],
    ),
    "sys.modules-computed": (
        _POL,
        "import sys\nname = 'x'\nsys.modules.get(name)\n",
        [_at(_POL, 3, "uses sys.modules other than by a literal module name")],
    ),
    "sys.modules-iterated": (
        _POL,
        "from sys import modules\nfor m in modules.values():\n    pass\n",
        [_at(_POL, 2, "uses sys.modules other than by a literal module name")],
    ),
    "runpy": (
        _POL,
        "import runpy\n",
        [_at(_POL, 1, "imports runpy, a loader the layout cannot follow")],
    ),
    "eval-of-__import__": (
        _POL,
        "eval(\"__import__('pulumi_inference.client')\")\n",
        [_at(_POL, 1, "uses eval, which runs code the layout cannot read")],
    ),
}


@pytest.mark.parametrize(
    ("where", "text", "expected"), LAYERING_PROBES.values(), ids=LAYERING_PROBES.keys()
)
def test_each_layering_probe_is_reported(
    copy: Path, where: str, text: str, expected: list[str]
) -> None:
    _probe(copy, where, text)
    assert upward_imports(copy) == expected


def test_a_module_without_a_layer_is_reported_until_its_layer_is_declared(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The failure names the file and says where its layer is declared; declaring it there
    is the whole fix (a pytest plugin of the emulator, say)."""
    _probe(copy, "pytest_plugin.py", "from .emulator import Emulator\n")
    assert upward_imports(copy) == [
        "pulumi_inference/pytest_plugin.py (pulumi_inference.pytest_plugin) has no layer: "
        f"{WHERE_TO_DECLARE}"
    ]
    assert Path(__file__).resolve() == ROOT / HERE
    assert "LAYERS" in WHERE_TO_DECLARE and HERE in WHERE_TO_DECLARE
    monkeypatch.setitem(LAYERS, "pytest_plugin", ("kernel", "emulator"))
    assert upward_imports(copy) == []


def test_the_root_may_load_its_exports_by_name_but_nothing_it_cannot_read(copy: Path) -> None:
    """The root's lazy exports compute their module's name (``_HOMES``); anything else a
    reader could not follow is refused there too."""
    root = copy / "pulumi_inference" / "__init__.py"
    root.write_text(root.read_text() + "\nexec('import pulumi_inference.native')\n")
    lines = root.read_text().count("\n")
    assert upward_imports(copy) == [
        f"pulumi_inference/__init__.py:{lines} (root) uses exec, which runs code the layout "
        "cannot read"
    ]


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
