"""The ``pulumi`` CLI as recovery drives it: one stack, one project directory, the user's
environment (backend login, passphrase or secrets provider) passed through unchanged.

Every failure becomes a :class:`RecoveryError` of one line, with the secrets recovery knows
of (the backend URL's password, the passphrase, the clusters' credentials) masked.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .._secrets import REDACTED, redact

_TIMEOUT = 600.0


class RecoveryError(Exception):
    """Stops ``recover`` with a one-line message; nothing was changed unless it says so."""


class StackLockedError(RecoveryError):
    """The backend holds a lock on the stack (a run in progress, or a killed one's)."""


def _environment_secrets(environ: Mapping[str, str]) -> list[str]:
    values = [environ.get("PULUMI_CONFIG_PASSPHRASE", ""), environ.get("PULUMI_ACCESS_TOKEN", "")]
    backend = environ.get("PULUMI_BACKEND_URL", "")
    if backend:
        password = urlsplit(backend).password
        values.append(password or "")
    return [value for value in values if value]


def _first_error_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if line.lower().startswith("error:"):
            return line[len("error:") :].strip()
    return lines[-1] if lines else "no output"


class PulumiCli:
    """``pulumi <command> --stack NAME`` in the project directory ``cwd``."""

    def __init__(self, stack: str, cwd: Path, environ: Mapping[str, str] | None = None) -> None:
        self.stack = stack
        self.cwd = cwd
        self.environ = dict(os.environ if environ is None else environ)
        self.environ.setdefault("PULUMI_SKIP_UPDATE_CHECK", "true")
        self.hidden = _environment_secrets(self.environ)
        executable = shutil.which("pulumi", path=self.environ.get("PATH"))
        if executable is None:
            raise RecoveryError(
                "the pulumi CLI was not found on PATH: install it (or put its directory on PATH)"
            )
        self.executable = executable

    def mask(self, text: str) -> str:
        text = redact(text, self.hidden)
        return re.sub(r"(postgres(?:ql)?://)[^@\s/]+@", rf"\1{REDACTED}@", text)

    def run(self, *args: str, what: str) -> str:
        """stdout of ``pulumi ARGS --stack NAME --non-interactive``; an error names ``what``."""
        return self.run_unscoped(*args, "--stack", self.stack, what=what)

    def run_unscoped(self, *args: str, what: str) -> str:
        """stdout of ``pulumi ARGS --non-interactive`` (a command that takes no ``--stack``)."""
        command = [self.executable, *args, "--non-interactive"]
        try:
            done = subprocess.run(
                command,
                cwd=self.cwd,
                env=self.environ,
                capture_output=True,
                text=True,
                timeout=_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise RecoveryError(f"{what}: pulumi did not finish in {_TIMEOUT:.0f} s") from None
        if done.returncode != 0:
            raise self._failure(done.stdout + "\n" + done.stderr, what)
        return done.stdout

    def _failure(self, output: str, what: str) -> RecoveryError:
        text = self.mask(output)
        if "currently locked" in text:
            holders = re.findall(r"created by (\S+ \(pid \d+\) at \S+)", text)
            by = f" (lock created by {', '.join(holders)})" if holders else ""
            return StackLockedError(
                f"stack {self.stack} is locked{by}: another run is in progress, or a killed one "
                "left its lock; when no run is in progress, run again with --cancel-lock"
            )
        if re.search(r"no stack named|stack .* (not found|does not exist)", text, re.IGNORECASE):
            return RecoveryError(
                f"--stack {self.stack}: no such stack in the current backend for the project in "
                f"{self.cwd} (`pulumi stack ls` lists them); check --stack, --cwd and "
                "`pulumi login`"
            )
        if re.search(r"PULUMI_ACCESS_TOKEN|not logged in|pulumi login", text):
            return RecoveryError(
                "no backend login: run `pulumi login <backend URL>` (or set PULUMI_BACKEND_URL) "
                "as for `pulumi up`, then run recover again"
            )
        if re.search(r"passphrase|decrypt", text, re.IGNORECASE):
            return RecoveryError(
                f"{what}: the stack's secrets cannot be decrypted: set PULUMI_CONFIG_PASSPHRASE "
                "(or the secrets provider's credentials) as for `pulumi up`"
            )
        return RecoveryError(f"{what}: {_first_error_line(text)}")

    # -- the commands recovery uses -------------------------------------------------------

    def export(self, *, show_secrets: bool) -> dict[str, Any]:
        args = ["stack", "export", *(["--show-secrets"] if show_secrets else [])]
        text = self.run(*args, what="pulumi stack export")
        try:
            exported: dict[str, Any] = json.loads(text)
        except json.JSONDecodeError:
            raise RecoveryError("pulumi stack export: the output is not JSON") from None
        return exported

    def config(self) -> dict[str, Any]:
        """The stack's configuration, secrets decrypted (kept in memory, never printed)."""
        text = self.run("config", "--json", "--show-secrets", what="pulumi config")
        entries = json.loads(text or "{}")
        return {key: entry.get("value") for key, entry in entries.items()}

    def import_state(self, exported: Mapping[str, Any]) -> None:
        with tempfile.TemporaryDirectory(prefix="pulumi-inference-recover-") as scratch:
            path = Path(scratch) / "state.json"
            path.write_text(json.dumps(exported))
            self.run("stack", "import", "--file", str(path), what="pulumi stack import")

    def refresh(self, *args: str) -> None:
        self.run("refresh", "--yes", "--skip-preview", *args, what="pulumi refresh")

    def backend_url(self) -> str:
        """The backend the stack lives in (``pulumi whoami``: login, Pulumi.yaml or the
        environment); it may hold a password: never printed unmasked."""
        text = self.run_unscoped("whoami", "--json", what="pulumi whoami")
        try:
            url = json.loads(text)["url"]
        except (ValueError, KeyError, TypeError):
            raise RecoveryError("pulumi whoami: the output names no backend URL") from None
        return str(url)

    def cancel(self) -> None:
        self.run("cancel", "--yes", what="pulumi cancel")


def project_name(cwd: Path) -> str:
    """The ``name:`` of the Pulumi.yaml in ``cwd``."""
    import yaml

    for candidate in ("Pulumi.yaml", "Pulumi.yml"):
        path = cwd / candidate
        if path.exists():
            data = yaml.safe_load(path.read_text())
            name = data.get("name") if isinstance(data, dict) else None
            if isinstance(name, str):
                return name
            raise RecoveryError(f"--cwd {cwd}: {candidate} has no project name")
    raise RecoveryError(
        f"--cwd {cwd}: no Pulumi.yaml there; pass the directory of the stack's program"
    )
