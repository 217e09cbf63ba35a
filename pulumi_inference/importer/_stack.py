"""The written project's stack, and its config set with the values the import knows.

Secrets are encrypted by the stack's own secrets provider: only the Pulumi CLI knows it, so
the values are handed to ``pulumi config set --secret KEY``, each on its standard input
(never on a command line, where other users of the machine could read it). The stack is
made with ``pulumi stack init`` in the current backend; a stack of that name already there
is refused, so an existing stack's config is never overwritten.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .._secrets import redact

_TIMEOUT = 120  # seconds for one CLI command


class StackError(Exception):
    """The stack could not be made or configured; the message says why, without secrets."""


def find_pulumi() -> str:
    found = shutil.which("pulumi")
    if found is None:
        raise StackError(
            "the Pulumi CLI (`pulumi`) is not on PATH: it is needed to store the secrets in "
            "the stack's config, encrypted. Install it (https://www.pulumi.com/docs/install/)"
        )
    return found


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _run(pulumi: str, args: Sequence[str], cwd: Path, stdin: str, hidden: Sequence[str]) -> None:
    try:
        result = subprocess.run(
            [pulumi, *args, "--non-interactive"],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise StackError(f"`pulumi {args[0]} {args[1]}` failed: {error}") from None
    if result.returncode != 0:
        said = " ".join((result.stderr or result.stdout).split()) or f"exit {result.returncode}"
        raise StackError(f"`pulumi {args[0]} {args[1]}` failed: {redact(said, hidden)}")


def create_stack(
    project: Path,
    stack: str,
    values: Sequence[tuple[str, Any, bool]],
    *,
    secrets_provider: str | None = None,
) -> None:
    """``pulumi stack init STACK`` in ``project``, then each (key, value, secret) set; on a
    failure the stack is removed again (it held nothing else) and StackError raised."""
    pulumi = find_pulumi()
    hidden = [_text(value) for _, value, secret in values if secret]
    init = ["stack", "init", stack]
    if secrets_provider:
        init += ["--secrets-provider", secrets_provider]
    _run(pulumi, init, project, "", hidden)
    try:
        for key, value, secret in values:
            args = ["config", "set", *(["--secret"] if secret else []), key]
            _run(pulumi, args, project, _text(value), hidden)
    except StackError:
        remove_stack(project, stack)
        raise


def remove_stack(project: Path, stack: str) -> None:
    """Best effort: the stack made here, empty, removed with its config file."""
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        return
    subprocess.run(
        [pulumi, "stack", "rm", stack, "--yes", "--force", "--non-interactive"],
        cwd=project,
        capture_output=True,
        check=False,
        timeout=_TIMEOUT,
    )
    (project / f"Pulumi.{stack}.yaml").unlink(missing_ok=True)
