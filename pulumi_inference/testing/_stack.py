"""Run a Pulumi program against an emulated cluster, through the Automation API."""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..connection import DYNAMIC_CONFIG_NAMESPACE
from ..properties import NATIVE_PACKAGE
from ._cluster import EmulatedCluster

_NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "venv", "node_modules", "__pycache__")


def _environment(cluster: EmulatedCluster, backend: Path) -> dict[str, str]:
    return {
        "PULUMI_BACKEND_URL": backend.as_uri(),
        "PULUMI_CONFIG_PASSPHRASE": secrets.token_hex(16),
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_PYTHON_CMD": os.environ.get("PULUMI_PYTHON_CMD", sys.executable),
        **cluster.connection_env(),
    }


def _connection_config(cluster: EmulatedCluster) -> dict[str, tuple[str, bool]]:
    """Stack config for both doors' providers (``elasticsearch:`` and
    ``elasticsearch-inference:``): (value, secret)."""
    values: dict[str, tuple[str, bool]] = {"url": (cluster.url, False)}
    if cluster.api_key is not None:
        values["apiKey"] = (cluster.api_key, True)
    if cluster.username is not None and cluster.password is not None:
        values["username"] = (cluster.username, False)
        values["password"] = (cluster.password, True)
    if cluster.ca_file is not None:
        values["caCerts"] = (cluster.ca_file, False)
    return {
        f"{namespace}:{key}": value
        for namespace in (DYNAMIC_CONFIG_NAMESPACE, NATIVE_PACKAGE)
        for key, value in values.items()
    }


def _require_cli() -> None:
    if shutil.which("pulumi") is None:
        raise RuntimeError(
            "pulumi_stack needs the Pulumi CLI on PATH: https://www.pulumi.com/docs/install/"
        )


@contextmanager
def pulumi_stack(
    program: str | os.PathLike[str] | Callable[[], None],
    cluster: EmulatedCluster,
    *,
    stack: str = "test",
    project: str = "inference-test",
    config: Mapping[str, str] | None = None,
    secret_config: Mapping[str, str] | None = None,
    destroy: bool = True,
) -> Iterator[Any]:
    """A Pulumi stack of ``program`` (a project directory, copied first so the test writes
    nothing into it; or an inline program function) on a throwaway local backend, its stack
    config pointing both doors at ``cluster``, plus ``config``/``secret_config`` of your own.
    Yields the ``pulumi.automation.Stack``: call ``up()``, ``preview()``, ``refresh()``...;
    on leaving, the stack is destroyed (``destroy=True``) and removed. Needs the Pulumi CLI."""
    from pulumi import automation as auto

    _require_cli()
    with tempfile.TemporaryDirectory(prefix="pulumi-inference-stack-") as folder:
        root = Path(folder)
        (root / "backend").mkdir()
        options = auto.LocalWorkspaceOptions(env_vars=_environment(cluster, root / "backend"))
        if callable(program):
            options.work_dir = str(root)
            options.project_settings = auto.ProjectSettings(name=project, runtime="python")
            created = auto.create_stack(stack, project_name=project, program=program, opts=options)
        else:
            work = root / "program"
            shutil.copytree(Path(program), work, ignore=_NOT_COPIED)
            created = auto.create_stack(stack, work_dir=str(work), opts=options)
        settings = {**_connection_config(cluster)}
        settings.update({k: (v, False) for k, v in (config or {}).items()})
        settings.update({k: (v, True) for k, v in (secret_config or {}).items()})
        for key, (value, secret) in settings.items():
            created.set_config(key, auto.ConfigValue(value=value, secret=secret))
        try:
            yield created
        finally:
            if destroy:
                created.destroy()
            created.workspace.remove_stack(stack)
