"""`pulumi-inference policy new`'s printed next step works as printed, in a fresh shell, however
pulumi-inference was installed: from a checkout (editable, as scripts/setup-dev does) or from a
wheel. Each run makes real virtualenvs and asks the package index for the dependencies (a
minute or so each; pip's cache makes later runs faster).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def fresh_shell_env(home: Path) -> dict[str, str]:
    """A new login's environment: no virtualenv, no PYTHONPATH, the system's tools on PATH
    (a base Python first, as a user's ``python3``); pip's own settings for this machine's
    registry (``PIP_*``, proxies) are kept, as a user's pip.conf would be."""
    kept = {
        key: value
        for key, value in os.environ.items()
        if key.startswith("PIP_") or key.lower().endswith("_proxy") or key == "SSL_CERT_FILE"
    }
    base = Path(sys.base_prefix) / "bin"
    pip_cache = os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))
    return {
        **kept,
        "HOME": str(home),
        "PATH": f"{base}:/usr/bin:/bin",
        "PIP_CACHE_DIR": pip_cache,
    }


def policy_new(command: list[str], directory: Path) -> list[str]:
    """Run ``policy new``; the commands it prints under ``next``."""
    done = subprocess.run(
        [*command, "policy", "new", str(directory)], capture_output=True, text=True, check=True
    )
    lines = done.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("next, in a shell"))
    return [line.strip() for line in lines[start + 1 :]]


def run_in_fresh_shell(line: str, home: Path) -> None:
    done = subprocess.run(
        ["bash", "-c", line],
        env=fresh_shell_env(home),
        cwd=home,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"{line}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


def imported_from(venv: Path) -> str:
    code = "import pulumi_inference, pulumi_inference.policy, pulumi_policy; "
    code += "print(pulumi_inference.__file__)"
    done = subprocess.run(  # not from the checkout's directory, whose package `-c` would find
        [str(venv / "bin" / "python"), "-c", code],
        cwd=venv.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_from_a_checkout_the_printed_step_installs_this_checkout(tmp_path: Path) -> None:
    pack = tmp_path / "my policy"
    cli = Path(sys.executable).parent / "pulumi-inference"  # this checkout's, editable
    create_venv, preview = policy_new([str(cli)], pack)

    run_in_fresh_shell(create_venv, tmp_path)

    assert Path(imported_from(pack / "venv")).is_relative_to(ROOT / "pulumi_inference")
    assert preview == f"pulumi preview --policy-pack '{pack}'"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        check=True,
    )
    (built,) = out.glob("*.whl")
    return built


def test_from_a_wheel_the_printed_step_installs_that_wheel(tmp_path: Path, wheel: Path) -> None:
    user_venv = tmp_path / "tools"
    run_in_fresh_shell(
        f"python3 -m venv '{user_venv}' && '{user_venv}/bin/pip' install '{wheel}'", tmp_path
    )
    pack = tmp_path / "pack"
    create_venv, _ = policy_new([str(user_venv / "bin" / "pulumi-inference")], pack)
    assert (pack / "requirements.txt").read_text().splitlines()[1] == (
        f"pulumi-inference @ {wheel.as_uri()}"
    )

    run_in_fresh_shell(create_venv, tmp_path)

    where = Path(imported_from(pack / "venv"))
    assert where.is_relative_to(pack / "venv"), where  # the wheel's copy, not the checkout
