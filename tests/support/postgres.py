"""A private PostgreSQL server for Pulumi's self-managed PostgreSQL backend (no mock).

``initdb`` into a fresh directory, ``pg_ctl start`` on a free loopback port, password
authentication over TCP; stopped and removed afterwards. The server refuses to run as root,
so as root every server program runs as an unprivileged user (``nobody``, or the one named
by ``PULUMI_INFERENCE_PG_USER``) that owns the directory. The programs come from
``scripts/install-postgresql`` (``initdb`` on PATH, else Debian's
/usr/lib/postgresql/<version>/bin).
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

ROLE = "pulumi"
DATABASE = "pulumi"
_START_ATTEMPTS = 3


def find_postgres_bin() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl``, or None when PostgreSQL is missing."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key)
    return next((d for d in reversed(versions) if (d / "initdb").exists()), None)


def _version_key(path: Path) -> tuple[int, ...]:
    digits = path.parent.name.split(".")
    return tuple(int(d) for d in digits if d.isdigit())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PostgresServer:
    """One server in a temporary directory; ``url(table)`` is a ``pulumi login`` URL."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.password = secrets.token_hex(16)
        self.port = 0
        self._user = os.environ.get("PULUMI_INFERENCE_PG_USER", "nobody")
        self._root = Path(tempfile.mkdtemp(prefix="pulumi-inference-pg-"))
        self.data = self._root / "data"
        self.log = self._root / "server.log"

    def url(self, table: str | None = None) -> str:
        """The backend URL; ``table`` keeps one test's stacks apart from the others'."""
        query = "sslmode=disable&connect_timeout=10"
        if table:
            query += f"&table={table}"
        return f"postgres://{ROLE}:{quote(self.password)}@127.0.0.1:{self.port}/{DATABASE}?{query}"

    def unique_table(self) -> str:
        return f"state_{uuid.uuid4().hex[:12]}"

    # -- life cycle ---------------------------------------------------------------------

    def start(self) -> None:
        if os.geteuid() == 0:
            entry = pwd.getpwnam(self._user)
            os.chown(self._root, entry.pw_uid, entry.pw_gid)
        pwfile = self._root / "pwfile"
        pwfile.write_text(self.password + "\n")
        self._own(pwfile)
        self._run(
            "initdb", "-D", str(self.data), "-U", ROLE, f"--pwfile={pwfile}",
            "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        pwfile.unlink()
        for attempt in range(_START_ATTEMPTS):
            self.port = _free_port()
            options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self._root} -c fsync=off"
            result = self._run(
                "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w",
                "-t", "60", "start", check=False,
            )  # fmt: skip
            if result.returncode == 0:
                break
            if attempt == _START_ATTEMPTS - 1:
                raise RuntimeError(f"pg_ctl start failed:\n{result.stderr}\n{self.server_log()}")
        self._run("createdb", "-h", str(self._root), "-p", str(self.port), "-U", ROLE, DATABASE)

    def stop(self) -> None:
        if self.port:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self._root, ignore_errors=True)

    def psql(self, sql: str) -> str:
        """One statement's rows, unaligned (``key|value``), through the local socket."""
        result = self._run(
            "psql", "-h", str(self._root), "-p", str(self.port), "-U", ROLE, "-d", DATABASE,
            "-At", "-c", sql,
        )  # fmt: skip
        return result.stdout

    def server_log(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def __enter__(self) -> PostgresServer:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    # -- running the server's programs ------------------------------------------------

    def _own(self, path: Path) -> None:
        if os.geteuid() == 0:
            entry = pwd.getpwnam(self._user)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def _run(
        self, program: str, *args: str, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        executable = self.bin_dir / program
        command = [str(executable if executable.exists() else program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", self._user, "--", *command]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=120, cwd=self._root, check=False
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"{program} failed ({result.returncode}):\n{result.stderr}")
        return result
