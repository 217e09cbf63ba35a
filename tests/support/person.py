"""A Pulumi command as a person runs it: in a project directory, with the CLI and this
checkout's Python language host, its whole output kept (what a reader sees, line by line).

The engine tests drive Pulumi through the Automation API, which runs inline programs in the
test's own process and keeps the output apart; tests about what a person reads use this."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pulumi import automation as auto

from devtools.engine import Engine
from tests.support.policy import cli_with_this_host

SPINNER = "@ "  # Pulumi's progress dots without a terminal (`@ previewing update....`)


@dataclass(frozen=True)
class Ran:
    returncode: int
    output: str  # stdout then stderr

    @property
    def lines(self) -> list[str]:
        """What a reader reads: every line but Pulumi's spinner, whose count is timing's."""
        return [line for line in self.output.strip().splitlines() if not line.startswith(SPINNER)]


@dataclass
class Person:
    """Projects in ``workdir``, run with ``cli_dir``'s CLI (with this checkout's language host)
    on a private PULUMI_HOME (``pulumi_home`` if given: one where no plugin was installed)."""

    workdir: Path
    cli_dir: Path
    pulumi_home: Path | None = None

    def __post_init__(self) -> None:
        self.cli = cli_with_this_host(self.cli_dir, self.workdir / "cli" / "bin")
        env = {"PULUMI_HOME": str(self.pulumi_home)} if self.pulumi_home else None
        self.engine = Engine(self.workdir / "engine", self.cli, env=env)

    def project(self, name: str, files: Mapping[str, str], config: Mapping[str, str]) -> Path:
        """A project directory with ``files`` and a stack ``dev`` with ``config``."""
        project = self.workdir / name
        project.mkdir()
        for file, text in files.items():
            (project / file).write_text(text)
        stack = self.engine.project_stack(project)
        for key, value in config.items():
            stack.set_config(key, auto.ConfigValue(value))
        return project

    def run(self, project: Path, *command: str) -> Ran:
        flags = ("--stack", "dev", "--non-interactive", "--color", "never")
        done = subprocess.run(
            [str(self.cli / "pulumi"), *command, *flags],
            cwd=project,
            env={**os.environ, **self.engine.env},
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        return Ran(done.returncode, done.stdout + done.stderr)
