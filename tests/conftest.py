"""Shared pytest fixtures. Each section belongs to one part of the suite; keep them apart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pulumi_inference.emulator import Emulator, EmulatorConfig
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


# --- end of engine fixtures ---


# --- emulator fixtures ---
# One emulator per test module, reset before each test that asks for `client`; modules that
# need another configuration define their own `emulator`.


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(version="9.1.0", deployment_seconds=0.05)) as emu:
        yield emu


@pytest.fixture(scope="module")
def _client(emulator: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.url, timeout=10) as c:
        yield c


@pytest.fixture
def client(emulator: Emulator, _client: httpx.Client) -> httpx.Client:
    emulator.reset()
    return _client


# --- end of emulator fixtures ---
