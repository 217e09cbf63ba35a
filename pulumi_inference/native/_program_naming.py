"""How the program the plugin serves spells the resource's properties in messages.

The native door serves every language: a YAML, TypeScript or Go program writes the schema's
``adoptExisting: true``, a Python program (``pulumi_inference.native``) ``adopt_existing=True``.
The engine starts a plugin in the program's project directory; its ``Pulumi.yaml`` names the
runtime. Without one to read, the schema's spelling is used.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from .._naming import Naming, python_naming
from ._values import schema_naming

# `runtime: python`, or `runtime:` then an indented `name: python` (with `options:`).
_RUNTIME = re.compile(
    r"^runtime:[ \t]*(?:([\w-]+)|\n(?:[ \t]+.*\n)*?[ \t]+name:[ \t]*([\w-]+))", re.MULTILINE
)


def project_runtime(directory: Path) -> str | None:
    """The ``runtime`` of the project in ``directory``, or None when there is none to read."""
    for name in ("Pulumi.yaml", "Pulumi.yml"):
        try:
            text = (directory / name).read_text()
        except OSError:
            continue
        found = _RUNTIME.search(text)
        return (found.group(1) or found.group(2)) if found else None
    return None


def program_naming() -> Naming:
    """Python's spelling for a Python program, the schema's for any other."""
    return _naming_in(Path.cwd())


@functools.cache
def _naming_in(directory: Path) -> Naming:  # read once per directory
    return python_naming if project_runtime(directory) == "python" else schema_naming
