"""Shared pytest fixtures. Each section belongs to one part of the suite; keep them apart."""

from __future__ import annotations

from pathlib import Path

import pytest

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
