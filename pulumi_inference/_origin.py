"""Where the running copy of pulumi-inference was installed from, as a ``requirements.txt`` line.

A project this package writes (``policy new``, ``import``) installs pulumi-inference from the
same place, so its first ``pip install -r requirements.txt`` works however the user got it:
pip records a direct install in the distribution's ``direct_url.json`` (PEP 610): a local
directory (editable or not), a VCS checkout, a wheel or sdist file or URL. With no record the
copy came from a package index, and ``pulumi-inference>=<this version>`` is asked of it.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from ._release import __version__

DISTRIBUTION = "pulumi-inference"


@dataclass(frozen=True)
class Origin:
    requirement: str  # the requirements.txt line
    where: str  # for people: "the checkout /src/pulumi-inference (editable)", "the package index"
    missing: Path | None = None  # a local directory or file it names that is no longer there


def origin(distribution: metadata.Distribution | None = None) -> Origin:
    """Where ``distribution`` (by default, the installed pulumi-inference) came from."""
    try:
        found = metadata.distribution(DISTRIBUTION) if distribution is None else distribution
    except metadata.PackageNotFoundError:
        return _from_index()
    text = found.read_text("direct_url.json")
    if not text:
        return _from_index()
    try:
        record = json.loads(text)
        url = record["url"]
    except (ValueError, KeyError, TypeError):
        return _from_index()
    return _from_record(record, str(url))


def _from_index() -> Origin:
    return Origin(f"{DISTRIBUTION}>={__version__}", "the package index")


def _from_record(record: dict[str, Any], url: str) -> Origin:
    if isinstance(record.get("vcs_info"), dict):
        vcs = record["vcs_info"]
        pinned = f"{vcs.get('vcs', 'git')}+{url}@{vcs.get('commit_id', '')}".rstrip("@")
        subdirectory = record.get("subdirectory")
        pinned += f"#subdirectory={subdirectory}" if subdirectory else ""
        return Origin(f"{DISTRIBUTION} @ {pinned}", pinned)
    local = _local_path(url)
    missing = local if local is not None and not local.exists() else None
    editable = isinstance(record.get("dir_info"), dict) and record["dir_info"].get("editable")
    if editable:
        return Origin(f"-e {url}", f"the checkout {local or url} (editable)", missing)
    if "dir_info" in record:
        return Origin(f"{DISTRIBUTION} @ {url}", f"the directory {local or url}", missing)
    return Origin(f"{DISTRIBUTION} @ {url}", f"{local or url}", missing)


def _local_path(url: str) -> Path | None:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme != "file":
        return None
    return Path(urllib.request.url2pathname(parsed.path))
