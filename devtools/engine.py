"""The real Pulumi engine through the Automation API, on a local file backend.

The CLI comes from ``scripts/install-pulumi-cli`` (its directory in ``PULUMI_INFERENCE_CLI_DIR``,
set by ``.ci/run``), or from a ``pulumi`` on PATH with the dynamic-provider launcher beside it.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from pulumi import automation as auto

from pulumi_inference import __version__
from pulumi_inference.native import PLUGIN_EXECUTABLE
from pulumi_inference.properties import NATIVE_PACKAGE

PASSPHRASE = "engine-tests-passphrase"  # noqa: S105 - a throwaway stack passphrase
LAUNCHER = "pulumi-resource-pulumi-python"


def find_cli_dir() -> Path | None:
    configured = os.environ.get("PULUMI_INFERENCE_CLI_DIR")
    candidates = [Path(configured)] if configured else []
    on_path = shutil.which("pulumi")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    cached = Path.home() / ".cache/pulumi-inference/pulumi-cli"
    if cached.is_dir():
        candidates += sorted(cached.glob("*/bin"), reverse=True)
    for directory in candidates:
        if (directory / "pulumi").exists() and (directory / LAUNCHER).exists():
            return directory
    return None


def install_native_plugin(pulumi_home: Path) -> Path:
    """What `pulumi-inference install-plugin` leaves in PULUMI_HOME, without running the CLI:
    the plugin's documented entry point (``python -m pulumi_inference.native``) run by this
    Python (tests/engine/test_engine_native.py runs the real command)."""
    directory = pulumi_home / "plugins" / f"resource-{NATIVE_PACKAGE}-v{__version__}"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / PLUGIN_EXECUTABLE
    path.write_text(
        f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m pulumi_inference.native "$@"\n'
    )
    path.chmod(0o755)
    return path


class Engine:
    """A private PULUMI_HOME and file backend; stacks of inline programs."""

    def __init__(self, workdir: Path, cli_dir: Path, env: Mapping[str, str] | None = None) -> None:
        self.workdir = workdir
        self.cli_dir = cli_dir
        backend = workdir / "backend"
        home = workdir / "pulumi-home"
        backend.mkdir(parents=True, exist_ok=True)
        home.mkdir(parents=True, exist_ok=True)
        install_native_plugin(home)
        self.backend = backend
        self.env = {
            "PULUMI_BACKEND_URL": backend.as_uri(),
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_HOME": str(home),
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            # Plugins come from PULUMI_HOME (the native one, installed as
            # `pulumi-inference install-plugin` does) or beside `pulumi`, never from PATH.
            "PULUMI_IGNORE_AMBIENT_PLUGINS": "true",
            "PULUMI_PYTHON_CMD": sys.executable,
            "PATH": f"{cli_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            **(env or {}),
        }
        self.command = auto.PulumiCommand(root=str(cli_dir.parent), skip_version_check=True)

    def stack(
        self,
        name: str,
        program: Callable[[], None],
        *,
        project: str = "inference-engine-test",
        config: Mapping[str, str] | None = None,
        secret_config: Mapping[str, str] | None = None,
        env: Mapping[str, str] | None = None,
    ) -> auto.Stack:
        workspace_dir = self.workdir / f"ws-{project}"
        workspace_dir.mkdir(exist_ok=True)
        stack = auto.create_or_select_stack(
            stack_name=name,
            project_name=project,
            program=program,
            opts=auto.LocalWorkspaceOptions(
                work_dir=str(workspace_dir),
                pulumi_home=self.env["PULUMI_HOME"],
                env_vars={**self.env, **(env or {})},
                pulumi_command=self.command,
                project_settings=auto.ProjectSettings(name=project, runtime="python"),
            ),
        )
        for key, value in (config or {}).items():
            stack.set_config(key, auto.ConfigValue(value=value))
        for key, value in (secret_config or {}).items():
            stack.set_config(key, auto.ConfigValue(value=value, secret=True))
        return stack

    def project_stack(self, project: Path, name: str = "dev") -> auto.Stack:
        """A stack of the project directory ``project`` (its own Pulumi.yaml and program),
        run by the CLI through the language host of its runtime."""
        return auto.create_or_select_stack(
            stack_name=name,
            work_dir=str(project),
            opts=auto.LocalWorkspaceOptions(
                pulumi_home=self.env["PULUMI_HOME"],
                env_vars=self.env,
                pulumi_command=self.command,
            ),
        )


def stored_state_text(engine: Engine) -> str:
    """Everything the file backend holds (state, history, backups), as stored on disk."""
    texts = []
    for path in sorted(engine.backend.rglob("*")):
        if path.is_file():
            texts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(texts)


def export_without_secrets(stack: auto.Stack) -> str:
    """`pulumi stack export` as a user runs it (no --show-secrets)."""
    result = stack.workspace.pulumi_command.run(
        ["stack", "export", "--stack", stack.name],
        stack.workspace.work_dir,
        {**stack.workspace.env_vars},
    )
    return result.stdout
