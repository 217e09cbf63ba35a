"""What a pip user gets from the commands themselves: ``--version``, and help texts that send
them only to something they have (a wheel holds the package, never ``docs/`` or ``scripts/``).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_inference._published import REPOSITORY
from pulumi_inference.cli import _build_parser, commands
from pulumi_inference.native._plugin import write_launcher
from pulumi_inference.native._server import plugin_parser

ROOT = Path(__file__).resolve().parents[2]
_URL = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
# A word with a folder in it (docs/import.md, emulator/README.md) or a Markdown file's name.
_PATH = re.compile(r"(?<![\w/.-])(?:[\w.-]+/)+[\w.-]*[\w]|(?<![\w/.-])[\w-]+\.md\b")
_PUBLISHED_PAGE = re.compile(re.escape(REPOSITORY) + r"/blob/main/([\w./-]*[\w])")


def help_texts(parser: argparse.ArgumentParser, name: str) -> Iterator[tuple[str, str]]:
    """``name``'s help and that of every subcommand under it, at any depth."""
    yield name, parser.format_help()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub, subparser in action.choices.items():
                yield from help_texts(subparser, f"{name} {sub}")


def all_help_texts() -> list[tuple[str, str]]:
    texts = list(help_texts(_build_parser(commands()), "pulumi-inference"))
    return [*texts, ("pulumi-resource-elasticsearch-inference", plugin_parser().format_help())]


def cited_repository_paths(text: str) -> list[str]:
    """The words of ``text`` that name a file or folder of this checkout (URLs left out)."""
    words = _PATH.findall(_URL.sub(" ", text))
    return [w for w in words if (ROOT / w).exists() or (ROOT / "pulumi_inference" / w).exists()]


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The files of the wheel ``python -m build`` makes of this checkout."""
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as whl:
        return set(whl.namelist())


def test_the_detector_sees_a_repository_path_and_leaves_urls_and_api_paths() -> None:
    text = (
        "See docs/operations.md, or emulator/README.md. "
        f"{REPOSITORY}/blob/main/docs/import.md; PUT /_inference/{{task}}/{{id}}"
    )
    assert cited_repository_paths(text) == ["docs/operations.md", "emulator/README.md"]


def test_no_help_text_cites_a_path_the_wheel_lacks(wheel_files: set[str]) -> None:
    texts = all_help_texts()
    assert len(texts) >= 9  # the root, each subcommand, `policy new`, the plugin
    absent = [
        f"{name}: {path}"
        for name, text in texts
        for path in cited_repository_paths(text)
        if path not in wheel_files and f"pulumi_inference/{path}" not in wheel_files
    ]
    assert absent == []


def test_each_published_page_a_help_text_names_exists() -> None:
    pages = [
        (name, page) for name, text in all_help_texts() for page in _PUBLISHED_PAGE.findall(text)
    ]
    assert {page for _, page in pages} >= {"docs/import.md", "docs/operations.md"}
    assert [(name, page) for name, page in pages if not (ROOT / page).is_file()] == []


def test_version_prints_the_installed_distributions_version(tmp_path: Path) -> None:
    version = importlib.metadata.version("pulumi-inference")
    cli = Path(sys.executable).parent / "pulumi-inference"
    done = subprocess.run([str(cli), "--version"], capture_output=True, text=True, check=True)
    assert done.stdout == f"pulumi-inference {version}\n"

    launcher = write_launcher(tmp_path, sys.executable)  # as install-plugin installs it
    done = subprocess.run([str(launcher), "--version"], capture_output=True, text=True, check=True)
    assert done.stdout == f"pulumi-resource-elasticsearch-inference {version} (pulumi-inference)\n"
