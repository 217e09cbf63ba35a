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
from pulumi import automation as auto

from devtools.engine import Engine
from tests.docs.blocks import Block
from tests.docs.runner import (
    PROGRAM_CONFIG,
    PROGRAM_SECRETS,
    DocRun,
    clone,
    compare_console,
    console_script,
    run_script,
    stop_group,
    substitute,
)
from tests.support.policy import pack_virtualenv

# What a block marked `doc-test: given=NAME` finds prepared, as shell in its working
# directory and environment ($DOC_REPO: this checkout; $DOC_CLUSTER: the shared emulator).
GIVENS = {
    # A Python project (examples/quickstart) with its stack `dev` selected, its own
    # secret (the OpenAI key) set.
    "project": (
        'cp -r "$DOC_REPO/examples/quickstart/." . && pulumi stack init dev\n'
        "pulumi config set --secret openaiApiKey sk-doc-test-not-a-key"
    ),
    # The dev stack of the project above on the cluster, with its URL in stack config.
    "configured-project": (
        'cp -r "$DOC_REPO/examples/quickstart/." . && pulumi stack init dev\n'
        'pulumi config set elasticsearch:url "$DOC_CLUSTER"\n'
        "pulumi config set --secret elasticsearch:apiKey doc-test-cluster-key"
    ),
    # The configured project above, and the policy configuration its preview names.
    "project-and-policy-config": (
        'cp -r "$DOC_REPO/examples/quickstart/." . && pulumi stack init dev\n'
        'pulumi config set elasticsearch:url "$DOC_CLUSTER"\n'
        "pulumi config set --secret openaiApiKey sk-doc-test-not-a-key\n"
        """echo '{"inference-allowed-services": {"allowed": ["openai"]}}' > policy-config.json"""
    ),
    # An endpoint on the cluster that no stack manages (made by hand, say).
    "endpoint-on-cluster": (
        'curl -sf -X PUT "$DOC_CLUSTER/_inference/text_embedding/openai-embeddings" '
        "-H 'Content-Type: application/json' -d "
        '\'{"service":"openai","service_settings":{"model_id":"text-embedding-3-small",'
        '"api_key":"sk-made-by-hand"}}\' >/dev/null'
    ),
    # A project in ./infra whose stack `prod` is deployed on the cluster.
    "deployed-infra": (
        'cp -r "$DOC_REPO/examples/quickstart" infra && cd infra\n'
        "pulumi stack init prod\n"
        'pulumi config set elasticsearch:url "$DOC_CLUSTER"\n'
        "pulumi config set --secret openaiApiKey sk-doc-test-not-a-key\n"
        "pulumi up --yes --non-interactive >/dev/null"
    ),
    # examples/ci/infra (protected endpoints) with its stack `prod`, and beside it the pack
    # that `pulumi-inference policy new policy` writes, in the engine tests' cached virtualenv.
    "reviewed-infra": (
        'cp -r "$DOC_REPO/examples/ci/infra/." . && pulumi stack init prod\n'
        'pulumi config set elasticsearch:url "$DOC_CLUSTER"\n'
        "pulumi config set --secret openaiApiKey sk-doc-test-not-a-key\n"
        'pulumi-inference policy new policy >/dev/null && ln -s "$DOC_PACK_VENV" policy/venv'
    ),
    # The shared emulator answering as an Elasticsearch 9.5 cluster (the region policy's API).
    "cluster-9.5": (
        'curl -sf -X PUT "$DOC_CLUSTER/_emulator/settings" '
        "-H 'Content-Type: application/json' -d '{\"version\": \"9.5.0\"}' >/dev/null"
    ),
    # A copy of examples/multi-env whose dev stack file points at the shared emulator.
    "multi-env": (
        'cp -r "$DOC_REPO/examples/multi-env/." .\n'
        'sed -i "s#http://127.0.0.1:9200#$DOC_CLUSTER#" Pulumi.dev.yaml'
    ),
}


def evaluate(example: Any) -> str | None:
    block: Block = example.parsed
    if block.not_run is not None:
        pytest.skip(f"marked not-run in {block.path}:{block.line}: {block.not_run}")
    run: DocRun = example.namespace["run"]
    if block.kind == "python" and block.pytest_file is not None:
        return _pytest_file(block, block.pytest_file, run)
    if block.kind == "python":
        return _program(block, run)
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


def _shell(block: Block, run: DocRun) -> str | None:
    if "fresh-clone" in block.options:
        cwd, env = clone(run.workdir / "clone"), run.fresh_shell_env()
    else:
        cwd, env = run.workdir / "cwd", run.prepared_env()
        cwd.mkdir()
    if block.given is not None:
        if "$DOC_PACK_VENV" in GIVENS[block.given]:
            env["DOC_PACK_VENV"] = str(pack_virtualenv())
        given = run_script(GIVENS[block.given], cwd, env, run.workdir / "given.log")
        if given.returncode != 0:
            return f"the given {block.given!r} failed:\n{given.output}"
    source = substitute(block.source, run.values)
    if "server" in block.options:
        return _servers(source, cwd, env, run)
    commands: list[str] = []
    wanted: list[str] = []
    if block.kind == "console":
        source, wanted = console_script(block)
        source = substitute(source, run.values)
        commands = [line[2:] for line in block.source.splitlines() if line.startswith("$ ")]
    outcome = run_script(source, cwd, env, run.workdir / "block.log")
    if outcome.returncode != 0:
        return f"exit status {outcome.returncode}:\n{outcome.output[-6000:]}"
    return compare_console(commands, wanted, outcome.output) if commands else None


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


def _program(block: Block, run: DocRun) -> str | None:
    """A Python block as the program of a Python project, `pulumi up` then `destroy` on the
    shared emulator with the stack config of ``PROGRAM_CONFIG`` / ``PROGRAM_SECRETS`` (after
    its ``given``, when the block names one)."""
    project = run.workdir / "program"
    project.mkdir()
    if block.given is not None:
        given = run_script(
            GIVENS[block.given], project, run.prepared_env(), run.workdir / "given.log"
        )
        if given.returncode != 0:
            return f"the given {block.given!r} failed:\n{given.output}"
    (project / "Pulumi.yaml").write_text("name: doc-program\nruntime: python\n")
    (project / "__main__.py").write_text(block.source)
    stack = Engine(run.workdir / "engine", run.cli_dir).project_stack(project, "dev")
    for key, value in PROGRAM_CONFIG.items():
        stack.set_config(key, auto.ConfigValue(value=value.format(**run.values)))
    for key, value in PROGRAM_SECRETS.items():
        stack.set_config(key, auto.ConfigValue(value=value, secret=True))
    try:
        stack.up(on_output=lambda _line: None)
    finally:
        stack.destroy(on_output=lambda _line: None)
    return None
