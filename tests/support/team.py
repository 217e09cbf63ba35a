"""Team workflows for the engine tests: a project directory run by the real CLI as separate
processes (started together, or killed with SIGKILL mid-deployment) on a shared backend, and
``pulumi-inference recover`` run as a user runs it."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pulumi import automation as auto

from devtools.engine import Engine
from devtools.engine_programs import Cluster, Declarations, Door
from tests.support.postgres import PostgresServer

PROGRAM = Path(__file__).with_name("team_program.py")
RUN_TIMEOUT = 240.0


def team_project(directory: Path, name: str = "inference-team") -> Path:
    """A Python project directory whose program is ``team_program.py``."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    shutil.copy(PROGRAM, directory / "__main__.py")
    return directory


def team_stack(
    engine: Engine,
    project: Path,
    name: str,
    door: Door,
    cluster: Cluster,
    declarations: Declarations,
) -> auto.Stack:
    """A stack of ``project`` on ``engine``'s backend, configured for ``declarations``."""
    stack = engine.project_stack(project, name)
    stack.set_config("door", auto.ConfigValue(door.name))
    stack.set_config("esUrl", auto.ConfigValue(cluster.url))
    stack.set_config("esApiKey", auto.ConfigValue(cluster.api_key, secret=True))
    stack.set_config("endpoints", auto.ConfigValue(json.dumps(declarations)))
    return stack


def pulumi(engine: Engine, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``pulumi ARGS`` in ``project``, as a person or a CI job runs it."""
    return subprocess.run(
        [str(engine.cli_dir / "pulumi"), *args, "--non-interactive"],
        cwd=project,
        env={**os.environ, **engine.env},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )


def recover(
    engine: Engine, project: Path, stack: str, *flags: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``pulumi-inference recover --stack STACK --cwd PROJECT FLAGS``."""
    return subprocess.run(
        [sys.executable, "-m", "pulumi_inference.cli", "recover", "--stack", stack,
         "--cwd", str(project), *flags],
        env={**os.environ, **engine.env, **(env or {})},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )  # fmt: skip


@dataclass
class Run:
    """``pulumi up`` in its own process group (the CLI, language host, provider plugins)."""

    process: subprocess.Popen[str]
    log: Path

    @classmethod
    def up(cls, engine: Engine, project: Path, stack: str, log: Path) -> Run:
        handle = log.open("w")
        process = subprocess.Popen(
            [str(engine.cli_dir / "pulumi"), "up", "--yes", "--skip-preview", "--stack", stack,
             "--non-interactive", "--color", "never"],
            cwd=project,
            env={**os.environ, **engine.env},
            stdout=handle,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )  # fmt: skip
        handle.close()
        return cls(process, log)

    def wait(self, timeout: float = RUN_TIMEOUT) -> int:
        return self.process.wait(timeout)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL to every process of the run: the CLI, and the language host and provider
        plugins it started (Pulumi puts each plugin in a process group of its own, all in
        the run's session), so nothing of the run can clean up after itself."""
        members = session_members(self.process.pid)
        for pid in members:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(30)
        deadline = time.monotonic() + 10
        while session_members(self.process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)

    def stop_if_running(self) -> None:
        if self.process.poll() is None or session_members(self.process.pid):
            self.kill()


def session_members(sid: int) -> list[int]:
    """The live processes of session ``sid`` (from /proc; zombies are not alive)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def free_port() -> int:
    """A loopback port nothing listens on (a cluster that is down)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)


def puts(cluster: Cluster, inference_id: str) -> int:
    """How many creates (``PUT /_inference/...``) of ``inference_id`` reached the cluster."""
    return sum(
        1
        for method, path in cluster.inference_requests()
        if method == "PUT" and path.rstrip("/").endswith(f"/{inference_id}")
    )


def lock_keys(server: PostgresServer, engine: Engine) -> list[str]:
    """The stack locks in ``engine``'s PostgreSQL backend table, read with psql."""
    table = parse_qs(urlsplit(engine.env["PULUMI_BACKEND_URL"]).query)["table"][0]
    query = f"SELECT key FROM {table} WHERE key LIKE '%.pulumi/locks/%' ORDER BY key"  # noqa: S608
    rows = server.psql(query)
    return rows.split()


def export(engine: Engine, project: Path, stack: str) -> dict[str, Any]:
    done = pulumi(engine, project, "stack", "export", "--stack", stack)
    assert done.returncode == 0, done.stderr
    exported: dict[str, Any] = json.loads(done.stdout)
    return exported


def pending_urns(exported: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(operation, resource name) of each pending operation."""
    ops = exported["deployment"].get("pending_operations") or []
    return sorted((op["type"], op["resource"]["urn"].rsplit("::", 1)[1]) for op in ops)


def endpoint_names(exported: Mapping[str, Any]) -> list[str]:
    """Names of the inference endpoints the state holds."""
    resources = exported["deployment"].get("resources") or []
    return sorted(
        r["urn"].rsplit("::", 1)[1]
        for r in resources
        if r["type"].endswith(":InferenceEndpoint") and not r.get("delete")
    )
