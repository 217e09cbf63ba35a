"""Teams on one shared backend (Pulumi's self-managed PostgreSQL backend, a private server):
two environments' stacks in one database, stacks applied at the same time, and two runs of
one stack that race while a model deployment is in progress. Both front ends.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from pulumi import automation as auto

from devtools.engine import Engine
from devtools.engine_programs import (
    Cluster,
    Door,
    e5_deployment,
    keyed_config,
    openai_embeddings,
    secret_value,
    unique,
)
from pulumi_inference.emulator import EmulatorConfig
from tests.support.postgres import PostgresServer
from tests.support.team import (
    Run,
    endpoint_names,
    export,
    pending_urns,
    pulumi,
    puts,
    team_project,
    team_stack,
    wait_for,
)

pytestmark = pytest.mark.engine

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "multi-env"
NATIVE_PROGRAM = Path(__file__).resolve().parents[1] / "support" / "multi_env_native.py"
PASSPHRASE = "multi-env-example"
LOCKED = "the stack is currently locked"


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return keyed_config(deployment_seconds=3)


def _ok(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 0, done.stdout + done.stderr


def test_multi_env_stacks_share_one_database_and_apply_at_once(
    tmp_path: Path,
    pulumi_cli_dir: Path,
    postgres: PostgresServer,
    cluster: Cluster,
    door: Door,
) -> None:
    """examples/multi-env: dev and prod in one PostgreSQL table, on one cluster, `pulumi up`
    of both started together; each gets its own endpoints and neither touches the other's."""
    table = postgres.unique_table()
    engine = Engine(
        tmp_path / "engine",
        pulumi_cli_dir,
        env={"PULUMI_BACKEND_URL": postgres.url(table), "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE},
    )
    project = tmp_path / "multi-env"
    shutil.copytree(EXAMPLE, project)
    if door.native:
        shutil.copy(NATIVE_PROGRAM, project / "__main__.py")
    for name in ("dev", "prod"):
        stack = engine.project_stack(project, name)
        stack.set_config("esUrl", auto.ConfigValue(cluster.url))
        stack.set_config("esApiKey", auto.ConfigValue(cluster.api_key, secret=True))
    keys = postgres.psql(f"SELECT key FROM {table}").split()  # noqa: S608
    assert {
        "pulumi/.pulumi/stacks/inference-multi-env/dev.json",
        "pulumi/.pulumi/stacks/inference-multi-env/prod.json",
    } <= set(keys)

    runs = {
        name: Run.up(engine, project, name, tmp_path / f"{name}.log") for name in ("dev", "prod")
    }
    for run in runs.values():
        assert run.wait() == 0, run.output()
    ids = [f"{env}-{kind}" for env in ("dev", "prod") for kind in ("elser", "openai-embeddings")]
    assert [puts(cluster, i) for i in ids] == [1, 1, 1, 1]
    assert (cluster.endpoint("prod-elser") or {})["service_settings"]["num_allocations"] == 4
    for name in ("dev", "prod"):
        _ok(pulumi(engine, project, "preview", "--expect-no-changes", "--stack", name))
        _ok(pulumi(engine, project, "refresh", "--yes", "--skip-preview", "--stack", name))
        _ok(pulumi(engine, project, "preview", "--expect-no-changes", "--stack", name))

    _ok(pulumi(engine, project, "destroy", "--yes", "--skip-preview", "--stack", "dev"))
    assert [i for i in ids if cluster.endpoint(i) is not None] == ids[2:]
    _ok(pulumi(engine, project, "preview", "--expect-no-changes", "--stack", "prod"))
    _ok(pulumi(engine, project, "destroy", "--yes", "--skip-preview", "--stack", "prod"))
    assert [i for i in ids if cluster.endpoint(i) is not None] == []


def _refused(run: Run, stack_path: str) -> bool:
    """Refused by the backend's lock, with Pulumi's message naming the stack."""
    text = run.output()
    return LOCKED in text and stack_path in text


def test_two_runs_of_one_stack_never_both_apply(
    tmp_path: Path, team_engine: Engine, cluster: Cluster, door: Door
) -> None:
    prefix = unique("race")
    declarations = {
        "e5": e5_deployment(f"{prefix}-e5"),
        "openai": openai_embeddings(f"{prefix}-openai", secret_value("openai")),
    }
    project = team_project(tmp_path / "project")
    stack = team_stack(team_engine, project, "dev", door, cluster, declarations)
    stack_path = "/.pulumi/locks/organization/inference-team/dev/"

    # Two runs started at the same instant: at most one applies (both may be refused).
    pair = [Run.up(team_engine, project, "dev", tmp_path / f"first-{n}.log") for n in (1, 2)]
    codes = [run.wait() for run in pair]
    print(f"two runs started together: exit codes {codes}")  # shown with -s
    assert codes.count(0) <= 1, [run.output() for run in pair]
    for run, code in zip(pair, codes, strict=True):
        assert code == 0 or _refused(run, stack_path), run.output()
    _ok(pulumi(team_engine, project, "up", "--yes", "--skip-preview", "--stack", "dev"))
    assert [puts(cluster, f"{prefix}-{n}") for n in ("e5", "openai")] == [1, 1]

    # While one run waits for a new deployment, two more start: both refused. The emulator
    # holds the deployment (never_ready) until the late runs have ended, so the first run
    # cannot finish and free the lock before they ask for it, however slow the machine.
    declarations["e5b"] = e5_deployment(f"{prefix}-e5b")
    stack.set_config("endpoints", auto.ConfigValue(json.dumps(declarations)))
    held = f"{prefix}-e5b"
    cluster.emulator.faults.never_ready(path=f"/_inference/text_embedding/{held}$", count=1)
    first = Run.up(team_engine, project, "dev", tmp_path / "deploying.log")
    try:
        wait_for(lambda: puts(cluster, held) == 1, 60, "the deployment's create")
        late = [Run.up(team_engine, project, "dev", tmp_path / f"late-{n}.log") for n in (1, 2)]
        late_codes = [run.wait() for run in late]
        assert first.process.poll() is None, first.output()  # still waiting: the lock is held
        cluster.emulator.finish_deployment(held)
    except BaseException:
        first.stop_if_running()
        raise
    assert all(code != 0 for code in late_codes), [run.output() for run in late]
    assert all(_refused(run, stack_path) for run in late), [run.output() for run in late]
    assert first.wait() == 0, first.output()

    assert [puts(cluster, f"{prefix}-{n}") for n in ("e5", "openai", "e5b")] == [1, 1, 1]
    _ok(pulumi(team_engine, project, "preview", "--expect-no-changes", "--stack", "dev"))
    exported = export(team_engine, project, "dev")
    assert pending_urns(exported) == [] and endpoint_names(exported) == ["e5", "e5b", "openai"]
    _ok(pulumi(team_engine, project, "destroy", "--yes", "--skip-preview", "--stack", "dev"))
    assert [i for i in cluster.all_ids() if i.startswith(prefix)] == []
