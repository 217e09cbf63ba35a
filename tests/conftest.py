"""Fixtures every layer shares: the emulated cluster. Each layer's own fixtures are in its
folder's conftest.py (tests/engine/conftest.py: the real engine, ``cluster``, ``door``).

The suite is in layers, one folder each: ``unit`` (no server), ``emulator`` (the emulator and
the HTTP client against it), ``provider`` (the provider processes over gRPC), ``engine`` (the
real Pulumi CLI through the Automation API). Support code is in ``tests/support``.

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
that module named for what it is (``secured`` in tests/emulator/test_emulator_cluster.py).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import httpx
import pytest

from pulumi_inference.client import close_all
from pulumi_inference.emulator import Emulator, EmulatorConfig

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


# --- the model-based tests' counts (tests/support/opsmodel) ---


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How many operational sequences and steps the model-based tests ran, per level."""
    model = sys.modules.get("tests.support.opsmodel.model")
    stats = getattr(model, "STATS", None)
    if stats is None or not stats.by_level:
        return
    terminalreporter.section("operational sequences (model-based tests)")
    for level, (sequences, steps) in sorted(stats.by_level.items()):
        terminalreporter.write_line(f"{level}: {sequences} sequences, {steps} steps")
