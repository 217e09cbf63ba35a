"""Where the running copy was installed from (PEP 610), as the requirements line that
``policy new`` and ``import`` write: each kind of install pip records, and none (an index).

The end-to-end check, a pack's printed commands run in a fresh shell, is
tests/engine/test_policy_new_install.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from pulumi_inference._origin import origin
from pulumi_inference._release import __version__
from pulumi_inference.policy import write_pack


def installed(tmp_path: Path, direct_url: dict[str, object] | None) -> metadata.Distribution:
    """A distribution as pip leaves it, with ``direct_url.json`` when given."""
    info = tmp_path / f"pulumi_inference-{__version__}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Name: pulumi-inference\nVersion: {__version__}\n")
    if direct_url is not None:
        (info / "direct_url.json").write_text(json.dumps(direct_url))
    return metadata.PathDistribution(info)


def test_an_editable_checkout_is_installed_editable_again(tmp_path: Path) -> None:
    checkout = tmp_path / "src" / "pulumi inference"
    checkout.mkdir(parents=True)
    found = origin(installed(tmp_path, {"url": checkout.as_uri(), "dir_info": {"editable": True}}))
    assert found.requirement == f"-e {checkout.as_uri()}"
    assert "%20" in found.requirement  # one word on the line, as pip reads it
    assert found.where == f"the checkout {checkout} (editable)"
    assert found.missing is None


def test_a_directory_a_wheel_and_a_url_are_named_as_direct_references(tmp_path: Path) -> None:
    wheel = tmp_path / f"pulumi_inference-{__version__}-py3-none-any.whl"
    wheel.write_bytes(b"")
    record = {"url": wheel.as_uri(), "archive_info": {"hashes": {"sha256": "0" * 64}}}
    found = origin(installed(tmp_path / "a", record))
    assert (found.requirement, found.where) == (f"pulumi-inference @ {wheel.as_uri()}", str(wheel))

    directory = origin(installed(tmp_path / "b", {"url": tmp_path.as_uri(), "dir_info": {}}))
    assert directory.requirement == f"pulumi-inference @ {tmp_path.as_uri()}"

    remote = "https://example.com/dist/pulumi_inference-0.2.0-py3-none-any.whl"
    found = origin(installed(tmp_path / "c", {"url": remote, "archive_info": {}}))
    assert found.requirement == f"pulumi-inference @ {remote}"
    assert found.missing is None


def test_a_vcs_install_is_pinned_to_the_commit_that_runs(tmp_path: Path) -> None:
    record = {
        "url": "https://github.com/pulumi-inference/pulumi-inference.git",
        "vcs_info": {"vcs": "git", "requested_revision": "main", "commit_id": "a" * 40},
        "subdirectory": "python",
    }
    found = origin(installed(tmp_path, record))
    assert found.requirement == (
        "pulumi-inference @ git+https://github.com/pulumi-inference/pulumi-inference.git"
        f"@{'a' * 40}#subdirectory=python"
    )


def test_no_record_or_an_unreadable_one_means_the_package_index(tmp_path: Path) -> None:
    expected = f"pulumi-inference>={__version__}"
    assert origin(installed(tmp_path / "a", None)).requirement == expected
    unreadable = installed(tmp_path / "b", None)
    (Path(str(unreadable._path)) / "direct_url.json").write_text("{not json")  # type: ignore[attr-defined]
    assert origin(unreadable).where == "the package index"


def test_a_file_that_is_gone_is_reported(tmp_path: Path) -> None:
    gone = tmp_path / "dist" / "pulumi_inference-0.2.0-py3-none-any.whl"
    found = origin(installed(tmp_path, {"url": gone.as_uri(), "archive_info": {}}))
    assert found.missing == gone


def test_policy_new_writes_the_origin_and_prints_commands_that_name_it(tmp_path: Path) -> None:
    record = {"url": "file:///opt/src/pulumi-inference", "dir_info": {"editable": True}}
    write_pack(tmp_path / "pack", installed=origin(installed(tmp_path / "d", record)))
    assert (tmp_path / "pack" / "requirements.txt").read_text() == (
        "pulumi-policy>=1.21,<2\n-e file:///opt/src/pulumi-inference\n"
    )

    pack = tmp_path / "my pack"
    done = subprocess.run(
        [sys.executable, "-m", "pulumi_inference.cli", "policy", "new", str(pack)],
        capture_output=True,
        text=True,
        check=True,
    )
    this_copy = origin()
    assert (pack / "requirements.txt").read_text().splitlines()[1] == this_copy.requirement
    assert f"installs pulumi-inference from {this_copy.where}\n" in done.stdout
    quoted = f"'{pack}/venv'"
    assert f"  python3 -m venv {quoted} && {quoted}/bin/pip install -r" in done.stdout
    assert f"  pulumi preview --policy-pack '{pack}'\n" in done.stdout
