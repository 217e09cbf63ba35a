"""The Sybil evaluator of the doc tests: runs one block (tests/docs/blocks.py says which blocks,
tests/docs/runner.py with what) and returns what went wrong, or None.

The test puts the block's ``DocRun`` into the document's namespace as ``run`` before it
evaluates the example.
"""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.docs.blocks import Block, chain, saved_by
from tests.docs.runner import (
    DocRun,
    clone,
    compare_console,
    console_script,
    run_script,
    stop_group,
    substitute,
)


def evaluate(example: Any) -> str | None:
    block: Block = example.parsed
    if block.not_run is not None:
        pytest.skip(f"marked not-run in {block.path}:{block.line}: {block.not_run}")
    run: DocRun = example.namespace["run"]
    if block.kind == "file":
        return _saved(block)
    if block.kind == "python" and block.pytest_file is not None:
        return _pytest_file(block, block.pytest_file, run)
    if block.kind == "python":
        return "a program no block runs: save it (save-as) and run it as the page shows"
    return _shell(block, run)


def _pytest_file(block: Block, name: str, run: DocRun) -> str | None:
    """A Python block that is a test file (`doc-test: pytest-file=NAME`): saved as NAME in a new
    directory and run with `pytest NAME`, as the doc tells the reader; every test must pass
    (a skip means the example did not show what it shows)."""
    cwd = run.workdir / "cwd"
    cwd.mkdir()
    (cwd / name).write_text(block.source)
    outcome = run_script(f"pytest -rs {name}", cwd, run.prepared_env(), run.workdir / "block.log")
    if outcome.returncode != 0:
        return f"exit status {outcome.returncode}:\n{outcome.output[-6000:]}"
    if "skipped" in outcome.output.splitlines()[-1]:
        return f"tests were skipped:\n{outcome.output[-3000:]}"
    return None


def _saved(block: Block) -> str | None:
    """A file the page tells the reader to save: written by the chain of a block below it."""
    if saved_by(block):
        return None
    return f"no block below continues the page through it: nothing saves {block.saves}"


def _shell(block: Block, run: DocRun) -> str | None:
    """The block's chain (tests/docs/blocks.py) as one script, at the root of a new clone:
    the blocks it continues, the files saved on the way, then the block."""
    blocks = chain(block)
    head = next(b for b in blocks if b.kind != "file")
    if any(b.not_run is not None for b in blocks):
        return "it continues a block marked not-run"
    cwd = clone(run.workdir / "clone")
    env = run.fresh_shell_env() if "fresh-clone" in head.options else run.prepared_env()
    if "server" in block.options:
        return _servers(substitute(block.source, run.values), cwd, env, run)
    parts = [_script_part(b, run) for b in blocks[:-1]]
    source, commands, wanted = substitute(block.source, run.values), [], []
    if block.kind == "console":
        script, wanted = console_script(block)
        source = substitute(script, run.values)
        commands = [line[2:] for line in block.source.splitlines() if line.startswith("$ ")]
    outcome = run_script("\n".join([*parts, source]), cwd, env, run.workdir / "block.log")
    if outcome.returncode != 0:
        return f"exit status {outcome.returncode}:\n{outcome.output[-6000:]}"
    return compare_console(commands, wanted, outcome.output) if commands else None


def _script_part(block: Block, run: DocRun) -> str:
    """A block of the chain as the lines of the session: a saved file written where the page
    says, a shell block as it is."""
    if block.kind != "file":
        assert block.kind == "shell", f"{block.path}:{block.line}: only shell blocks continue"
        return substitute(block.source, run.values)
    path = block.saves
    assert path is not None
    return (
        f"mkdir -p \"$(dirname '{path}')\"\ncat > '{path}' <<'DOC_TEST_FILE'\n"
        f"{substitute(block.source, run.values).rstrip(chr(10))}\nDOC_TEST_FILE"
    )


def _servers(source: str, cwd: Path, env: dict[str, str], run: DocRun) -> str | None:
    """Each command of a `server` block: started, answering on its port, then stopped."""
    for number, command in enumerate(_commands(source)):
        script = f"{command} &\nwait"
        log = run.workdir / f"server-{number}.log"
        done = _serve_until_up(script, cwd, env, log, run.values["port"])
        if done is not None:
            return f"`{command}`: {done}"
    return None


def _commands(source: str) -> list[str]:
    return [line.split("#", 1)[0].strip() for line in source.splitlines() if line.strip()]


def _serve_until_up(
    script: str, cwd: Path, env: dict[str, str], log: Path, port: str
) -> str | None:
    with log.open("w") as out:
        process = subprocess.Popen(
            ["bash", "-c", script],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    return f"stopped ({process.returncode}): {log.read_text()}"
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                    return None
                except urllib.error.HTTPError:
                    return None  # it answers (401 when it wants credentials)
                except OSError:
                    time.sleep(0.2)
            return f"no answer on port {port} after 30 s: {log.read_text()}"
        finally:
            stop_group(process.pid)
