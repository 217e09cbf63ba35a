"""Whether the stack is locked, read without taking the lock (the plan changes nothing).

No ``pulumi`` command reports a self-managed backend's lock without writing one, so the lock
objects are read where the backend keeps them (``.pulumi/locks/organization/<project>/
<stack>/*.json``, as the CLI writes them): from the directory of a ``file://`` backend, with
``psql`` from a PostgreSQL backend's table. Pulumi Cloud says it in ``pulumi stack ls``. Other
backends (S3, GCS, Azure Blob), or a PostgreSQL backend without ``psql``, are "not known":
``--yes`` still stops on the lock before anything changes.
"""

from __future__ import annotations

import base64
import json
import os
import pwd
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from ._pulumi import PulumiCli, RecoveryError

_PSQL_TIMEOUT = 30.0
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_TABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


@dataclass(frozen=True)
class LockStatus:
    locked: bool | None  # None: not known before --yes
    holders: tuple[str, ...] = ()  # "user@host (pid N) at TIME"
    unknown_because: str = ""


def lock_status(cli: PulumiCli, project: str) -> LockStatus:
    """The stack's lock as the backend holds it now; never raises."""
    try:
        url = cli.backend_url()
    except RecoveryError as error:
        return LockStatus(None, unknown_because=str(error))
    stack = cli.stack.rsplit("/", 1)[-1]
    if not _NAME.match(stack) or not _NAME.match(project):
        return LockStatus(None, unknown_because=f"the stack name {stack!r} is not a Pulumi name")
    scheme = urlsplit(url).scheme
    if scheme == "file":
        return _from_directory(_file_root(url), project, stack)
    if scheme in ("postgres", "postgresql"):
        return _from_postgres(cli, url, project, stack)
    if scheme in ("http", "https"):
        return _from_cloud(cli)
    return LockStatus(None, unknown_because=f"a {scheme}:// backend's lock is not read here")


def lock_dirs(project: str, stack: str) -> list[str]:
    """Where the CLI keeps the stack's locks: project-scoped stacks, then the legacy layout."""
    return [f".pulumi/locks/organization/{project}/{stack}/", f".pulumi/locks/{stack}/"]


def holder(content: str) -> str:
    """A lock object's content as Pulumi names it in its refusal."""
    try:
        lock = json.loads(content)
        return f"{lock['username']}@{lock['hostname']} (pid {lock['pid']}) at {lock['timestamp']}"
    except (ValueError, KeyError, TypeError):
        return "an unreadable lock"


def _file_root(url: str) -> Path:
    path = unquote(url[len("file://") :].split("?", 1)[0])
    if path == "~" or path.startswith("~/"):  # as the CLI does: the account's home, not $HOME
        path = pwd.getpwuid(os.getuid()).pw_dir + path[1:]
    return Path(path)


def _from_directory(root: Path, project: str, stack: str) -> LockStatus:
    found = sorted(
        lock
        for folder in lock_dirs(project, stack)
        if (root / folder).is_dir()
        for lock in (root / folder).glob("*.json")
    )
    holders = tuple(holder(lock.read_text(errors="replace")) for lock in found)
    return LockStatus(bool(holders), holders)


def _from_postgres(cli: PulumiCli, url: str, project: str, stack: str) -> LockStatus:
    psql = shutil.which("psql", path=cli.environ.get("PATH"))
    if psql is None:
        return LockStatus(None, unknown_because="psql is not on PATH to read the lock table")
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    table = query.pop("table", "pulumi_state")  # Pulumi's own parameter; psql refuses it
    if not _TABLE.match(table):
        return LockStatus(None, unknown_because=f"the backend's table name {table!r} is unusual")
    netloc = parts.netloc.rsplit("@", 1)
    env = dict(cli.environ)
    if len(netloc) == 2 and ":" in netloc[0]:  # the password goes by the environment, never argv
        user, password = netloc[0].split(":", 1)
        env["PGPASSWORD"] = unquote(password)
        netloc = [user, netloc[1]]
    uri = urlunsplit((parts.scheme, "@".join(netloc), parts.path, urlencode(query), ""))
    patterns = " OR ".join(f"key LIKE '%{d}%'" for d in lock_dirs(project, stack))
    sql = f"SELECT data::text FROM {table} WHERE {patterns} ORDER BY key"  # noqa: S608
    try:
        done = subprocess.run(
            [psql, uri, "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
            env=env,
            capture_output=True,
            text=True,
            timeout=_PSQL_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return LockStatus(None, unknown_because=f"psql did not answer in {_PSQL_TIMEOUT:.0f} s")
    if done.returncode != 0:
        reason = cli.mask(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "")
        return LockStatus(None, unknown_because=f"psql could not read the lock table: {reason}")
    rows = [line for line in done.stdout.splitlines() if line.strip()]
    holders = tuple(holder(_blob(row)) for row in rows)
    return LockStatus(bool(holders), holders)


def _blob(row: str) -> str:
    """An object of the PostgreSQL backend's table: ``{"data": "<base64 of the object>"}``."""
    try:
        return base64.b64decode(json.loads(row)["data"]).decode(errors="replace")
    except (ValueError, KeyError, TypeError):
        return row


def _from_cloud(cli: PulumiCli) -> LockStatus:
    try:
        listed = json.loads(cli.run_unscoped("stack", "ls", "--json", what="pulumi stack ls"))
    except (RecoveryError, ValueError) as error:
        return LockStatus(None, unknown_because=str(error))
    name = cli.stack.rsplit("/", 1)[-1]
    for entry in listed if isinstance(listed, list) else []:
        if str(entry.get("name", "")).rsplit("/", 1)[-1] == name:
            in_progress = bool(entry.get("updateInProgress"))
            return LockStatus(in_progress, ("an update in progress",) if in_progress else ())
    return LockStatus(None, unknown_because="pulumi stack ls does not list the stack")
