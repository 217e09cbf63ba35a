"""The official Node.js client (``@elastic/elasticsearch``), installed once per lockfile.

``tests/support/node_es_client`` pins the client (9.4.3: the newest 9.x that runs on Node.js 20;
9.5 needs Node.js 22) in ``package-lock.json``; ``npm ci`` installs it into
``~/.cache/pulumi-inference/node-es-client-<lock hash>`` (``PULUMI_INFERENCE_CACHE``), again only
when the lockfile changes, as the SDK builds cache theirs (``sdk_builds``). ``calls.mjs`` runs a
plan of calls and prints each answer.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.support.sdk_builds import run

SOURCE = Path(__file__).resolve().parent / "node_es_client"


def _cache() -> Path:
    default = Path.home() / ".cache" / "pulumi-inference"
    return Path(os.environ.get("PULUMI_INFERENCE_CACHE", default))


def installed_client() -> Path:
    """The folder holding ``node_modules`` with the pinned client and ``calls.mjs``."""
    lock = (SOURCE / "package-lock.json").read_bytes()
    digest = hashlib.sha256(lock).hexdigest()[:16]
    target = _cache() / f"node-es-client-{digest}"
    stamp = target / ".installed"
    if not stamp.is_file():
        target.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy2(SOURCE / name, target / name)
        run(["npm", "ci", "--no-audit", "--no-fund"], target)
        stamp.write_text(digest)
    shutil.copy2(SOURCE / "calls.mjs", target / "calls.mjs")
    return target


def client_version(folder: Path) -> str:
    package = folder / "node_modules" / "@elastic" / "elasticsearch" / "package.json"
    return str(json.loads(package.read_text())["version"])


def run_plan(folder: Path, url: str, plan: list[dict[str, Any]], workdir: Path) -> list[Any]:
    """Each call's ``{"status", "body"}`` (or ``{"status", "error", "name"}``), in order."""
    plan_file = workdir / "plan.json"
    plan_file.write_text(json.dumps(plan))
    done = subprocess.run(
        ["node", str(folder / "calls.mjs"), url, str(plan_file)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    answers: list[Any] = json.loads(done.stdout)
    return answers
