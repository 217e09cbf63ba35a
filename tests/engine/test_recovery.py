"""A `pulumi up` killed with SIGKILL mid-deployment on the shared PostgreSQL backend, and
`pulumi-inference recover` bringing the stack back in one command, through both doors.

The run is killed (the CLI, its language host and provider processes: one process group)
after both creates reached the cluster and before their deployments are ready. That leaves
the backend's lock, two pending creates and two endpoints the state does not record.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from devtools.engine import Engine
from devtools.engine_programs import (
    DYNAMIC,
    Cluster,
    Door,
    e5_deployment,
    keyed_config,
    unique,
)
from pulumi_inference.emulator import Emulator, EmulatorConfig
from tests.support.postgres import PostgresServer
from tests.support.team import (
    Run,
    endpoint_names,
    export,
    lock_keys,
    pending_urns,
    pulumi,
    puts,
    recover,
    session_members,
    team_project,
    team_stack,
    wait_for,
)

pytestmark = pytest.mark.engine
LOCKED = "the stack is currently locked"


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    # Long enough for the kill to land while both deployments are still starting.
    return keyed_config(deployment_seconds=30)


def _kill_mid_deployment(
    engine: Engine, project: Path, cluster: Cluster, ids: list[str], log: Path
) -> None:
    """`pulumi up` killed (SIGKILL, whole process group) once every create reached the
    cluster, before any deployment is ready."""
    run = Run.up(engine, project, "dev", log)
    try:
        wait_for(lambda: all(puts(cluster, i) == 1 for i in ids), 90, "every create")
        # the CLI, the language host and the program, the provider plugin
        assert len(session_members(run.process.pid)) >= 3
        run.kill()
    finally:
        run.stop_if_running()
    assert session_members(run.process.pid) == [], "a process of the killed run survived"


def test_killed_up_is_recovered_in_one_command(
    tmp_path: Path, team_engine: Engine, cluster: Cluster, door: Door
) -> None:
    prefix = unique("crash")
    ids = {name: f"{prefix}-{name}" for name in ("a", "b", "c")}
    project = team_project(tmp_path / "project")
    declarations = {name: e5_deployment(inference_id) for name, inference_id in ids.items()}
    team_stack(team_engine, project, "dev", door, cluster, declarations)
    _kill_mid_deployment(team_engine, project, cluster, list(ids.values()), tmp_path / "up.log")

    # What the kill left: pending creates, a lock, endpoints no stack records.
    before = export(team_engine, project, "dev")
    assert pending_urns(before) == [("creating", name) for name in ("a", "b", "c")]
    assert endpoint_names(before) == []
    assert all(cluster.endpoint(i) is not None for i in ids.values())
    blocked = pulumi(team_engine, project, "up", "--yes", "--skip-preview", "--stack", "dev")
    assert blocked.returncode != 0 and LOCKED in blocked.stdout + blocked.stderr

    # Meanwhile someone changed b by hand, and deleted c.
    cluster.hand_edit(ids["b"], {"service_settings": {"num_threads": 2}})
    with cluster.http() as http:
        assert http.delete(f"/_inference/text_embedding/{ids['c']}").status_code == 200

    plan = recover(team_engine, project, "dev")
    assert plan.returncode == 0, plan.stderr
    assert f"adopt  a ({ids['a']}): on the cluster and matching" in plan.stdout
    assert f"leave  b ({ids['b']}): on the cluster but differs" in plan.stdout
    assert "service_settings.num_threads" in plan.stdout
    assert f"clear  c ({ids['c']}): not on the cluster" in plan.stdout
    assert "Nothing was changed" in plan.stdout
    # The plan says the killed run's lock is there, whose it is, and what to run.
    assert "  the stack is locked (lock created by " in plan.stdout
    assert " (pid " in plan.stdout and "a killed one left its lock" in plan.stdout
    assert (
        f"carry it out with: pulumi-inference recover --stack dev --cwd {project} --yes "
        "--cancel-lock\n" in plan.stdout
    )
    assert (urlsplit(team_engine.env["PULUMI_BACKEND_URL"]).password or "?") not in plan.stdout
    blind = recover(team_engine, project, "dev", env={"PATH": str(team_engine.cli_dir)})
    assert blind.returncode == 0, blind.stderr
    assert (
        "  whether the stack is locked is not known before --yes (psql is not on PATH to read "
        "the lock table); if it is, --yes stops before changing anything\n" in blind.stdout
    )
    assert export(team_engine, project, "dev") == before

    locked = recover(team_engine, project, "dev", "--yes")
    assert locked.returncode == 1
    assert locked.stderr.count("\n") == 1 and "--cancel-lock" in locked.stderr
    assert export(team_engine, project, "dev") == before

    done = recover(team_engine, project, "dev", "--yes", "--cancel-lock")
    assert done.returncode == 3, done.stdout + done.stderr
    assert "1 adopted, 1 cleared, 1 left alone" in done.stdout
    after = export(team_engine, project, "dev")
    assert endpoint_names(after) == ["a"]
    assert pending_urns(after) == []  # `pulumi stack import` drops every pending operation
    assert (cluster.endpoint(ids["b"]) or {})["service_settings"]["num_threads"] == 2
    assert [puts(cluster, i) for i in ids.values()] == [1, 1, 1]

    nothing = recover(team_engine, project, "dev", "--yes")
    assert nothing.returncode == 0 and "nothing to recover" in nothing.stdout
    unlocked = recover(team_engine, project, "dev")  # nothing pending, no lock: one line
    assert unlocked.stdout == "stack dev: no pending operation; nothing to recover.\n"
    assert export(team_engine, project, "dev") == after

    # The person deletes b, as the plan said; the next run creates b and c, nothing else.
    with cluster.http() as http:
        assert http.delete(f"/_inference/text_embedding/{ids['b']}").status_code == 200
    cluster.emulator.settings.update({"deployment_seconds": 0.2})
    up = pulumi(team_engine, project, "up", "--yes", "--skip-preview", "--stack", "dev")
    assert up.returncode == 0, up.stdout + up.stderr
    assert "+ 2 created" in up.stdout
    assert [puts(cluster, i) for i in ids.values()] == [1, 2, 2], "a was deployed twice"
    preview = pulumi(team_engine, project, "preview", "--expect-no-changes", "--stack", "dev")
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert endpoint_names(export(team_engine, project, "dev")) == ["a", "b", "c"]

    destroy = pulumi(team_engine, project, "destroy", "--yes", "--skip-preview", "--stack", "dev")
    assert destroy.returncode == 0, destroy.stdout + destroy.stderr
    assert [i for i in cluster.all_ids() if i.startswith(prefix)] == []


def test_the_plan_names_a_live_runs_lock_on_a_file_backend(
    tmp_path: Path, engine: Engine, cluster: Cluster
) -> None:
    """While a `pulumi up` waits for a deployment, `recover`'s plan says the stack is locked
    by that run (its pid), without taking the lock: the run finishes as if nothing happened."""
    inference_id = unique("live")
    project = team_project(tmp_path / "project")
    team_stack(engine, project, "dev", DYNAMIC, cluster, {"a": e5_deployment(inference_id)})
    run = Run.up(engine, project, "dev", tmp_path / "up.log")
    try:
        wait_for(lambda: puts(cluster, inference_id) == 1, 90, "the create")
        plan = recover(engine, project, "dev")
        assert run.wait() == 0, run.output()
    finally:
        run.stop_if_running()

    assert plan.returncode == 0, plan.stderr
    assert f"adopt  a ({inference_id}): on the cluster and matching" in plan.stdout
    assert "  the stack is locked (lock created by " in plan.stdout
    assert f"(pid {run.process.pid}) at " in plan.stdout
    assert "--yes --cancel-lock" in plan.stdout and "Nothing was changed" in plan.stdout
    assert pending_urns(export(engine, project, "dev")) == []
    free = recover(engine, project, "dev")
    assert free.stdout == "stack dev: no pending operation; nothing to recover.\n"
    done = pulumi(engine, project, "destroy", "--yes", "--skip-preview", "--stack", "dev")
    assert done.returncode == 0, done.stdout + done.stderr


# -- bad input: one line, nothing changed -----------------------------------------------


def test_recover_refuses_bad_input_in_one_line_and_changes_nothing(
    tmp_path: Path, team_engine: Engine, postgres: PostgresServer
) -> None:
    project = team_project(tmp_path / "project")
    inference_id = unique("bad")
    with Emulator(keyed_config(deployment_seconds=30)) as doomed:  # down after the kill
        cluster = Cluster(doomed)
        url = cluster.url
        declarations = {"a": e5_deployment(inference_id)}
        team_stack(team_engine, project, "dev", DYNAMIC, cluster, declarations)
        _kill_mid_deployment(team_engine, project, cluster, [inference_id], tmp_path / "up.log")
    before = export(team_engine, project, "dev")
    assert pending_urns(before) == [("creating", "a")]
    (lock,) = lock_keys(postgres, team_engine)  # the killed run's
    assert "/.pulumi/locks/organization/inference-team/dev/" in lock

    missing = recover(team_engine, project, "no-such-stack", "--yes")
    assert missing.returncode == 1
    assert missing.stderr.startswith("pulumi-inference recover: --stack no-such-stack: no such")

    other = team_project(tmp_path / "other-program", name="another-program")
    foreign = recover(team_engine, other, "organization/inference-team/dev", "--yes")
    assert foreign.returncode == 1, foreign.stdout + foreign.stderr
    assert "belongs to project inference-team, not to another-program" in foreign.stderr

    fast = {"PULUMI_INFERENCE_UNREACHABLE_DEADLINE": "1"}
    unreachable = recover(team_engine, project, "dev", "--yes", "--cancel-lock", env=fast)
    assert unreachable.returncode == 1
    assert f"resource a: cannot check its endpoint on {url}" in unreachable.stderr
    assert "nothing was changed" in unreachable.stderr

    logged_out = Engine(tmp_path / "logged-out", team_engine.cli_dir)
    logged_out.env.pop("PULUMI_BACKEND_URL")
    no_login = recover(logged_out, project, "dev", "--yes")
    assert no_login.returncode == 1
    assert "no backend login" in no_login.stderr

    for result in (missing, foreign, unreachable, no_login):
        assert result.stderr.count("\n") == 1, result.stderr
        printed = result.stdout + result.stderr
        assert cluster.api_key not in printed and postgres.password not in printed
    assert export(team_engine, project, "dev") == before
    assert lock_keys(postgres, team_engine) == [lock]  # --cancel-lock did not run
