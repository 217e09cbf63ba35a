"""Every repository path the Markdown files cite exists, so no reader follows a dead reference.

What counts as a cited path:

- a relative link target, ``[text](../docs/import.md#anchor)``: resolved from the Markdown
  file's folder, as a renderer does;
- a code span whose first word starts with a top-level entry of the repository (``docs/``,
  ``scripts/``, ``tests/``, ...) or with ``./`` / ``../``: resolved from the repository root,
  or from the file's folder for ``./`` and ``../``. A ``:line`` or ``::test`` suffix is left
  out, and so is everything from the first placeholder segment (``<version>``, ``{id}``,
  ``*``) on.

Bare file names (``plan.py``) name a module in prose and are not checked; neither are paths
under a folder that ``.gitignore`` lists (``benchmarks/results/`` is written by a run).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_SKIPPED_FOLDERS = {".git", ".venv", ".pulumi-demo", "node_modules"}
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)")
_EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|#)", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"[<>{}*$]")


def _markdown_files() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.md")
        if not _SKIPPED_FOLDERS & set(path.relative_to(ROOT).parts)
    )


def _ignored_folders() -> list[str]:
    """Folders ``.gitignore`` names literally (``benchmarks/results/``), relative to the root."""
    lines = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    return [
        line.strip().lstrip("/")
        for line in lines
        if line.strip().endswith("/") and not _PLACEHOLDER.search(line)
    ]


def _before_placeholder(path: str) -> str:
    kept: list[str] = []
    for part in path.split("/"):
        if _PLACEHOLDER.search(part):
            break
        kept.append(part)
    return "/".join(kept)


def cited_paths(text: str, top_level: set[str]) -> Iterator[tuple[str, bool]]:
    """(path, relative to the Markdown file?) of each path ``text`` cites."""
    for match in _CODE_SPAN.finditer(text):
        words = match.group(2).split()
        if not words:
            continue
        path = re.split(r":(?!/)", words[0], maxsplit=1)[0]
        first = path.split("/")[0]
        if "/" in path and first in {".", ".."}:
            yield _before_placeholder(path), True
        elif "/" in path and first in top_level:
            yield _before_placeholder(path), False
    prose = _CODE_SPAN.sub("", text)
    for match in _LINK.finditer(prose):
        target = match.group(1).split("#")[0]
        if target and not _EXTERNAL.match(match.group(1)):
            yield _before_placeholder(target), True


def _top_level() -> set[str]:
    return {path.name for path in ROOT.iterdir() if path.name not in _SKIPPED_FOLDERS}


def _missing(markdown: Path) -> list[str]:
    ignored = _ignored_folders()
    missing = []
    for path, from_file in cited_paths(markdown.read_text(encoding="utf-8"), _top_level()):
        base = markdown.parent if from_file else ROOT
        resolved = (base / path).resolve()
        inside = resolved.relative_to(ROOT).as_posix() if resolved.is_relative_to(ROOT) else None
        if inside is not None and any(f"{inside}/".startswith(f) for f in ignored):
            continue
        if not resolved.exists():
            missing.append(path)
    return missing


MARKDOWN = _markdown_files()


def test_the_walk_finds_the_documentation() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in MARKDOWN}
    assert {"README.md", "docs/architecture.md", "pulumi_inference/emulator/README.md"} <= names
    cited = [c for path in MARKDOWN for c in cited_paths(path.read_text(), _top_level())]
    assert len(cited) > 20, cited


@pytest.mark.parametrize(
    "markdown", MARKDOWN, ids=[p.relative_to(ROOT).as_posix() for p in MARKDOWN]
)
def test_every_cited_path_exists(markdown: Path) -> None:
    missing = _missing(markdown)
    assert not missing, (
        f"{markdown.relative_to(ROOT)} cites paths that do not exist in the repository: "
        f"{', '.join(missing)}; fix the reference or point to a public URL"
    )


def test_what_counts_as_a_cited_path() -> None:
    text = (
        "See `docs/a.md`, `scripts/test -m engine`, `pulumi_inference/x.py:17`,\n"
        "`tests/t.py::test_x`, `tests/fixtures/<version>/README.md`, `../up.md`, `plan.py`,\n"
        "`/_inference/{id}`, `http://127.0.0.1:9200/x`, [a link](../docs/b.md#part),\n"
        "[web](https://example.com/docs/c.md), [anchor](#top), and ``code `with` ticks``."
    )
    assert list(cited_paths(text, {"docs", "scripts", "pulumi_inference", "tests"})) == [
        ("docs/a.md", False),
        ("scripts/test", False),
        ("pulumi_inference/x.py", False),
        ("tests/t.py", False),
        ("tests/fixtures", False),
        ("../up.md", True),
        ("../docs/b.md", True),
    ]
