"""Fixtures of the engine layer: the real Pulumi engine through the Automation API (tests
marked ``engine``). The emulator convention they build on is in tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.engine import Engine, find_cli_dir
from devtools.engine_programs import DOORS, Cluster, Door
from pulumi_inference.emulator import Emulator
from tests.support.policy import cli_with_this_host, pack_virtualenv, policy_pack
from tests.support.postgres import PostgresServer, find_postgres_bin

_NO_CLI = (
    "engine tests need the Pulumi CLI and its pulumi-resource-pulumi-python launcher, and "
    "neither was found (PULUMI_INFERENCE_CLI_DIR, `pulumi` on PATH, or "
    "~/.cache/pulumi-inference/pulumi-cli/*/bin): run scripts/install-pulumi-cli"
)


@pytest.fixture(scope="session")
def pulumi_cli_dir() -> Path:
    """The directory with `pulumi` and the dynamic-provider launcher; skips when absent."""
    cli_dir = find_cli_dir()
    if cli_dir is None:
        pytest.skip(_NO_CLI)
    return cli_dir


@pytest.fixture
def engine(tmp_path: Path, pulumi_cli_dir: Path) -> Engine:
    """A private PULUMI_HOME and file backend for one test."""
    return Engine(tmp_path / "engine", pulumi_cli_dir)


@pytest.fixture(params=DOORS, ids=lambda door: door.name)
def door(request: pytest.FixtureRequest) -> Door:
    """Each test that takes ``door`` runs against both front ends: the behaviour is one."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def _recording(emulator_server: Emulator) -> Cluster:
    recorded = Cluster(emulator_server)
    recorded.record_bodies()
    return recorded


@pytest.fixture
def cluster(emulator: Emulator, _recording: Cluster) -> Cluster:
    """The module's emulator, reset, as the engine tests use it (see the top of this file)."""
    _recording.bodies.clear()
    return _recording


# --- policy packs (tests/engine/test_engine_policy.py, test_engine_review.py, test_ci_example.py)


@pytest.fixture(scope="module")
def policy_pack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pack as `pulumi-inference policy new` writes it, in its own (cached) virtualenv."""
    return policy_pack(tmp_path_factory.mktemp("pack") / "inference-rules", pack_virtualenv())


@pytest.fixture(scope="module")
def policy_cli(pulumi_cli_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The CLI with this checkout's Python language host, which runs the packs."""
    return cli_with_this_host(pulumi_cli_dir, tmp_path_factory.mktemp("cli") / "bin")


@pytest.fixture
def policy_engine(tmp_path: Path, policy_cli: Path) -> Engine:
    return Engine(tmp_path / "engine", policy_cli)


# --- a shared backend: Pulumi's self-managed PostgreSQL backend (docs/teams.md) ---

_NO_POSTGRES = (
    "the shared-backend tests need PostgreSQL's initdb and pg_ctl, and neither was found: run "
    "scripts/install-postgresql (as root it installs Debian's postgresql package)"
)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A private PostgreSQL server on a loopback port, for the whole session."""
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        pytest.skip(_NO_POSTGRES)
    with PostgresServer(bin_dir) as server:
        yield server


@pytest.fixture
def team_engine(tmp_path: Path, pulumi_cli_dir: Path, postgres: PostgresServer) -> Engine:
    """An engine whose stacks live in the PostgreSQL backend, in a table of this test's own."""
    backend = postgres.url(postgres.unique_table())
    return Engine(tmp_path / "engine", pulumi_cli_dir, env={"PULUMI_BACKEND_URL": backend})
