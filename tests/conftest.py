"""Shared pytest fixtures. Each section belongs to one part of the suite; keep them apart.

The emulator convention (every module that talks to an emulated cluster follows it):

- ``emulator_config`` (module scope): how the module's emulator is configured. The default
  is Elasticsearch 9.1.0, no credentials, deployments ready after 0.05 s. A module that needs
  another configuration overrides this fixture, and only this one.
- ``emulator_server`` (module scope): the emulator started once per module from
  ``emulator_config``. Only module-scoped fixtures (a provider process) take it; tests do not.
- ``emulator`` (function scope): that emulator reset before the test (endpoints, pipelines,
  indices, deployments, faults, request log and runtime settings back to the config), with
  the process's pooled clients closed before and after, because the pool is keyed by URL and
  a pooled client keeps the cluster version and retry policy of the test that made it.
- ``client``: an ``httpx.Client`` on ``emulator`` without credentials, new for each test.
- ``fast_retries``: the provider builds its clients from the environment; this makes their
  retries quick (a module that wants it everywhere uses ``pytestmark``).
- Engine modules set ``emulator_config`` to ``engine_programs.keyed_config(...)`` (the API
  key required) and take ``cluster``: ``engine_programs.Cluster`` over ``emulator``, its
  request bodies recorded (the handler is wrapped once per module, the record cleared per
  test); ``door`` runs a test once per front end.

An emulator that a single test needs (TLS, users with privileges, one to stop) stays inline
as ``with Emulator(...)``; a second one that several tests of a module share is a fixture of
that module named for what it is (``secured`` in tests/test_emulator_cluster.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pulumi_inference.client import close_all
from pulumi_inference.emulator import Emulator, EmulatorConfig
from tests.engine_programs import DOORS, Cluster, Door
from tests.support.engine import Engine, find_cli_dir

# --- engine fixtures ---
# The real Pulumi engine through the Automation API (tests marked `engine`).

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


# --- end of engine fixtures ---


# --- emulator fixtures ---
# The convention is at the top of this file.


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(version="9.1.0", deployment_seconds=0.05)


@pytest.fixture(scope="module")
def emulator_server(emulator_config: EmulatorConfig) -> Iterator[Emulator]:
    with Emulator(emulator_config) as emu:
        yield emu


@pytest.fixture
def emulator(emulator_server: Emulator) -> Iterator[Emulator]:
    emulator_server.reset()
    close_all()
    yield emulator_server
    close_all()


@pytest.fixture
def client(emulator: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.url, timeout=10) as c:
        yield c


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries of the clients the provider builds from the environment: 3 s at most."""
    monkeypatch.setenv("PULUMI_INFERENCE_RETRY_DEADLINE", "3")
    monkeypatch.setenv("PULUMI_INFERENCE_RETRY_BASE_DELAY", "0.01")
    monkeypatch.setenv("PULUMI_INFERENCE_RETRY_MAX_DELAY", "0.05")


# --- end of emulator fixtures ---
