"""The blocks of the documentation that tell a user to run something, found with Sybil.

A block is a fenced code block in ``bash``/``sh``/``shell`` (a script), ``console`` (a session:
``$ `` commands, each followed by the output it prints) or ``python`` (a Pulumi program).
What the doc tests do with it is said by HTML comments on the lines just before its fence:

- ``<!-- not-run: REASON -->``: the block cannot run here; the test shows it as a skip with
  ``REASON``.
- ``<!-- doc-test: WORD ... -->``: how it runs: ``fresh-clone`` (in a new ``git clone`` of the
  repository, with nothing of the test's environment but the caches), ``server`` (each line
  starts a server: it must come up, then it is stopped), ``pytest-file=NAME`` (a Python block
  that is a test file: saved as NAME and run with ``pytest NAME``), ``save-as=PATH`` (any
  block the page tells the reader to save as a file: written at PATH when a block below it
  continues the page), ``continues`` (the block carries on from the page's block above it:
  they run as one session, in one shell, from the first block of the chain on).

Nothing is prepared that the page does not show: a page's first block starts from the root of
a checkout, in a new shell (``fresh-clone``) or in one set up as the README's "Use it
yourself" sets it up (the Pulumi CLI and ``.venv`` on ``PATH``, a passphrase, ``PULUMI_HOME``
and a local login), which the page says in its first lines.

Every other fence (YAML, JSON, text, output samples) is not an instruction and is not run.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sybil import Document, Region, Sybil
from sybil.parsers.markdown.lexers import FencedCodeBlockLexer

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = ("README.md", "docs/*.md", "examples/*/README.md")
RUN_LANGUAGES = {"bash": "shell", "sh": "shell", "shell": "shell", "console": "console"}
RUN_LANGUAGES["python"] = "python"
MARK = re.compile(r"^[ \t]*<!--\s*(not-run|doc-test):\s*(.*?)\s*-->[ \t]*$")


@dataclass(frozen=True)
class Block:
    """One runnable block, as the doc writes it."""

    path: str  # relative to the repository
    line: int
    kind: str  # shell, console or python
    source: str
    not_run: str | None = None
    options: tuple[str, ...] = field(default=())

    @property
    def saves(self) -> str | None:
        """``save-as=PATH``: a block the page tells the reader to save as PATH."""
        return self._option("save-as")

    @property
    def continues(self) -> bool:
        return "continues" in self.options

    def _option(self, name: str) -> str | None:
        values = [o.split("=", 1)[1] for o in self.options if o.startswith(f"{name}=")]
        return values[0] if values else None

    @property
    def pytest_file(self) -> str | None:
        """``pytest-file=NAME``: a Python block that is a test file, run with ``pytest NAME``."""
        return self._option("pytest-file")


def _marks_before(text: str, start: int) -> list[tuple[str, str]]:
    """The mark comments on the lines directly above the fence that starts at ``start``."""
    marks = []
    for line in reversed(text[:start].splitlines()[-4:]):
        found = MARK.match(line)
        if found is None:
            break
        marks.append((found.group(1), found.group(2)))
    return marks


OPTIONS = ("fresh-clone", "server", "continues", "pytest-file=", "save-as=")
"""The words a ``doc-test:`` mark may say (a word ending in ``=`` takes a value)."""


def _block(document: Document, region: Region) -> Block | None:
    not_run, options = None, []
    for name, argument in _marks_before(document.text, region.start):
        if name == "not-run":
            not_run = argument
        else:
            options += argument.split()
    kind = RUN_LANGUAGES.get(region.lexemes["language"].strip())
    if any(option.startswith("save-as=") for option in options):
        kind = "file"  # whatever its language: a file the reader saves, not a command
    if kind is None:
        return None
    return Block(
        path=Path(document.path).relative_to(ROOT).as_posix(),
        line=document.text.count("\n", 0, region.start) + 1,
        kind=kind,
        source=str(region.lexemes["source"]),
        not_run=not_run,
        options=tuple(options),
    )


class BlockParser:
    """A Sybil parser: one region per runnable block, evaluated by ``evaluator``."""

    def __init__(self, evaluator: object) -> None:
        self.lexer = FencedCodeBlockLexer(language=r"[\w+-]*")
        self.evaluator = evaluator

    def __call__(self, document: Document) -> Iterable[Region]:
        for region in self.lexer(document):
            block = _block(document, region)
            if block is not None:
                yield Region(region.start, region.end, block, self.evaluator)  # type: ignore[arg-type]


def documents() -> list[Path]:
    return sorted({p for pattern in DOCUMENTS for p in ROOT.glob(pattern)})


def parse(evaluator: object) -> Iterator[tuple[Block, object]]:
    """Every runnable block of the documentation with its Sybil example, in document order."""
    sybil = Sybil(parsers=[BlockParser(evaluator)], path=str(ROOT))
    for path in documents():
        for example in sybil.parse(path):
            yield example.parsed, example


def unknown_options() -> list[str]:
    """Words of ``doc-test:`` marks this module does not know (a typo, or a retired one such
    as ``given=``, whose set-up the page did not show)."""
    return [
        f"{block.path}:{block.line}: {option}"
        for block, _ in parse(None)
        for option in block.options
        if not any(_says(option, word) for word in OPTIONS)
    ]


def _says(option: str, word: str) -> bool:
    return option.startswith(word) if word.endswith("=") else option == word


@functools.cache
def _page_blocks(path: str) -> tuple[Block, ...]:
    return tuple(block for block, _ in parse(None) if block.path == path)


def chain(block: Block) -> list[Block]:
    """The blocks ``block`` runs with, in page order: back from itself through each block it
    continues (``continues``) and each file saved on the way (``save-as``), to the first
    block that continues nothing. A block that continues nothing is its own chain."""
    page = [b for b in _page_blocks(block.path) if b.line <= block.line]
    found = [page.pop()]
    while page and (found[0].continues or found[0].kind == "file"):
        found.insert(0, page.pop())
    return found


def saved_by(block: Block) -> list[Block]:
    """The blocks below a ``save-as`` block whose chain writes it."""
    return [b for b in _page_blocks(block.path) if b.line > block.line and block in chain(b)]


def stray_marks() -> list[str]:
    """Marks that do not stand directly above a runnable block (a typo, or a block moved)."""
    attached = {(b.path, b.line) for b, _ in parse(None)}
    stray = []
    for path in documents():
        lines = path.read_text().splitlines()
        relative = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(lines, 1):
            if MARK.match(line) and not _marks_fence(relative, lines, number, attached):
                stray.append(f"{relative}:{number}: {line.strip()}")
    return stray


def _marks_fence(path: str, lines: list[str], number: int, attached: set[tuple[str, int]]) -> bool:
    following = number
    while following < len(lines) and MARK.match(lines[following]):
        following += 1
    return (path, following + 1) in attached
