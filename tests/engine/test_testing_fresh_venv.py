"""The example test of docs/testing-your-infrastructure.md passes from a new virtualenv that
holds only the built wheel and pytest (and what they depend on): the plugin comes with the
package's entry point, nothing else of this checkout is needed. Its Pulumi test runs too, with
the CLI on PATH as a user's CI has it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs.blocks import Block, parse

pytestmark = [pytest.mark.engine, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
DOC = "docs/testing-your-infrastructure.md"


def example_block() -> Block:
    (block,) = [
        block for block, _ in parse(None) if block.path == DOC and block.pytest_file is not None
    ]
    return block


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built once per session."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        check=True,
    )
    (built,) = out.glob("*.whl")
    return built


def _fresh_env(home: Path, path: str) -> dict[str, str]:
    cache = Path(os.environ.get("PIP_CACHE_DIR", Path.home() / ".cache" / "pip"))
    return {
        "HOME": str(home),
        "PATH": path,
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "PIP_CACHE_DIR": str(cache),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
    }


def test_the_documented_example_passes_from_a_fresh_virtualenv(
    tmp_path: Path, built_wheel: Path, pulumi_cli_dir: Path
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    system = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if ".venv" not in p)
    env = _fresh_env(
        tmp_path / "home", f"{venv / 'bin'}{os.pathsep}{pulumi_cli_dir}{os.pathsep}{system}"
    )
    (tmp_path / "home").mkdir()
    install = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", str(built_wheel), "pytest"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    listed = subprocess.run(
        [str(venv / "bin" / "pip"), "list"], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert "elasticsearch " not in listed and "trustme" not in listed  # only the wheel's needs

    block = example_block()
    work = tmp_path / "work"
    work.mkdir()
    (work / str(block.pytest_file)).write_text(block.source)
    done = subprocess.run(
        ["pytest", "-rs", str(block.pytest_file)],
        cwd=work,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1].startswith("=") and " 3 passed" in done.stdout
    assert "plugins:" in done.stdout and "pulumi-inference" in done.stdout
