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
from tests.docs.evaluate import GIVENS, evaluate
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


def test_every_given_is_known() -> None:
    unknown = [
        f"{b.path}:{b.line}: {b.given}" for b, _ in EXAMPLES if b.given and b.given not in GIVENS
    ]
    assert unknown == []


def test_the_documents_have_blocks() -> None:
    """The parser finds the README's blocks (a parser that finds nothing passes everything)."""
    assert sum(1 for b, _ in EXAMPLES if b.path == "README.md") >= 3
