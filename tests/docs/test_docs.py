"""The documentation as tests: every block of README.md, docs/*.md and examples/*/README.md
that tells a user to run something runs here, word for word, with only the placeholders of
runner.SUBSTITUTIONS replaced (tests/docs/blocks.py: which blocks and their marks;
runner.py: the environment; evaluate.py: how each kind runs). A block marked not-run is a
skip that names its reason. docs/development.md explains the marks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pulumi_inference.emulator import Emulator
from tests.docs import blocks
from tests.docs.blocks import ROOT
from tests.docs.evaluate import evaluate
from tests.docs.runner import DocRun

pytestmark = [pytest.mark.engine, pytest.mark.timeout(1200)]

EXAMPLES = list(blocks.parse(evaluate))


@pytest.mark.parametrize(
    "example", [e for _, e in EXAMPLES], ids=[f"{b.path}:{b.line}" for b, _ in EXAMPLES]
)
def test_block(example: Any, tmp_path: Path, doc_cli_dir: Path, doc_cluster: Emulator) -> None:
    """The block runs as the doc says, and does what it says (exit status 0, and the output
    a console block shows)."""
    doc_cluster.reset()
    example.namespace["run"] = DocRun(tmp_path, doc_cli_dir, doc_cluster.url)
    example.evaluate()


def test_every_mark_stands_above_a_block() -> None:
    """A not-run or doc-test mark that no runnable block follows (a typo, a moved block)
    would silently stop meaning anything."""
    assert blocks.stray_marks() == []


def test_every_mark_is_known() -> None:
    """A mark word the runner does not know would silently change nothing; `given=` (set-up a
    fixture prepared and the page did not show) is retired."""
    assert blocks.unknown_options() == []


def test_no_page_runs_a_program_unseen() -> None:
    """A program on any page (the README's "A real program" included) is a file the page
    saves (`save-as`, then a block that continues the page runs it as the page says) or a
    test file (`pytest-file`): never run with a project and stack config the page does not
    show (the README's ran with stack config it never said how to set)."""
    unseen = [
        f"{b.path}:{b.line}"
        for b, _ in EXAMPLES
        if b.kind == "python" and b.not_run is None and b.pytest_file is None
    ]
    assert unseen == []


def test_a_page_says_where_its_commands_start() -> None:
    """A page whose first runnable block is not a fresh shell says, before it, that it starts
    from the shell the README's "Use it yourself" sets up (what the runner gives it)."""
    silent = []
    for path in {b.path for b, _ in EXAMPLES if b.path.startswith("docs/")}:
        first = next((b for b, _ in EXAMPLES if b.path == path and b.not_run is None), None)
        if first is None or "fresh-clone" in first.options:
            continue
        before = "\n".join((ROOT / path).read_text().splitlines()[: first.line])
        if "README.md#use-it-yourself" not in before:
            silent.append(f"{path}:{first.line}")
    assert sorted(silent) == []


def test_the_set_up_shell_is_the_readmes(tmp_path: Path) -> None:
    """What the runner gives a block that starts from the README's set-up is what the README's
    "Use it yourself" lines make (before its emulator): these variables, this login."""
    (setup,) = [b for b, _ in EXAMPLES if b.path == "README.md" and "PULUMI_HOME" in b.source]
    lines = setup.source.split("pulumi-inference emulator")[0].splitlines()
    exported = {line.split()[1].split("=")[0] for line in lines if line.startswith("export ")}
    assert exported == {"PATH", "PULUMI_PYTHON_CMD", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_HOME"}
    assert 'export PULUMI_HOME="$HOME/.pulumi"' in setup.source
    assert 'pulumi login "file://$HOME"' in setup.source
    run = DocRun(tmp_path, tmp_path / "cli", "http://127.0.0.1:1")
    env = run.prepared_env()
    assert env["PULUMI_HOME"] == f"{env['HOME']}/.pulumi"
    assert env["PULUMI_BACKEND_URL"] == Path(env["HOME"]).as_uri()
    assert set(env) >= exported


def test_the_documents_have_blocks() -> None:
    """The parser finds the README's blocks (a parser that finds nothing passes everything)."""
    assert sum(1 for b, _ in EXAMPLES if b.path == "README.md") >= 3
