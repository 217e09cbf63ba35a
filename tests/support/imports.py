"""What a Python file loads, as ``tests/unit/test_layout.py`` reads it: every way the code
names a module, resolved to an absolute name, and every way it could load one that a reader
cannot follow, refused.

Counted (resolved to the module they load):

- ``import a.b``, ``from ..a import b`` (``b`` a module: ``pkg.a.b``; a name: ``pkg.a``);
- ``importlib.import_module(name, package)``, resolved with its ``package`` argument (a
  literal, ``__package__`` or ``__name__``), under any alias of ``importlib`` or of the
  function (``from importlib import import_module as load``);
- ``__import__(name, globals, locals, fromlist, level)`` and ``builtins.__import__``, with
  its ``level`` and ``fromlist``;
- ``sys.modules[name]`` and ``sys.modules.get(name)`` (any method) with a literal name.

Refused (the layout could not see where they lead):

- any of those calls with a name, package, level or fromlist that is not a literal;
- a loader referred to without being called (``load = importlib.import_module``,
  ``partial(__import__, ...)``), ``getattr`` of a loader's name (``getattr(importlib,
  'import_module')``), a loader module used other than through its attributes by name
  (``getattr(importlib, name)``, ``vars(sys)``, ``m = importlib``);
- ``exec``, ``eval``, ``compile`` and ``__builtins__``: code or names in strings;
- the modules that load from paths or names in data: ``importlib.util`` (
  ``spec_from_file_location``), ``importlib.machinery``, ``runpy``, ``pkgutil``, ``imp``,
  ``zipimport``;
- ``sys.modules`` used other than by a literal name (iterated, copied, passed on), and
  ``sys.meta_path`` / ``sys.path_hooks``.

What a static reading cannot see at all (a module named inside a pickle, a plugin entry
point) is left to review; every way the *code* names a module is counted or refused.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

COMPUTED = "imports a computed module name"

LOADER_MODULES = frozenset(
    {"importlib.util", "importlib.machinery", "runpy", "pkgutil", "imp", "zipimport"}
)
"""Modules that load code from a path or a name held in data: never imported by the library."""

_IMPORTLIB_ATTRS = frozenset({"metadata", "resources", "invalidate_caches"})
"""What ``importlib.X`` may be besides its loaders (which are counted)."""

_SYS_REFUSED = frozenset({"meta_path", "path_hooks", "path_importer_cache", "__dict__"})
_BUILTINS_REFUSED = frozenset({"exec", "eval", "compile", "__dict__"})
_CODE_RUNNERS = frozenset({"exec", "eval", "compile", "__builtins__"})
_COUNTED_LOADERS = frozenset(
    {("importlib", "import_module"), ("importlib", "__import__"), ("builtins", "__import__")}
)
_LOADER_NAMES = frozenset({"import_module", "__import__", "modules", "exec", "eval"})
"""Attribute names whose ``getattr`` reaches a loader."""


@dataclass
class Reading:
    """What one file loads: modules by line, and what the layout cannot follow."""

    imports: list[tuple[int, str]] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str, root: Path) -> bool:
    path = root.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def resolve(package: str, level: int, name: str | None) -> str:
    """``name`` relative to ``package`` at ``level`` (1: the package itself), as Python does."""
    base = package.split(".")
    base = base[: len(base) - level + 1]
    return ".".join([*base, *([name] if name else [])])


def read(path: Path, root: Path, package_dir: str = "pulumi_inference") -> Reading:
    """Everything ``path`` loads (see the module documentation)."""
    tree = ast.parse(path.read_text(), str(path))
    module = module_name(path, root) if path.is_relative_to(root / package_dir) else ""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    reader = _Reader(root, module, package)
    nodes = reader.index(tree)
    for node in nodes:
        reader.bind(node)
    for node in nodes:
        reader.visit(node)
    reader.reading.imports.sort()
    reader.reading.refused.sort()
    return reader.reading


class _Reader:
    def __init__(self, root: Path, module: str, package: str) -> None:
        self.root = root
        self.module = module
        self.package = package
        self.reading = Reading()
        self.modules: dict[str, str] = {}  # local name -> importlib | builtins | sys
        self.loaders: dict[str, str] = {}  # local name -> import_module | __import__
        self.sys_modules: set[str] = set()  # local names of sys.modules
        self.parents: dict[ast.AST, ast.AST] = {}

    # -- names bound by imports ------------------------------------------------------------

    def index(self, tree: ast.AST) -> list[ast.AST]:
        """Every node of ``tree``, each one's parent recorded."""
        nodes, stack = [], [tree]
        while stack:
            node = stack.pop()
            nodes.append(node)
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
                stack.append(child)
        return nodes

    def bind(self, node: ast.AST) -> None:
        """The names an import binds to a loader, a loader module or ``sys.modules``."""
        if isinstance(node, ast.Import):
            for alias in node.names:
                self._bind_module(alias)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            for alias in node.names:
                self._bind_from(node.module or "", alias)

    def _bind_module(self, alias: ast.alias) -> None:
        if alias.asname:
            if alias.name in ("importlib", "builtins", "sys"):
                self.modules[alias.asname] = alias.name
            return
        top = alias.name.split(".")[0]  # ``import importlib.metadata`` binds ``importlib``
        if top in ("importlib", "builtins", "sys"):
            self.modules[top] = top

    def _bind_from(self, source: str, alias: ast.alias) -> None:
        local = alias.asname or alias.name
        if (source, alias.name) in (("importlib", "import_module"), ("importlib", "__import__")):
            self.loaders[local] = alias.name
        elif (source, alias.name) == ("builtins", "__import__"):
            self.loaders[local] = "__import__"
        elif (source, alias.name) == ("sys", "modules"):
            self.sys_modules.add(local)

    # -- what each node loads ----------------------------------------------------------

    def visit(self, node: ast.AST) -> None:
        parent = self.parents.get(node)
        if isinstance(node, ast.Import):
            for alias in node.names:
                self._count(node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            self._import_from(node)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            self._name(node, parent)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            self._attribute(node, parent)
        elif isinstance(node, ast.Call):
            self._getattr(node)

    def _count(self, line: int, name: str) -> None:
        self.reading.imports.append((line, name))
        if name in LOADER_MODULES or name.split(".")[0] in LOADER_MODULES:
            self._refuse(line, f"imports {name}, a loader the layout cannot follow")

    def _refuse(self, line: int, why: str) -> None:
        self.reading.refused.append((line, why))

    def _import_from(self, node: ast.ImportFrom) -> None:
        source = resolve(self.package, node.level, node.module) if node.level else node.module
        source = source or ""
        if any(alias.name == "*" for alias in node.names) and source in ("importlib", "builtins"):
            self._refuse(node.lineno, f"imports * from {source}")
        names = [f"{source}.{alias.name}" for alias in node.names]
        modules = [name for name in names if self._is_module(name)]
        if len(modules) < len(names):
            self._count(node.lineno, source)
        for name in modules:
            self._count(node.lineno, name)
        for alias in node.names:
            if source == "builtins" and alias.name in _BUILTINS_REFUSED:
                self._refuse(node.lineno, f"imports builtins.{alias.name}")

    def _is_module(self, name: str) -> bool:
        return name in LOADER_MODULES or is_module(name, self.root)

    # -- names and attributes ------------------------------------------------------------------

    def _name(self, node: ast.Name, parent: ast.AST | None) -> None:
        if node.id in _CODE_RUNNERS:
            self._refuse(node.lineno, f"uses {node.id}, which runs code the layout cannot read")
        elif node.id in self.loaders or node.id == "__import__":
            self._loader(node, parent, self.loaders.get(node.id, "__import__"))
        elif node.id in self.sys_modules:
            self._sys_modules(node, parent)
        elif node.id in self.modules and not isinstance(parent, ast.Attribute):
            what = self.modules[node.id]
            self._refuse(node.lineno, f"uses {what} other than as {what}.<name>")

    def _attribute(self, node: ast.Attribute, parent: ast.AST | None) -> None:
        assert isinstance(node.value, ast.Name)
        owner = self.modules.get(node.value.id)
        if owner is None:
            return
        attr = node.attr
        if (owner, attr) in _COUNTED_LOADERS:
            self._loader(node, parent, attr)
            return
        refused = (
            (owner == "importlib" and attr not in _IMPORTLIB_ATTRS)
            or (owner == "builtins" and attr in _BUILTINS_REFUSED)
            or (owner == "sys" and attr in _SYS_REFUSED)
        )
        if refused:
            self._refuse(node.lineno, f"uses {owner}.{attr}, a loader the layout cannot follow")
        elif owner == "sys" and attr == "modules":
            self._sys_modules(node, parent)

    def _getattr(self, node: ast.Call) -> None:
        func = node.func
        called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if called not in ("getattr", "attrgetter"):
            return
        names = [a.value for a in node.args if isinstance(a, ast.Constant)]
        for name in names:
            if name in _LOADER_NAMES:
                self._refuse(node.lineno, f"reaches {name} through {called}(...)")

    # -- loaders -------------------------------------------------------------------------------

    def _loader(self, node: ast.expr, parent: ast.AST | None, kind: str) -> None:
        if not (isinstance(parent, ast.Call) and parent.func is node):
            self._refuse(node.lineno, f"refers to {kind} without calling it")
            return
        target = (
            self._import_module(parent) if kind == "import_module" else self._dunder_import(parent)
        )
        if target is None:
            self._refuse(node.lineno, COMPUTED)
            return
        for name in target:
            self.reading.imports.append((node.lineno, name))

    def _import_module(self, call: ast.Call) -> list[str] | None:
        name = _literal(_argument(call, 0, "name"))
        if not isinstance(name, str):
            return None
        if not name.startswith("."):
            return [name]
        package = self._package_argument(_argument(call, 1, "package"))
        if package is None:
            return None
        level = len(name) - len(name.lstrip("."))
        return [resolve(package, level, name.lstrip(".") or None)]

    def _package_argument(self, node: ast.expr | None) -> str | None:
        if isinstance(node, ast.Name) and node.id in ("__package__", "__name__"):
            return self.package if node.id == "__package__" else self.module
        value = _literal(node)
        return value if isinstance(value, str) else None

    def _dunder_import(self, call: ast.Call) -> list[str] | None:
        name = _literal(_argument(call, 0, "name"), "")
        fromlist = _literal(_argument(call, 3, "fromlist"), ())
        level = _literal(_argument(call, 4, "level"), 0)
        if not (isinstance(name, str) and isinstance(level, int) and level >= 0):
            return None
        if not (name or level):
            return None
        if not (isinstance(fromlist, tuple | list) and all(isinstance(f, str) for f in fromlist)):
            return None
        base = resolve(self.package, level, name or None) if level else name
        extra = [f"{base}.{item}" for item in fromlist if self._is_module(f"{base}.{item}")]
        return [base, *extra]

    def _sys_modules(self, node: ast.expr, parent: ast.AST | None) -> None:
        if isinstance(parent, ast.Compare) and all(
            isinstance(op, ast.In | ast.NotIn) for op in parent.ops
        ):
            return  # a membership test loads nothing
        key: ast.expr | None = None
        if isinstance(parent, ast.Subscript) and parent.value is node:
            key = parent.slice
        elif isinstance(parent, ast.Attribute) and parent.value is node:
            key = self._method_key(parent)
        name = _literal(key)
        if isinstance(name, str):
            self.reading.imports.append((node.lineno, name))
        else:
            self._refuse(node.lineno, "uses sys.modules other than by a literal module name")

    def _method_key(self, method: ast.Attribute) -> ast.expr | None:
        """The first argument of ``sys.modules.<method>(...)``."""
        call = self.parents.get(method)
        if isinstance(call, ast.Call) and call.func is method and call.args:
            return call.args[0]
        return None


def _argument(call: ast.Call, index: int, keyword: str) -> ast.expr | None:
    if len(call.args) > index:
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


_MISSING = object()


def _literal(node: ast.expr | None, absent: object = _MISSING) -> object:
    """The value of a literal argument; ``absent`` when it is not given; ``_MISSING`` when it
    is not a literal."""
    if node is None:
        return absent
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return _MISSING
