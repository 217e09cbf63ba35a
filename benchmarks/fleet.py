"""Fleet scale through the real engine: both doors beside the engine's own floor, in one run.

``.venv/bin/python benchmarks/fleet.py [--sizes 50,200,500,500x5] [--latency-ms 20]
[--parallel 64] [--json benchmarks/results/fleet.json]``

Each scenario (``N`` endpoints, ``NxK``: over ``K`` emulated clusters) is run for four kinds
of resource, each in a project directory of its own on a local file backend, by the Pulumi
CLI as a user runs it (``pulumi up --yes --skip-preview --parallel P``):

- ``component``: N plain ``ComponentResource`` (no provider at all);
- ``noop``: N resources of a ``pulumi.dynamic.ResourceProvider`` whose calls return at once
  (the same engine, language host, dynamic provider server and checkpoints, no work);
- ``dynamic``: N ``pulumi_inference.InferenceEndpoint`` (``connection`` per resource);
- ``native``: N ``pulumi_inference.native.InferenceEndpoint`` (one ``Provider`` per cluster).

Operations, in order: ``up`` (create), ``preview`` (no change), ``refresh``, ``update`` (every
resource's ``task_settings.user`` changed) and ``destroy``. Per operation: wall time, ratio to
the no-op resource of the same scenario, requests per endpoint (the emulators' logs; ``GET /``
counted apart), the CLI's and the provider processes' peak RSS (VmHWM, sampled from /proc),
CPU seconds of the CLI, the program and the providers (what Pulumi's engine costs beside
what runs our code), and state bytes per resource (``pulumi stack export`` after ``up``).

The emulators (benchmarks/_emulator_server.py) run in processes of their own, with
``--latency-ms`` added to every request. Nothing here is a test;
``tests/engine/test_fleet_benchmark_smoke.py`` runs it with N=2.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from benchmarks._cluster import EmulatorProcess  # noqa: E402

KINDS = ("component", "noop", "dynamic", "native")
OPERATIONS = ("up", "preview", "refresh", "update", "destroy")
PASSPHRASE = "fleet-benchmark-passphrase"
API_KEY = "sk-fleet-benchmark-not-a-real-key"

PROGRAM = Path(__file__).with_name("_fleet_program.py")
NOOP = Path(__file__).with_name("_fleet_noop.py")


# --------------------------------------------------------------------------- the clusters


@contextmanager
def emulators(count: int, latency: float) -> Iterator[list[EmulatorProcess]]:
    started: list[EmulatorProcess] = []
    try:
        for _ in range(count):
            emulator = EmulatorProcess(latency, log_size=1_000_000, control_timeout=60.0)
            started.append(emulator.start())
        yield started
    finally:
        for emulator in started:
            emulator.close()


# --------------------------------------------------------------------------- memory


def _vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(f"/proc/{entry.name}/stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found = {root}
    for _ in range(8):
        found |= {pid for pid, parent in parents.items() if parent in found}
    return sorted(found - {root})


def _is_provider(pid: int) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"pulumi.dynamic" in command or b"pulumi_inference.native" in command


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


ROLES = ("cli", "program", "provider")
"""Whose CPU: the Pulumi CLI (the engine: steps, checkpoints), the program with its
language host, and the provider processes."""


class Peaks:
    """Peak RSS of the CLI process and of its provider processes while a command runs, and
    the CPU seconds of each role (the last sample of each process: within 0.2 s)."""

    def __init__(self, cli_pid: int) -> None:
        self.cli_pid = cli_pid
        self.cli_mb = 0.0
        self.provider_mb = 0.0
        self._cpu: dict[int, tuple[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.cli_mb = max(self.cli_mb, _vm_hwm_mb(self.cli_pid) or 0.0)
            self._count_cpu(self.cli_pid, "cli")
            for pid in _descendants(self.cli_pid):
                if _is_provider(pid):
                    self.provider_mb = max(self.provider_mb, _vm_hwm_mb(pid) or 0.0)
                    self._count_cpu(pid, "provider")
                else:
                    self._count_cpu(pid, "program")
            self._stop.wait(0.2)

    def _count_cpu(self, pid: int, role: str) -> None:
        seconds = _cpu_seconds(pid)
        if seconds is not None:
            self._cpu[pid] = (self._cpu.get(pid, (role, 0.0))[0], seconds)

    @property
    def cpu_s(self) -> dict[str, float]:
        total = dict.fromkeys(ROLES, 0.0)
        for role, seconds in self._cpu.values():
            total[role] += seconds
        return total

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


# --------------------------------------------------------------------------- one stack


@dataclass
class Measurement:
    scenario: str
    kind: str
    operation: str
    n: int
    wall_s: float
    requests: dict[str, int] = field(default_factory=dict)  # route kind -> count
    cli_peak_mb: float = 0.0
    provider_peak_mb: float = 0.0
    cpu_s: dict[str, float] = field(default_factory=dict)  # role -> CPU seconds
    ratio: float | None = None  # to the no-op resource's figure of the same scenario

    @property
    def per_endpoint(self) -> float:
        """Requests about one endpoint each, per endpoint (cluster-wide ones are apart)."""
        mine = sum(count for route, count in self.requests.items() if route in _ONE_ENDPOINT)
        return mine / self.n if self.n else 0.0


_ONE_ENDPOINT = frozenset(
    f"{method} {prefix}"
    for method in ("GET", "PUT", "POST", "DELETE")
    for prefix in ("/_inference/...", "/_ml/...")
)


def _route(entry: Mapping[str, Any]) -> str:
    """``GET /``, a cluster-wide path as it is (``/_inference/_all``, ``_region_policy``,
    ``/_ml/trained_models/_all/_stats``), else the kind of one endpoint's request."""
    method, path = entry.get("method"), str(entry.get("path", ""))
    one = path.startswith(("/_inference/", "/_ml/"))
    if not one or path.startswith("/_inference/_") or "/_all/" in path:
        return f"{method} {path}"  # GET /, privileges, listings
    return f"{method} {'/_ml/...' if path.startswith('/_ml') else '/_inference/...'}"


class Stack:
    """A project directory of the program above, one stack, on a file backend."""

    def __init__(self, workdir: Path, cli_dir: Path, kind: str, n: int, urls: list[str]) -> None:
        self.dir = workdir / kind
        self.dir.mkdir(parents=True)
        (self.dir / "Pulumi.yaml").write_text(f"name: fleet-{kind}\nruntime: python\n")
        shutil.copy(PROGRAM, self.dir / "__main__.py")
        shutil.copy(NOOP, self.dir / "fleet_noop.py")
        home, backend = workdir / "home", workdir / "backend"
        backend.mkdir(exist_ok=True)
        self.cli = str(cli_dir / "pulumi")
        self.env = {
            **os.environ,
            "PATH": f"{cli_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "PULUMI_HOME": str(home),
            "PULUMI_BACKEND_URL": backend.as_uri(),
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_PYTHON_CMD": sys.executable,
            "FLEET_KIND": kind,
            "FLEET_N": str(n),
            "FLEET_URLS": json.dumps(urls),
            "FLEET_API_KEY": API_KEY,
        }
        self.pulumi("stack", "init", "bench")

    def pulumi(
        self, *args: str, user: str = "a", peaks: bool = False
    ) -> tuple[float, Peaks | None]:
        env = {**self.env, "FLEET_USER": user}
        command = [self.cli, *args, "--non-interactive"]
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=self.dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        sampler = Peaks(process.pid) if peaks else None
        output, _ = process.communicate(timeout=3600)
        wall = time.perf_counter() - started
        if sampler is not None:
            sampler.stop()
        if process.returncode != 0:
            tail = output.decode(errors="replace")[-3000:]
            raise RuntimeError(f"pulumi {' '.join(args)} failed ({process.returncode}):\n{tail}")
        return wall, sampler

    def state_bytes(self) -> int:
        """Bytes of the state's resources of this kind (provider resources left out)."""
        done = subprocess.run(
            [self.cli, "stack", "export", "--non-interactive"],
            cwd=self.dir, env=self.env, capture_output=True, check=True,
        )  # fmt: skip
        resources = json.loads(done.stdout)["deployment"].get("resources") or []
        mine = [r for r in resources if str(r.get("urn", "")).split("::")[-1].startswith("e")]
        mine = [r for r in mine if not str(r.get("type", "")).startswith("pulumi:")]
        return sum(len(json.dumps(r, separators=(",", ":"))) for r in mine)


def _operation_args(operation: str, parallel: str) -> tuple[list[str], str]:
    common = ["--parallel", parallel]
    if operation == "up":
        return ["up", "--yes", "--skip-preview", *common], "a"
    if operation == "preview":
        return ["preview", *common], "a"
    if operation == "refresh":
        return ["refresh", "--yes", "--skip-preview", *common], "a"
    if operation == "update":
        return ["up", "--yes", "--skip-preview", *common], "b"
    return ["destroy", "--yes", "--skip-preview", *common], "b"


def run_kind(
    scenario: str, kind: str, n: int, clusters: list[EmulatorProcess], cli_dir: Path, parallel: int
) -> tuple[list[Measurement], int]:
    """The five operations of one kind; and its state bytes after ``up``."""
    measurements, state = [], 0
    for cluster in clusters:
        cluster.reset()
    with tempfile.TemporaryDirectory(prefix="pulumi-inference-fleet-") as workdir:
        stack = Stack(Path(workdir), cli_dir, kind, n, [c.url for c in clusters])
        if kind == "native":
            subprocess.run(
                [sys.executable, "-m", "pulumi_inference.cli", "install-plugin",
                 "--pulumi", stack.cli],
                env=stack.env, capture_output=True, check=True,
            )  # fmt: skip
        for operation in OPERATIONS:
            for cluster in clusters:
                cluster.clear_requests()
            args, user = _operation_args(operation, str(parallel))
            wall, peaks = stack.pulumi(*args, user=user, peaks=True)
            requests: dict[str, int] = {}
            for cluster in clusters:
                for entry in cluster.requests():
                    requests[_route(entry)] = requests.get(_route(entry), 0) + 1
            assert peaks is not None
            measurements.append(
                Measurement(scenario, kind, operation, n, wall, requests,
                            peaks.cli_mb, peaks.provider_mb, peaks.cpu_s)
            )  # fmt: skip
            if operation == "up":
                state = stack.state_bytes()
        shutil.rmtree(stack.dir, ignore_errors=True)
    return measurements, state


# --------------------------------------------------------------------------- the run


def parse_sizes(text: str) -> list[tuple[int, int]]:
    """``50,200,500x5`` -> [(50, 1), (200, 1), (500, 5)]."""
    sizes = []
    for part in text.split(","):
        n, _, k = part.strip().partition("x")
        sizes.append((int(n), int(k or 1)))
    return sizes


def _ratios(measurements: list[Measurement]) -> None:
    floor = {(m.scenario, m.operation): m.wall_s for m in measurements if m.kind == "noop"}
    for m in measurements:
        base = floor.get((m.scenario, m.operation))
        m.ratio = m.wall_s / base if base else None


def render(measurements: Sequence[Measurement], states: Mapping[tuple[str, str], int]) -> str:
    lines = [
        "| scenario | kind | up | preview | refresh | update | destroy | state/resource "
        "| requests/endpoint (up/preview/refresh/update/destroy) | CLI MiB | provider MiB "
        "| CPU s, all five (CLI / program / provider) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    rows: dict[tuple[str, str], dict[str, Measurement]] = {}
    for m in measurements:
        rows.setdefault((m.scenario, m.kind), {})[m.operation] = m
    for (scenario, kind), ops in rows.items():
        cells = []
        for operation in OPERATIONS:
            m = ops[operation]
            ratio = f" ({m.ratio:.2f}x)" if m.ratio is not None and kind != "noop" else ""
            cells.append(f"{m.wall_s:.1f} s{ratio}")
        n = ops["up"].n
        state = states.get((scenario, kind), 0) / n if n else 0
        per = " / ".join(f"{ops[o].per_endpoint:.3g}" for o in OPERATIONS)
        cli = max(m.cli_peak_mb for m in ops.values())
        provider = max(m.provider_peak_mb for m in ops.values())
        provider_cell = f"{provider:.0f}" if provider else "—"
        cpu = " / ".join(f"{sum(m.cpu_s.get(r, 0.0) for m in ops.values()):.1f}" for r in ROLES)
        lines.append(
            f"| {scenario} | {kind} | {' | '.join(cells)} | {state:,.0f} B | {per} "
            f"| {cli:.0f} | {provider_cell} | {cpu} |"
        )
    return "\n".join(lines)


def _report(
    args: argparse.Namespace,
    measurements: list[Measurement],
    states: Mapping[tuple[str, str], int],
) -> str:
    """Ratios and the table of what ran so far; written to ``--json`` when given."""
    _ratios(measurements)
    table = render(measurements, states)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        report = {
            "meta": {"sizes": args.sizes, "latency_ms": args.latency_ms,
                     "parallel": args.parallel, "cpus": os.cpu_count()},
            "rows": [{**asdict(m), "per_endpoint": m.per_endpoint} for m in measurements],
            "state_bytes": {f"{s}|{k}": v for (s, k), v in states.items()},
            "table": table,
        }  # fmt: skip
        Path(args.json).write_text(json.dumps(report, indent=2))
    return table


def _cli_dir(given: str | None) -> Path:
    for candidate in (given, os.environ.get("PULUMI_INFERENCE_CLI_DIR")):
        if candidate and (Path(candidate) / "pulumi").exists():
            return Path(candidate)
    found = shutil.which("pulumi")
    if found is None:
        raise SystemExit("no Pulumi CLI: set PULUMI_INFERENCE_CLI_DIR or put `pulumi` on PATH")
    return Path(found).resolve().parent


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="50,200,500,500x5")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--parallel", type=int, default=64)
    parser.add_argument("--cli-dir")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    cli_dir = _cli_dir(args.cli_dir)
    measurements: list[Measurement] = []
    states: dict[tuple[str, str], int] = {}
    for n, k in parse_sizes(args.sizes):
        scenario = f"{n}" if k == 1 else f"{n} over {k} clusters"
        with ExitStack() as stack:
            clusters = stack.enter_context(emulators(k, args.latency_ms / 1000))
            for kind in args.kinds.split(","):
                try:
                    found, state = run_kind(scenario, kind, n, clusters, cli_dir, args.parallel)
                except (RuntimeError, subprocess.SubprocessError) as exc:  # the rest still runs
                    print(f"{scenario} {kind}: FAILED: {exc}", file=sys.stderr, flush=True)
                    continue
                measurements += found
                states[(scenario, kind)] = state
                _report(args, measurements, states)  # kept so far, should a later one hang
                print(f"{scenario} {kind}: " + ", ".join(
                    f"{m.operation} {m.wall_s:.1f} s" for m in found), flush=True)  # fmt: skip
    table = _report(args, measurements, states)
    print(table)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
