"""Building the generated SDKs and programs over them, as their users would.

Node.js: the toolchain (``@pulumi/pulumi``, ``typescript``, ``@types/node``) is what
``examples/typescript/package-lock.json`` pins, installed by ``npm ci`` into that example's
``node_modules`` (once per lockfile). The SDK is built as it is published (``tsc`` into
``bin/``, ``package.json`` and ``README.md`` beside the JavaScript), packed with ``npm pack``
and the tarball installed into that ``node_modules`` with ``npm install``, as docs/sdks.md
tells users to (installing the folder instead links it, and the SDK then loads a second
``@pulumi/pulumi`` of its own).

Go: ``go build`` with the module cache; the modules name the SDK by its module path and
``replace`` it with ``sdk/go``.

Every step raises :class:`BuildError` with the tool's own output when it fails.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SDK = ROOT / "sdk"
TS_EXAMPLE = ROOT / "examples" / "typescript"
GO_EXAMPLE = ROOT / "examples" / "go"
PROGRAMS = Path(__file__).resolve().parent / "sdk_programs"
_LOCK_STAMP = ".pulumi-inference-lock"


class BuildError(Exception):
    """A build step failed; the message holds the command and what it printed."""


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    if done.returncode != 0:
        raise BuildError(
            f"`{' '.join(command)}` in {cwd} failed ({done.returncode}):\n"
            f"{done.stdout}\n{done.stderr}"
        )
    return done.stdout


def missing_tools(*tools: str) -> list[str]:
    return [tool for tool in tools if shutil.which(tool) is None]


# -- Node.js ----------------------------------------------------------------------------


def node_modules() -> Path:
    """The example's ``node_modules``, installed from its lockfile (again when it changed)."""
    modules = TS_EXAMPLE / "node_modules"
    lock = hashlib.sha256((TS_EXAMPLE / "package-lock.json").read_bytes()).hexdigest()
    stamp = modules / _LOCK_STAMP
    if not (stamp.is_file() and stamp.read_text() == lock):
        run(["npm", "ci", "--no-audit", "--no-fund"], TS_EXAMPLE)
        stamp.write_text(lock)
    return modules


def tsc(*args: str, cwd: Path) -> str:
    return run([str(node_modules() / ".bin" / "tsc"), *args], cwd)


def build_nodejs_sdk(workdir: Path) -> Path:
    """``sdk/nodejs`` compiled by its own tsconfig; returns the publishable package dir."""
    source = workdir / "sdk-nodejs"
    shutil.copytree(SDK / "nodejs", source, ignore=shutil.ignore_patterns("node_modules", "bin"))
    (source / "node_modules").symlink_to(node_modules(), target_is_directory=True)
    tsc("-p", str(source), cwd=source)
    package = source / "bin"
    for name in ("package.json", "README.md"):
        shutil.copy2(source / name, package / name)
    return package


def pack_nodejs_sdk(package: Path) -> Path:
    """``npm pack`` of the built package: the tarball docs/sdks.md has users install."""
    out = run(["npm", "pack", str(package), "--pack-destination", str(package.parent)], package)
    return package.parent / out.strip().splitlines()[-1]


def install_nodejs_sdk(package: Path) -> Path:
    """The packed SDK installed into the example's ``node_modules`` as docs/sdks.md says
    (``npm install`` of the tarball: one ``@pulumi/pulumi``, the example's), without writing
    it into the example's package.json."""
    tarball = pack_nodejs_sdk(package)
    modules = node_modules()
    run(["npm", "install", "--no-save", "--no-audit", "--no-fund", str(tarball)], TS_EXAMPLE)
    name = json.loads((package / "package.json").read_text())["name"]
    return modules.joinpath(*name.split("/"))


def typescript_copy(project: Path, workdir: Path) -> Path:
    """A copy of the TypeScript project ``project`` whose modules resolve from the example's
    ``node_modules`` (so a program and the SDK share one ``@pulumi/pulumi``)."""
    copy = workdir / project.name
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("node_modules", "bin"))
    (copy / "node_modules").symlink_to(node_modules(), target_is_directory=True)
    return copy


def compile_typescript(project: Path, workdir: Path) -> Path:
    """``project`` compiled against the installed SDK; returns the directory of its JavaScript."""
    copy = typescript_copy(project, workdir)
    tsc("-p", str(copy), cwd=copy)
    return copy / "bin"


# -- Go ---------------------------------------------------------------------------------


def go_build(module: Path, out_dir: Path | None = None) -> Path | None:
    """``go build`` of every package of ``module``: its commands written into ``out_dir``
    (never into the module itself); ``None`` for a module of libraries, where nothing is
    written. Returns ``out_dir``."""
    args = ["go", "build", "-trimpath"]
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        args += ["-o", f"{out_dir}{os.sep}"]
    run([*args, "./..."], module, env={"GOFLAGS": "-mod=readonly"})
    return out_dir


def go_copy(module: Path, workdir: Path) -> Path:
    """A copy of the Go module ``module`` that still finds the SDK in ``sdk/go``."""
    copy = workdir / module.name
    shutil.copytree(module, copy)
    sdk_module = f"github.com/pulumi-inference/pulumi-inference/sdk/go={SDK / 'go'}"
    run(["go", "mod", "edit", "-replace", sdk_module], copy)
    return copy
