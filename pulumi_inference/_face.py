"""Public names answer to the module users import them from, as httpx's do.

A class or function that a package exports from one of its private modules gets the package
as its ``__module__`` (and the exported name as its own, when exported under another):
reprs, tracebacks and help say ``pulumi_inference.client.InferenceClient``, never a private
path that may move. A name already at a public address keeps it (the errors'
``pulumi_inference.errors``, the providers' pickled ``pulumi_inference.provider``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import FunctionType


def present(package: str, namespace: Mapping[str, object]) -> None:
    """Give each of ``package``'s exports defined in one of its private modules the package's
    name as ``__module__``, and its exported name (``namespace`` is the package's
    ``globals()``)."""
    exported = namespace["__all__"]
    assert isinstance(exported, list)
    for name in exported:
        value = namespace[name]
        if isinstance(value, type | FunctionType) and value.__module__.startswith(package + "._"):
            value.__module__ = package
            value.__name__ = value.__qualname__ = name
