"""Policy packs for the engine tests: the pack's own virtualenv, and a CLI directory whose
Python language host is this checkout's (the one that runs packs).

The pack's virtualenv holds ``pulumi-policy`` (which pins its own protobuf and grpcio) and this
checkout, editable; it is built once per checkout and pyproject.toml under
``~/.cache/pulumi-inference/policy-venv`` (a minute or two the first time).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from pulumi_inference.policy import write_pack

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
POLICY_SDK = "pulumi-policy==1.21.0"
HOST_FILES = ("pulumi_language_python_host.py", "pulumi_language_python_policy.py")
CACHE = Path(os.environ.get("PULUMI_INFERENCE_CACHE", Path.home() / ".cache/pulumi-inference"))


def pack_virtualenv() -> Path:
    """The cached virtualenv a test pack runs in, built when missing."""
    key = hashlib.sha256(
        f"{ROOT}\n{sys.version}\n{POLICY_SDK}\n".encode() + (ROOT / "pyproject.toml").read_bytes()
    ).hexdigest()[:16]
    venv = CACHE / "policy-venv" / key
    if (venv / "ready").exists():
        return venv
    # A virtualenv is not relocatable: it is built in place, and marked ready when complete.
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    # setuptools' note on editable installs of a flat layout only (as scripts/setup-dev).
    quiet = {**os.environ, "PYTHONWARNINGS": "ignore:Editable installation"}
    subprocess.run([*pip, POLICY_SDK, "-e", str(ROOT)], check=True, env=quiet)
    (venv / "ready").write_text("")
    return venv


def policy_pack(directory: Path, venv: Path) -> Path:
    """A pack as `pulumi-inference policy new` writes it, its ``venv`` the cached one."""
    write_pack(directory)
    (directory / "venv").symlink_to(venv, target_is_directory=True)
    return directory


def cli_with_this_host(cli_dir: Path, directory: Path) -> Path:
    """``cli_dir``'s CLI and plugins, with this checkout's Python language host beside it.

    The CLI looks for bundled plugins beside its own resolved path, so ``pulumi`` is a hard
    link (a copy across file systems), not a symbolic link; the shared cache may hold the
    language host of another checkout.
    """
    directory.mkdir(parents=True, exist_ok=True)
    try:
        os.link(cli_dir / "pulumi", directory / "pulumi")
    except OSError:
        shutil.copy2(cli_dir / "pulumi", directory / "pulumi")
    for plugin in ("pulumi-resource-pulumi-python", "pulumi-language-yaml"):
        if (cli_dir / plugin).exists():
            (directory / plugin).symlink_to((cli_dir / plugin).resolve())
    for name in HOST_FILES:
        shutil.copy2(SCRIPTS / name, directory / name)
    wrapper = directory / "pulumi-language-python"
    host = '"$(dirname "$0")/pulumi_language_python_host.py"'
    wrapper.write_text(f'#!/bin/sh\nexec "${{PULUMI_PYTHON_CMD:-python3}}" {host} "$@"\n')
    wrapper.chmod(0o755)
    return directory
