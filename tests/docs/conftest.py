"""Fixtures of the doc tests (tests/docs/test_docs.py): one emulator and one Pulumi CLI for
every block."""

from __future__ import annotations

import os
import pwd
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.engine import find_cli_dir
from pulumi_inference.emulator import Emulator, EmulatorConfig
from tests.support.policy import cli_with_this_host


@pytest.fixture(scope="session")
def doc_cli_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cli_dir = find_cli_dir()
    if cli_dir is None:
        pytest.skip(
            "the doc tests run the documented commands with the Pulumi CLI, and none was found "
            "(PULUMI_INFERENCE_CLI_DIR, `pulumi` on PATH, ~/.cache/pulumi-inference): run "
            "scripts/install-pulumi-cli"
        )
    # This checkout's Python language host (it starts policy packs) beside the shared CLI.
    return cli_with_this_host(cli_dir, tmp_path_factory.mktemp("doc-cli") / "bin")


@pytest.fixture(scope="session")
def doc_cluster() -> Iterator[Emulator]:
    """The cluster of every block that names one (`https://my-cluster:9200` and the rest of
    runner.SUBSTITUTIONS): open (any credentials), deployments ready quickly."""
    with Emulator(EmulatorConfig(version="9.1.0", deployment_seconds=0.2)) as emulator:
        yield emulator


def _account_pulumi() -> dict[Path, int]:
    """What the account's own Pulumi home holds (the home of the password database, whatever
    HOME says: where Pulumi writes without ``PULUMI_HOME``): its stacks, plugins and login,
    each with its modification time."""
    home = Path(pwd.getpwuid(os.getuid()).pw_dir) / ".pulumi"
    paths = [home / "credentials.json"]
    for folder in ("stacks", "plugins"):
        if (home / folder).is_dir():
            paths += (home / folder).rglob("*")
    return {path: path.lstat().st_mtime_ns for path in paths if path.exists()}


@pytest.fixture(autouse=True)
def _account_pulumi_untouched() -> Iterator[None]:
    """A block must keep Pulumi's files in its own HOME: never in the account's ~/.pulumi."""
    before = _account_pulumi()
    yield
    changed = {path for path, stamp in _account_pulumi().items() if before.get(path) != stamp}
    assert changed == set(), f"a block wrote into the account's ~/.pulumi: {sorted(changed)}"
