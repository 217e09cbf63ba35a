"""How the doc tests run a block: the environment and the placeholders.

A shell block runs as one ``bash`` script (``set -euo pipefail``: the first failing command
fails the block) at the root of a new ``git clone`` of the repository (the page's commands
start there, as the README's do), with a new ``HOME``. A ``fresh-clone`` block gets only the
system ``PATH``, its ``HOME`` and the caches below, as when pasted into a new shell; any other
block the environment the README's "Use it yourself" makes with its first lines (the Pulumi
CLI and this checkout's ``.venv/bin`` on ``PATH``, ``PULUMI_PYTHON_CMD``, a passphrase,
``PULUMI_HOME="$HOME/.pulumi"`` and ``pulumi login "file://$HOME"``), which the page says it
starts from (``test_docs.test_the_set_up_shell_is_the_readmes`` holds the two together).
Nothing else is prepared: what a page needs (a cluster, a project, a stack, a file) it shows.
What every block shares:

- ``PULUMI_INFERENCE_CACHE``, ``PIP_CACHE_DIR``, ``NPM_CONFIG_CACHE``, ``GOMODCACHE``,
  ``GOCACHE``: the real caches, so that a new ``HOME`` does not mean building the Pulumi CLI
  again (they hold builds and downloads, nothing a command reads as configuration);
- ``PULUMI_SKIP_UPDATE_CHECK``: no internet here; ``PULUMI_SKIP_CONFIRMATIONS``: the test
  answers the ``yes`` a person types at ``pulumi up``'s prompt.

The CLI resolves ``file://~`` (what ``pulumi login --local`` stores) with the account's home
from the password database, not ``$HOME``: a doc logs in with ``file://$HOME`` instead, which
is the same place for a person and the new ``HOME`` here.

Processes a block leaves running (an emulator started with ``&``) are stopped with its
process group when the block ends.
"""

from __future__ import annotations

import doctest
import os
import shutil
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.docs.blocks import ROOT, Block

# The placeholders a person replaces, and what the tests put there. {url} is the shared
# emulator, {port} a free port for a block that starts its own emulator ({port2}: a second).
SUBSTITUTIONS: tuple[tuple[str, str], ...] = (
    ("https://my-cluster:9200", "{url}"),
    ("https://my-cluster.example.com:9200", "{url}"),
    ("https://es.example.com:9200", "{url}"),
    ("https://my-prod-cluster:9243", "{url}"),
    ("--port 9200", "--port {port}"),
    ("http://127.0.0.1:9200", "http://127.0.0.1:{port}"),
    ("--port 9201", "--port {port2}"),
    ("http://127.0.0.1:9201", "http://127.0.0.1:{port2}"),
    ("ELASTICSEARCH_API_KEY=...", "ELASTICSEARCH_API_KEY=doc-test-cluster-key"),
    ("<api key with manage_inference>", "doc-test-cluster-key"),
    ("<key with manage_inference>", "doc-test-cluster-key"),
    ("<dev cluster key with manage_inference>", "doc-test-cluster-key"),
    ("<prod key>", "doc-test-cluster-key"),
    ("<value>", "doc-test-secret"),
    ("<key>", "doc-test-cluster-key"),
    ("sk-...", "sk-doc-test-not-a-key"),
)

PASSPHRASE = "doc-tests-passphrase"
BLOCK_TIMEOUT = 900  # seconds; a fresh clone installs .venv first


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def substitute(text: str, values: dict[str, str]) -> str:
    for placeholder, replacement in SUBSTITUTIONS:
        text = text.replace(placeholder, replacement.format(**values))
    return text


def _shared_caches() -> dict[str, str]:
    home = Path.home()
    caches = {
        "PULUMI_INFERENCE_CACHE": os.environ.get(
            "PULUMI_INFERENCE_CACHE", str(home / ".cache/pulumi-inference")
        ),
        "PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR", str(home / ".cache/pip")),
        "NPM_CONFIG_CACHE": os.environ.get("NPM_CONFIG_CACHE", str(home / ".npm")),
    }
    go = shutil.which("go")
    if go:
        for name in ("GOMODCACHE", "GOCACHE"):
            found = subprocess.run([go, "env", name], capture_output=True, text=True, check=False)
            if found.stdout.strip():
                caches[name] = found.stdout.strip()
    return caches


def system_path() -> str:
    """PATH without this checkout's virtualenv or the Pulumi CLI: a new shell's PATH."""
    drop = {str(ROOT / ".venv" / "bin"), str(Path(sys.executable).parent)}
    kept = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p not in drop]
    return os.pathsep.join(p for p in kept if not (Path(p) / "pulumi").exists())


@dataclass
class DocRun:
    """What one block runs with: its directory, its environment, the shared emulator."""

    workdir: Path
    cli_dir: Path
    cluster_url: str
    values: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.home = self.workdir / "home"
        self.home.mkdir(parents=True)
        self.values = {
            "url": self.cluster_url,
            "port": str(free_port()),
            "port2": str(free_port()),
        }

    def base_env(self) -> dict[str, str]:
        return {
            "HOME": str(self.home),
            "PULUMI_HOME": str(self.home / ".pulumi"),
            "PATH": system_path(),
            "LANG": os.environ.get("LANG", "C.UTF-8"),
            "TMPDIR": str(self.workdir),
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_SKIP_CONFIRMATIONS": "true",
            **_shared_caches(),
        }

    def fresh_shell_env(self) -> dict[str, str]:
        """A new shell's: no ``PULUMI_HOME`` either, so a block that forgets to set it writes
        into the account's own ``~/.pulumi`` (the home of the password database, whatever
        ``HOME`` says), which ``conftest._account_pulumi_untouched`` catches."""
        env = self.base_env()
        del env["PULUMI_HOME"]
        return env

    def prepared_env(self) -> dict[str, str]:
        """The shell the README's "Use it yourself" sets up with its first lines."""
        venv_bin = ROOT / ".venv" / "bin"
        return {
            **self.base_env(),
            "PATH": f"{self.cli_dir}{os.pathsep}{venv_bin}{os.pathsep}{system_path()}",
            "PULUMI_PYTHON_CMD": sys.executable,
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_BACKEND_URL": self.home.as_uri(),  # pulumi login "file://$HOME"
        }


def clone(into: Path) -> Path:
    """A clean clone of this repository's committed HEAD."""
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(into)],
        check=True,
        capture_output=True,
    )
    return into


@dataclass(frozen=True)
class Outcome:
    returncode: int
    output: str


def run_script(script: str, cwd: Path, env: dict[str, str], log: Path) -> Outcome:
    """``script`` in bash, its output (stdout and stderr, interleaved) kept in ``log``;
    whatever it started in the background is stopped when it ends."""
    with log.open("w") as out:
        process = subprocess.Popen(
            ["bash", "-c", f"set -euo pipefail\n{script}"],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            returncode = process.wait(timeout=BLOCK_TIMEOUT)
        except subprocess.TimeoutExpired:
            returncode = -1
        finally:
            stop_group(process.pid)
    return Outcome(returncode, log.read_text(errors="replace"))


def stop_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        return


def console_script(block: Block) -> tuple[str, list[str]]:
    """A ``console`` block as a script printing a separator before each command, and the
    output the doc shows after each one."""
    commands: list[str] = []
    wanted: list[list[str]] = []
    for line in block.source.splitlines():
        if line.startswith("$ "):
            commands.append(line[2:])
            wanted.append([])
        elif wanted:
            wanted[-1].append(line)
    script = "\n".join(f"echo {SEPARATOR}\n{command}" for command in commands)
    return script, ["\n".join(lines) + "\n" if lines else "" for lines in wanted]


SEPARATOR = "@@doc-test-command@@"


def compare_console(commands: list[str], wanted: list[str], output: str) -> str | None:
    """None when each command printed what the doc shows (``...`` matches anything)."""
    got = output.split(SEPARATOR + "\n")[1:]
    checker = doctest.OutputChecker()
    for command, want, printed in zip(commands, wanted, got, strict=False):
        if want and not checker.check_output(want, printed, doctest.ELLIPSIS):
            return f"`{command}` printed:\n{printed}\nthe doc shows:\n{want}"
    return None
