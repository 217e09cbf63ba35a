"""No silent minute: a step of the set-up scripts (scripts/lib/steps.bash) that takes long
prints a progress line every $STEPS_HEARTBEAT seconds while it runs (what it has done so far,
read from its log, and its elapsed time), and every line the scripts print is labelled with
the script's name. A first install from an empty cache (a 10-minute Go build) is played here by
a fake `go` and a fake pip that take seconds, with a heartbeat of one second: the lines are
timed as they arrive, and no gap may exceed a few heartbeats.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEARTBEAT = 1  # seconds, for the tests (the scripts' default is 20)
MAX_GAP = 3 * HEARTBEAT  # seconds: a loaded machine may be slow to fork, never this slow

FAKE_GO = r"""#!/usr/bin/env bash
# A `go` that plays the module downloads and package builds of a first install, slowly.
set -euo pipefail
slow() { for i in $(seq 1 "$2"); do echo "$1$i" >&2; sleep 0.3; done; }
case "$1 $2" in
  "mod init") echo "module $3" > go.mod ;;
  "mod edit") ;;
  "mod download") echo '{}' ;;
  "get "*) slow "go: downloading example.com/module" 8 ;;
  "build -v")
    out=""; while [ $# -gt 0 ]; do [ "$1" = -o ] && out=$2; shift; done
    slow "example.com/package" 10
    printf '#!/bin/sh\necho v3.274.1\n' > "$out"; chmod +x "$out" ;;
  *) echo "fake go: unexpected: $*" >&2; exit 2 ;;
esac
"""


@dataclass(frozen=True)
class Line:
    at: float  # seconds since the command started
    stream: str
    text: str


def run_timed(command: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[int, list[Line]]:
    """Run ``command``, each line of its stdout and stderr stamped with when it arrived."""
    start = time.monotonic()
    process = subprocess.Popen(
        ["bash", "-c", '"$@" 2> >(sed -u "s/^/E /") > >(sed -u "s/^/O /")', "-", *command],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    assert process.stdout is not None
    lines = [Line(time.monotonic() - start, raw[0], raw[2:].rstrip("\n")) for raw in process.stdout]
    return process.wait(timeout=60), lines


def gaps(lines: list[Line]) -> list[float]:
    stamps = [0.0] + [line.at for line in lines]
    return [later - earlier for earlier, later in itertools.pairwise(stamps)]


def step_script(tmp_path: Path, body: str) -> list[str]:
    script = tmp_path / "steps.sh"
    script.write_text(
        "set -euo pipefail\n"
        f"steps_prefix=fake; cache_root={tmp_path}/cache\n"
        f". {ROOT}/scripts/lib/steps.bash\n"
        "steps_log fake\n" + body
    )
    return ["bash", str(script)]


def test_a_long_step_prints_progress_while_it_runs_and_one_line_when_it_ends(
    tmp_path: Path,
) -> None:
    fake_go = tmp_path / "bin" / "go"
    fake_go.parent.mkdir()
    fake_go.write_text(FAKE_GO)
    fake_go.chmod(0o755)
    env = {
        **os.environ,
        "STEPS_HEARTBEAT": str(HEARTBEAT),
        "PATH": f"{fake_go.parent}:/usr/bin:/bin",
    }
    command = step_script(
        tmp_path,
        f'cd {tmp_path}\nstep "go build thing" go build -v -o {tmp_path}/thing example.com/thing\n'
        'echo "after the step" >&2\n',
    )

    status, lines = run_timed(command, env)

    assert status == 0
    texts = [line.text for line in lines]
    *progress, done, after = texts
    assert len(progress) >= 2, texts  # a 4 s build, a line a second
    for line in progress:
        assert re.fullmatch(
            r"fake: go build thing: (\d+ packages compiled so far|still running) \(\d+s\)", line
        ), line
    counts = [int(m.group(1)) for m in (re.search(r"(\d+) packages", p) for p in progress) if m]
    assert counts and counts == sorted(counts) and counts[-1] <= 10  # read from go's -v lines
    assert re.fullmatch(r"fake: go build thing \(\d+s\)", done)
    assert after == "after the step"  # no progress line once the step has ended
    assert max(gaps(lines)) <= MAX_GAP, lines


def test_a_quick_step_prints_its_one_line_and_nothing_is_left_running(tmp_path: Path) -> None:
    env = {**os.environ, "STEPS_HEARTBEAT": str(HEARTBEAT)}
    command = step_script(tmp_path, 'step "quick" true\n')

    started = time.monotonic()
    status, lines = run_timed(command, env)

    assert status == 0 and [line.text for line in lines] == ["fake: quick (0s)"]
    # The heartbeat (and its sleep) held our stderr open no longer than the step took.
    assert time.monotonic() - started < HEARTBEAT + 1.5


def test_a_failed_step_stops_its_progress_and_shows_its_log(tmp_path: Path) -> None:
    env = {**os.environ, "STEPS_HEARTBEAT": str(HEARTBEAT)}
    command = step_script(
        tmp_path, 'step "slow failure" bash -c "sleep 2.5; echo its own words; exit 3" || exit $?\n'
    )

    status, lines = run_timed(command, env)

    texts = [line.text for line in lines]
    assert status == 3
    failed = texts.index(next(t for t in texts if "FAILED" in t))
    assert all(t.startswith("fake: slow failure: still running (") for t in texts[:failed])
    assert failed >= 1, texts
    assert texts[failed].startswith("fake: slow failure FAILED after ")
    assert "  | its own words" in texts[failed:]
    assert texts[-1] == f"fake: the whole log: {tmp_path}/cache/logs/fake.log"


def test_a_first_cli_install_never_goes_a_heartbeat_without_a_labelled_line(
    tmp_path: Path,
) -> None:
    """install-pulumi-cli from an empty cache: go get, go build of the CLI, then of the YAML
    host; every line labelled, the last one on stdout the directory (setup-dev's tail -n 1)."""
    fake_bin = tmp_path / "fake-bin"
    fake_bin.mkdir()
    (fake_bin / "go").write_text(FAKE_GO)
    (fake_bin / "go").chmod(0o755)
    cache = tmp_path / "cache"
    env = {
        "HOME": str(tmp_path),
        "PATH": f"{fake_bin}:/usr/bin:/bin",
        "PULUMI_INFERENCE_CACHE": str(cache),
        "PULUMI_INSTALL_FORCE_BUILD": "1",
        "STEPS_HEARTBEAT": str(HEARTBEAT),
    }

    status, lines = run_timed([str(ROOT / "scripts" / "install-pulumi-cli")], env, cwd=tmp_path)

    assert status == 0, lines
    err = [line.text for line in lines if line.stream == "E"]
    out = [line.text for line in lines if line.stream == "O"]
    assert out == [str(cache / "pulumi-cli" / "v3.274.1" / "bin")]
    unlabelled = [t for t in err if not t.startswith("install-pulumi-cli: ")]
    assert unlabelled == []
    assert "install-pulumi-cli: built pulumi v3.274.1 in " + out[0] in err
    assert any(
        re.search(r": go get pulumi v3\.274\.1: \d+ modules downloaded so far", t) for t in err
    )
    assert any(re.search(r": go build pulumi: \d+ packages compiled so far", t) for t in err)
    assert any(re.search(r": go build pulumi-language-yaml: \d+ packages compiled", t) for t in err)
    assert max(gaps(lines)) <= MAX_GAP, lines


def test_setup_dev_labels_every_line_shows_pips_warnings_and_ends_with_the_cli_dir(
    tmp_path: Path,
) -> None:
    """scripts/setup-dev in a checkout of its own (a fake .venv whose pip is slow and warns,
    a recent enough `pulumi` on PATH): the pip install is a step with progress lines."""
    checkout = tmp_path / "checkout"
    (checkout / "scripts" / "lib").mkdir(parents=True)
    for name in ("setup-dev", "install-pulumi-cli", "lib/steps.bash"):
        shutil.copy2(ROOT / "scripts" / name, checkout / "scripts" / name)
    python = checkout / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(
        "#!/bin/sh\n"
        'case "$*" in *"-e .[dev]"*) sleep 3; echo "WARNING: a warning of the build" >&2;; esac\n'
    )
    python.chmod(0o755)
    cli = tmp_path / "cli"
    cli.mkdir()
    for tool in ("pulumi-resource-pulumi-python", "pulumi-language-python", "pulumi-language-yaml"):
        (cli / tool).write_text("#!/bin/sh\n")
        (cli / tool).chmod(0o755)
    (cli / "pulumi").write_text("#!/bin/sh\necho v3.274.1\n")
    (cli / "pulumi").chmod(0o755)
    env = {
        "HOME": str(tmp_path),
        "PATH": f"{cli}:/usr/bin:/bin",
        "PULUMI_INFERENCE_CACHE": str(tmp_path / "cache"),
        "STEPS_HEARTBEAT": str(HEARTBEAT),
    }

    status, lines = run_timed([str(checkout / "scripts" / "setup-dev")], env, cwd=tmp_path)

    assert status == 0, lines
    err = [line.text for line in lines if line.stream == "E"]
    assert [line.text for line in lines if line.stream == "O"] == [str(cli)]
    assert [t for t in err if not re.match(r"(setup-dev|install-pulumi-cli): ", t)] == []
    assert any(re.match(r"setup-dev: pip install -e '\.\[dev\]' .*: still running", t) for t in err)
    assert "setup-dev:   | WARNING: a warning of the build" in err
    assert err[-1] == "install-pulumi-cli: using pulumi 3.274.1 from PATH"
    assert max(gaps(lines)) <= MAX_GAP, lines
