"""The inline programs of ``tests/support/sdk_programs`` as the engine tests run them: built
once per test session for each language, then one process per engine command."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from devtools.engine import Engine
from tests.support import sdk_builds

REQUEST_ENV = "SDK_PROGRAM_REQUEST"  # the request travels in the environment, not argv


class Driver(Protocol):
    language: str

    def command(self) -> list[str]: ...


@dataclass(frozen=True)
class NodeDriver:
    script: Path
    language: str = "typescript"

    def command(self) -> list[str]:
        return ["node", str(self.script)]


@dataclass(frozen=True)
class GoDriver:
    binary: Path
    language: str = "go"

    def command(self) -> list[str]:
        return [str(self.binary)]


def build_typescript(workdir: Path) -> NodeDriver:
    sdk_builds.install_nodejs_sdk(sdk_builds.build_nodejs_sdk(workdir))
    out = sdk_builds.compile_typescript(sdk_builds.PROGRAMS / "typescript", workdir)
    return NodeDriver(out / "inline.js")


def build_go(workdir: Path) -> GoDriver:
    out = workdir / "bin"
    sdk_builds.go_build(sdk_builds.PROGRAMS / "go", out)
    return GoDriver(out / "go")  # named for the module path's last element


@dataclass
class SdkStack:
    """One stack of a language's inline program on ``engine``."""

    driver: Driver
    engine: Engine
    stack: str
    params: dict[str, Any] = field(default_factory=dict)
    config: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Stack config: key -> ``{"value": ..., "secret": bool}``."""
    project_program: Path | None = None
    """TypeScript only: a compiled project's ``index.js``, run inline instead of the program."""

    def _request(self, command: str) -> str:
        workdir = self.engine.workdir / f"ws-{self.driver.language}"
        workdir.mkdir(exist_ok=True)
        return json.dumps(
            {
                "command": command,
                "stack": self.stack,
                "project": f"inference-sdk-{self.driver.language}",
                "workDir": str(workdir),
                "pulumiHome": self.engine.env["PULUMI_HOME"],
                "cliDir": str(self.engine.cli_dir.parent),
                "env": self.engine.env,
                "params": self.params,
                "config": self.config,
                **({"projectProgram": str(self.project_program)} if self.project_program else {}),
            }
        )

    def run(self, command: str) -> dict[str, Any]:
        env = {**self.engine.env, REQUEST_ENV: self._request(command)}
        out = sdk_builds.run(self.driver.command(), self.engine.workdir, env)
        answer: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        answer["changes"] = {
            op: count for op, count in (answer.get("changes") or {}).items() if op != "same"
        }
        return answer

    def up(self) -> dict[str, Any]:
        return self.run("up")

    def preview(self) -> dict[str, Any]:
        return self.run("preview")

    def destroy(self) -> dict[str, Any]:
        return self.run("destroy")
