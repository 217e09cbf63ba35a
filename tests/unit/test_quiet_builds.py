"""The Go builds of the scripts (scripts/lib/steps.bash) print one line per step with its
elapsed time; Go's own output goes to a log under the cache, shown (its tail, with the path)
only when a step fails. Real `go` runs, in a cache of the test's own (the Go module and build
caches are the machine's, so a warm machine builds the SDK generator in seconds).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STEP = re.compile(r"^(install-gen-sdk|install-pulumi-cli): .+ \(\d+s\)$")
# The progress lines of a step that runs long (tests/unit/test_progress_lines.py).
PROGRESS = re.compile(r"^[a-z-]+: [^:]+: (\d+ \w+ \w+ so far|still running) \(\d+s\)$")

pytestmark = pytest.mark.skipif(
    shutil.which("go") is None, reason="no `go` on PATH: the scripts' Go builds cannot run"
)


def run_script(name: str, cache: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / "scripts" / name)],
        env={**os.environ, "PULUMI_INFERENCE_CACHE": str(cache), **env},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_a_build_prints_one_line_per_step_and_logs_gos_output(tmp_path: Path) -> None:
    # -x makes the go command print every command it runs: all of it must go to the log.
    done = run_script("install-gen-sdk", tmp_path, GOFLAGS="-x -buildvcs=false")

    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.splitlines()[-1]).is_file()  # the generator, as scripts/test reads it
    lines = [line for line in done.stderr.splitlines() if not PROGRESS.match(line)]
    (log,) = (tmp_path / "logs").glob("gen-sdk-*.log")
    assert lines[0].startswith("install-gen-sdk: building the SDK generator")
    assert str(log) in lines[0]
    assert len(lines) == 3 and all(STEP.match(line) for line in lines[1:]), lines
    assert [line.split(": ", 1)[1].split(" ", 2)[:2] for line in lines[1:]] == [
        ["go", "get"],
        ["go", "build"],
    ]
    logged = log.read_text()
    assert "WORK=" in logged and logged.count("\n") > 20  # go -x's own lines, in the log only
    assert "WORK=" not in done.stderr and "go: " not in done.stderr


def test_a_failed_step_shows_the_end_of_its_log_and_where_it_is(tmp_path: Path) -> None:
    done = run_script("install-gen-sdk", tmp_path, PULUMI_CLI_VERSION="v0.0.1", GOPROXY="off")

    assert done.returncode == 1
    log = tmp_path / "logs" / f"gen-sdk-v0.0.1-{_source_hash()}.log"
    assert log.is_file()
    assert re.search(r"go get pulumi/pkg v0\.0\.1 .* FAILED after \d+s \(exit 1\)", done.stderr)
    tail = [line for line in done.stderr.splitlines() if line.startswith("  | ")]
    assert tail and any("GOPROXY=off" in line for line in tail), done.stderr  # go's own words
    assert f"install-gen-sdk: the whole log: {log}\n" in done.stderr


def test_the_cli_build_fails_the_same_way_and_says_how_to_install(tmp_path: Path) -> None:
    done = run_script(
        "install-pulumi-cli",
        tmp_path,
        PULUMI_INSTALL_FORCE_BUILD="1",
        PULUMI_CLI_VERSION="v0.0.1",
        PULUMI_YAML_VERSION="",
        GOPROXY="off",
    )

    assert done.returncode == 1
    log = tmp_path / "logs" / "pulumi-cli-v0.0.1.log"
    assert "install-pulumi-cli: go get pulumi v0.0.1 FAILED after" in done.stderr
    assert f"the whole log: {log}" in done.stderr and log.is_file()
    assert "could not make the Pulumi CLI available" in done.stderr
    assert done.stdout == ""  # no directory printed: scripts/setup-dev's last line stays honest


def _source_hash() -> str:
    import hashlib

    return hashlib.sha256((ROOT / "sdkgen" / "main.go").read_bytes()).hexdigest()[:12]
