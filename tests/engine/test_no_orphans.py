"""A `pulumi up` whose CLI is killed with SIGKILL leaves no process behind: the provider
process of each door, and the language host with the program, notice that the engine is gone
and exit on their own within seconds (``_engine_watch``). Only the CLI is killed, as when a
CI job's runner kills it, so nothing else is told."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import pytest

from devtools.engine import Engine
from devtools.engine_programs import Cluster, Door, e5_deployment, keyed_config, unique
from pulumi_inference.emulator import EmulatorConfig
from tests.support.team import Run, puts, session_members, team_project, team_stack, wait_for

pytestmark = pytest.mark.engine
GONE_WITHIN = 15.0  # seconds: two probes a second apart, then the interpreter's exit


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    # Deployments slower than the test: the creates are still running when the CLI dies.
    return keyed_config(deployment_seconds=60)


def _command(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return ""


def _others(run: Run) -> dict[int, str]:
    """The run's live processes but the CLI, with their command lines."""
    members = session_members(run.process.pid)
    return {pid: _command(pid) for pid in members if pid != run.process.pid}


def test_killing_the_cli_leaves_no_process(
    tmp_path: Path, policy_engine: Engine, cluster: Cluster, door: Door
) -> None:
    # ``policy_engine`` runs this checkout's Python language host (the shared CLI cache may
    # hold another checkout's).
    ids = [unique("orphan") for _ in range(2)]
    project = team_project(tmp_path / "project")
    declarations = {f"e{n}": e5_deployment(i) for n, i in enumerate(ids)}
    team_stack(policy_engine, project, "dev", door, cluster, declarations)
    run = Run.up(policy_engine, project, "dev", tmp_path / "up.log")
    try:
        wait_for(lambda: all(puts(cluster, i) == 1 for i in ids), 90, "every create")
        plugin = "pulumi_inference.native" if door.native else "pulumi.dynamic"
        assert any(plugin in command for command in _others(run).values()), _others(run)
        os.kill(run.process.pid, signal.SIGKILL)
        run.process.wait(30)
        killed = time.monotonic()
        while _others(run) and time.monotonic() - killed < GONE_WITHIN:
            time.sleep(0.2)
        assert _others(run) == {}, f"alive {time.monotonic() - killed:.0f} s after the kill"
    finally:
        run.stop_if_running()
