"""How close is the provider to the floor? Side-by-side benchmarks in one run.

``.venv/bin/python benchmarks/run.py [--endpoints 50] [--latency-ms 20] [--no-engine]
[--json benchmarks/results/latest.json]``

Three layers drive the same N OpenAI-style endpoints against the emulator (its own process,
127.0.0.1, ``--latency-ms`` added to every Elasticsearch request):

- ``floor``: the HTTP requests alone, one pooled ``httpx.Client`` at concurrency 4
  (PUT N, GET N, nothing for a preview, ``_update`` N, DELETE N);
- ``provider``: the real dynamic-provider process (``python -m pulumi.dynamic``) over gRPC,
  four calls at once like the engine, a fresh process per operation like each ``pulumi``
  command (check+create, read, check+diff, check+diff+update, delete);
- ``engine``: the real Pulumi CLI through the Automation API, an inline program of N
  endpoints (``up``, ``preview``, ``refresh``, ``up`` of a task_settings change, ``destroy``).

Per operation: wall time, ratio to the floor, requests per endpoint from the emulator's log
(``GET /``, the check's ``_has_privileges`` and other routes counted apart), distinct TCP
connections, and the provider process's peak RSS (VmHWM). Plus the import time of
``pulumi_inference`` next to ``pulumi``. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import select
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pulumi.runtime.proto import provider_pb2  # noqa: E402

from devtools.provider_process import ProviderProcess  # noqa: E402
from pulumi_inference.operations import DesiredEndpoint  # noqa: E402

CONCURRENCY = 4  # the dynamic-provider process serves at most 4 calls at once
API_KEY = "sk-benchmark-not-a-real-key"
MODEL = "text-embedding-3-small"
DEPLOY_MODEL = ".multilingual-e5-small"
DEFAULT_JSON = ROOT / "benchmarks" / "results" / "latest.json"
_T = TypeVar("_T")
_I = TypeVar("_I")


# --------------------------------------------------------------------------- declarations


def endpoint_ids(n: int, prefix: str = "bench") -> list[str]:
    return [f"{prefix}-{i:04d}" for i in range(n)]


def api_props(inference_id: str, user: str = "a") -> dict[str, Any]:
    """Props as ``InferenceEndpoint`` builds them for an OpenAI endpoint (secret moved out)."""
    return {
        "inference_id": inference_id,
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": MODEL},
        "task_settings": {"user": user},
        "chunking_settings": None,
        "connection": None,
        "force_delete": False,
        "wait_for_deployment": True,
        "deployment_timeout": None,
        "allow_unknown_service": False,
        "secrets": {"service_settings": {"api_key": API_KEY}},
    }


def deploy_props(inference_id: str) -> dict[str, Any]:
    """An elasticsearch-service endpoint: a model deployment the provider waits for."""
    return {
        "inference_id": inference_id,
        "task_type": "text_embedding",
        "service": "elasticsearch",
        "service_settings": {"model_id": DEPLOY_MODEL, "num_allocations": 1, "num_threads": 1},
        "task_settings": None,
        "chunking_settings": None,
        "connection": None,
        "force_delete": False,
        "wait_for_deployment": True,
        "deployment_timeout": "2m",
        "allow_unknown_service": False,
        "secrets": None,
    }


def request_body(props: Mapping[str, Any]) -> dict[str, Any]:
    """The create body the provider sends (secrets merged back), for the floor."""
    merged = {key: value for key, value in props.items() if key != "secrets"}
    for section, values in (props.get("secrets") or {}).items():
        merged[section] = {**(merged.get(section) or {}), **values}
    return DesiredEndpoint.from_props(merged).request_body()


UPDATE_BODY = {"task_settings": {"user": "b"}}


def endpoint_path(inference_id: str, task_type: str = "text_embedding") -> str:
    return f"/_inference/{task_type}/{inference_id}"


# --------------------------------------------------------------------------- the emulator


class EmulatorProcess:
    """The emulator in a child process (benchmarks/_emulator_server.py), read over its
    ``/_emulator`` control plane, so that the cluster never shares a GIL with the driver."""

    def __init__(self, latency: float, deployment_seconds: float = 0.05) -> None:
        self.latency = latency
        self.deployment_seconds = deployment_seconds
        self.url = ""

    def __enter__(self) -> EmulatorProcess:
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).with_name("_emulator_server.py")),
                "--latency",
                str(self.latency),
                "--deployment-seconds",
                str(self.deployment_seconds),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 30.0)
        line = self.process.stdout.readline() if ready else ""
        if not line.startswith("listening on "):
            self.process.kill()
            raise RuntimeError(f"the emulator did not start (said {line!r})")
        self.url = line.removeprefix("listening on ").strip()
        self.control = httpx.Client(base_url=self.url, timeout=30.0)
        return self

    def __exit__(self, *exc: object) -> None:
        self.control.close()
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def requests(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self.control.get("/_emulator/requests").json()["requests"]
        return entries

    def clear_requests(self) -> None:
        self.control.delete("/_emulator/requests").raise_for_status()

    def reset(self) -> None:
        """Forget everything (latency back to the configured value)."""
        self.control.post("/_emulator/reset").raise_for_status()

    def endpoint_ids(self) -> set[str]:
        return set(self.control.get("/_emulator").json()["endpoints"])

    def task_settings(self, inference_id: str) -> dict[str, Any]:
        answer = self.control.get(f"/_emulator/endpoints/{inference_id}").json()
        settings: dict[str, Any] = answer["endpoint"].get("task_settings") or {}
        return settings


# --------------------------------------------------------------------------- measurements


@dataclass
class Traffic:
    """What the emulator saw during one operation."""

    inference: int = 0  # requests under /_inference
    root_gets: int = 0  # GET / (cluster version; also the preview's cluster check)
    privilege_checks: int = 0  # the preview's cluster check: _security/user/_has_privileges
    other: int = 0  # anything else (deployment stats, ...)
    connections: int = 0  # distinct TCP connections
    errors: int = 0  # answered >= 400 or dropped, privilege checks apart
    privilege_checks_refused: int = 0  # answered >= 400 (security off: the cluster cannot say)
    routes: dict[str, int] = field(default_factory=dict)  # "PUT /_inference/{t}/{id}": count


def route_of(method: str, path: str) -> str:
    if path == "/":
        return f"{method} /"
    if path.startswith("/_inference/"):
        parts = path.split("/")[2:]
        if parts[-1] == "_update":
            return f"{method} /_inference/{{task_type}}/{{id}}/_update"
        shape = "/_inference/{task_type}/{id}" if len(parts) >= 2 else "/_inference/{id}"
        return f"{method} {shape}"
    if path.startswith("/_ml/trained_models/") and path.endswith("/_stats"):
        return f"{method} /_ml/trained_models/{{id}}/_stats"
    return f"{method} {path}"


PRIVILEGES_PATH = "/_security/user/_has_privileges"
"""Asked once per cluster per process by the check (REQ-CHECK-7). The emulator without
credentials answers it 500 as Elasticsearch with security off does, which the provider reads
as "cannot say": such a refusal is counted apart from the errors."""


def summarize(entries: Iterable[Mapping[str, Any]]) -> Traffic:
    traffic = Traffic()
    routes: Counter[str] = Counter()
    connections: set[int] = set()
    for entry in entries:
        method, path = str(entry["method"]), str(entry["path"])
        routes[route_of(method, path)] += 1
        connections.add(int(entry["connection_id"]))
        status = entry.get("status")
        failed = status is None or int(status) >= 400
        if path == PRIVILEGES_PATH:
            traffic.privilege_checks += 1
            traffic.privilege_checks_refused += failed
            continue
        traffic.errors += failed
        if path == "/" and method == "GET":
            traffic.root_gets += 1
        elif path == "/_inference" or path.startswith("/_inference/"):
            traffic.inference += 1
        else:
            traffic.other += 1
    traffic.connections = len(connections)
    traffic.routes = dict(sorted(routes.items()))
    return traffic


@dataclass
class Measurement:
    """One run of one operation by one layer."""

    layer: str
    operation: str
    n: int
    wall_s: float
    traffic: Traffic
    peak_rss_mb: float | None = None
    start_s: float | None = None  # provider: spawn + import + Configure, before the clock
    cpu_s: float | None = None  # provider process CPU (user + system) during the operation
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Row:
    """A table row: the median of the repeats of one (layer, operation)."""

    layer: str
    operation: str
    n: int
    wall_s: float
    walls_s: list[float]
    floor_s: float | None
    ratio: float | None
    inference_requests: int
    inference_per_endpoint: float
    root_gets: int
    privilege_checks: int
    privilege_checks_refused: int
    other_requests: int
    connections: int
    errors: int
    peak_rss_mb: float | None
    start_s: float | None
    cpu_s: float | None
    routes: dict[str, int]
    detail: dict[str, Any] = field(default_factory=dict)


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a live process has used so far."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def vm_hwm_mb(pid: int) -> float | None:
    """Peak resident set size (VmHWM) of a live process, in MiB."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+)\s+kB", text, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


def run_parallel(fn: Callable[[_I], _T], items: Sequence[_I], timeout: float) -> list[_T]:
    """``fn`` over ``items``, ``CONCURRENCY`` at a time, in order; bounded by ``timeout``."""
    pool = ThreadPoolExecutor(CONCURRENCY, thread_name_prefix="bench")
    futures: list[Future[_T]] = [pool.submit(fn, item) for item in items]
    try:
        done, pending = wait(futures, timeout=timeout, return_when=FIRST_EXCEPTION)
        for future in done:
            if future.exception() is not None:
                raise future.exception()  # type: ignore[misc]
        if pending:
            raise TimeoutError(
                f"{len(pending)} of {len(items)} calls still running after {timeout:.0f}s"
            )
        return [future.result() for future in futures]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def op_timeout(n: int, latency: float) -> float:
    """A generous bound for one operation over n endpoints (a hang fails, it never waits)."""
    return 120.0 + n * (1.0 + 20 * latency)


# --------------------------------------------------------------------------- floor


def floor_sequence(emu: EmulatorProcess, ids: Sequence[str]) -> list[Measurement]:
    """The same HTTP requests, no provider: one pooled httpx client per operation."""
    bodies = {i: request_body(api_props(i)) for i in ids}
    timeout = op_timeout(len(ids), emu.latency)

    def checked(response: httpx.Response) -> Any:
        if response.status_code >= 300:
            raise RuntimeError(
                f"floor: {response.request.method} {response.request.url} "
                f"answered {response.status_code}: {response.text[:300]}"
            )
        return response.json()

    operations: list[tuple[str, Callable[[httpx.Client, str], Any] | None]] = [
        ("create", lambda c, i: checked(c.put(endpoint_path(i), json=bodies[i]))),
        ("refresh", lambda c, i: checked(c.get(endpoint_path(i)))),
        ("preview", None),
        ("update", lambda c, i: checked(c.put(endpoint_path(i) + "/_update", json=UPDATE_BODY))),
        ("delete", lambda c, i: checked(c.delete(endpoint_path(i)))),
    ]
    results = []
    for name, call in operations:
        emu.clear_requests()
        if call is None:
            results.append(Measurement("floor", name, len(ids), 0.0, Traffic()))
            continue
        limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
        with httpx.Client(base_url=emu.url, limits=limits, timeout=60.0) as client:
            started = time.perf_counter()
            run_parallel(lambda i, call=call, client=client: call(client, i), ids, timeout)
            wall = time.perf_counter() - started
        results.append(Measurement("floor", name, len(ids), wall, summarize(emu.requests())))
    if emu.endpoint_ids() & set(ids):
        raise RuntimeError("floor: endpoints left after delete")
    return results


# --------------------------------------------------------------------------- provider process


def _with_process(
    emu: EmulatorProcess,
    name: str,
    ids: Sequence[str],
    call: Callable[[ProviderProcess, str], Any],
    timeout: float,
) -> tuple[Measurement, list[Any]]:
    """One operation in a fresh provider process, as one ``pulumi`` command would run it."""
    spawned = time.perf_counter()
    with ProviderProcess(config={"elasticsearch:url": emu.url}) as process:
        start = time.perf_counter() - spawned
        emu.clear_requests()
        cpu_before = cpu_seconds(process.pid)
        finished: list[float] = []

        def timed(inference_id: str) -> Any:
            result = call(process, inference_id)
            finished.append(time.perf_counter())
            return result

        started = time.perf_counter()
        results = run_parallel(timed, ids, timeout)
        wall = time.perf_counter() - started
        cpu_after = cpu_seconds(process.pid)
        peak = vm_hwm_mb(process.pid)
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    measurement = Measurement(
        "provider", name, len(ids), wall, summarize(emu.requests()), peak, start, cpu
    )
    # The first call also unpickles the provider, importing pulumi_inference and httpx.
    measurement.detail["first_endpoint_s"] = min(finished) - started
    return measurement, results


def provider_sequence(
    emu: EmulatorProcess,
    ids: Sequence[str],
    props_of: Callable[[str], dict[str, Any]] = api_props,
    operations: Sequence[str] = ("create", "refresh", "preview", "update", "delete"),
) -> list[Measurement]:
    """Create, refresh, preview, update and delete N endpoints through the provider process,
    each operation making the calls the engine makes for it."""
    timeout = op_timeout(len(ids), emu.latency)
    outputs: dict[str, dict[str, Any]] = {}
    measurements: list[Measurement] = []

    def create(process: ProviderProcess, inference_id: str) -> None:
        inputs, failures = process.check(props_of(inference_id))
        if failures:
            raise RuntimeError(f"check failed: {failures}")
        id_, outs = process.create(inputs)
        outputs[id_] = outs

    def refresh(process: ProviderProcess, inference_id: str) -> None:
        id_, outs, _inputs = process.read(inference_id, outputs[inference_id])
        if id_ != inference_id:
            raise RuntimeError(f"read of {inference_id} found it gone")
        outputs[inference_id] = outs

    def preview(process: ProviderProcess, inference_id: str) -> int:
        inputs, failures = process.check(props_of(inference_id), outputs[inference_id])
        if failures:
            raise RuntimeError(f"check failed: {failures}")
        return int(process.diff(inference_id, outputs[inference_id], inputs).changes)

    def update(process: ProviderProcess, inference_id: str) -> None:
        news = {**props_of(inference_id), "task_settings": {"user": "b"}}
        inputs, failures = process.check(news, outputs[inference_id])
        if failures:
            raise RuntimeError(f"check failed: {failures}")
        diff = process.diff(inference_id, outputs[inference_id], inputs)
        if diff.changes != provider_pb2.DiffResponse.DIFF_SOME or list(diff.replaces):
            raise RuntimeError(f"update of {inference_id}: unexpected diff {diff}")
        outputs[inference_id] = process.update(inference_id, outputs[inference_id], inputs)

    def delete(process: ProviderProcess, inference_id: str) -> None:
        process.delete(inference_id, outputs[inference_id])

    calls: dict[str, Callable[[ProviderProcess, str], Any]] = {
        "create": create,
        "refresh": refresh,
        "preview": preview,
        "update": update,
        "delete": delete,
    }
    for name in operations:
        measurement, results = _with_process(emu, name, ids, calls[name], timeout)
        if name == "preview":
            verdicts = Counter(provider_pb2.DiffResponse.DiffChanges.Name(r) for r in results)
            measurement.detail["diff"] = dict(verdicts)
            if set(verdicts) != {"DIFF_NONE"}:
                raise RuntimeError(f"preview of unchanged endpoints found changes: {verdicts}")
        if name == "create" and not set(ids) <= emu.endpoint_ids():
            raise RuntimeError("provider: endpoints missing after create")
        if name == "update" and emu.task_settings(ids[0]).get("user") != "b":
            raise RuntimeError("provider: task_settings not updated")
        if name == "delete" and emu.endpoint_ids() & set(ids):
            raise RuntimeError("provider: endpoints left after delete")
        measurements.append(measurement)
    return measurements


# --------------------------------------------------------------------------- deployments


def deployment_floor(emu: EmulatorProcess, ids: Sequence[str], poll: float = 0.02) -> Measurement:
    """PUT an elasticsearch-service endpoint, then poll its stats until fully allocated."""
    timeout = op_timeout(len(ids), emu.latency)

    def ready(stats: Mapping[str, Any]) -> bool:
        for model in stats.get("trained_model_stats", []):
            deployment = model.get("deployment_stats") or {}
            allocation = deployment.get("allocation_status") or {}
            if deployment.get("state") == "started" and allocation.get("state") == (
                "fully_allocated"
            ):
                return True
        return False

    def create(client: httpx.Client, inference_id: str) -> None:
        response = client.put(
            endpoint_path(inference_id), json=request_body(deploy_props(inference_id))
        )
        response.raise_for_status()
        give_up = time.monotonic() + 60.0
        while time.monotonic() < give_up:
            stats = client.get(f"/_ml/trained_models/{inference_id}/_stats")
            stats.raise_for_status()
            if ready(stats.json()):
                return
            time.sleep(poll)
        raise TimeoutError(f"floor: deployment {inference_id} never became ready")

    emu.clear_requests()
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    with httpx.Client(base_url=emu.url, limits=limits, timeout=60.0) as client:
        started = time.perf_counter()
        run_parallel(lambda i: create(client, i), ids, timeout)
        wall = time.perf_counter() - started
        measurement = Measurement(
            "floor", "create (deployment)", len(ids), wall, summarize(emu.requests())
        )
        for inference_id in ids:
            client.delete(endpoint_path(inference_id)).raise_for_status()
    return measurement


def deployment_rows(emu: EmulatorProcess, m: int) -> list[Measurement]:
    """Floor and provider creating m elasticsearch-service endpoints (model deployments)."""
    ids = endpoint_ids(m, "bench-deploy")
    emu.reset()
    floor = deployment_floor(emu, ids)
    emu.reset()
    provider = provider_sequence(emu, ids, deploy_props, operations=("create", "delete"))
    provider[0].operation = "create (deployment)"
    provider[1].operation = "delete (deployment)"
    return [floor, *provider]


# --------------------------------------------------------------------------- engine


class ProviderSampler:
    """Peak RSS of every ``python -m pulumi.dynamic`` process descending from this one,
    sampled from /proc while an engine operation runs (the engine starts and stops it)."""

    def __init__(self, interval: float = 0.1, max_seconds: float = 3600.0) -> None:
        self.interval = interval
        self.max_seconds = max_seconds
        self.peaks: dict[int, float] = {}
        self.cpu: dict[int, float] = {}  # lifetime CPU of each provider process, last seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="rss-sampler")

    def __enter__(self) -> ProviderSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    @property
    def peak_mb(self) -> float | None:
        return max(self.peaks.values()) if self.peaks else None

    @property
    def cpu_s(self) -> float | None:
        return sum(self.cpu.values()) if self.cpu else None

    @staticmethod
    def _providers() -> list[int]:
        parents: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry.name}/stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        mine = {os.getpid()}
        for _ in range(16):  # descendants, a bounded number of generations
            grown = mine | {pid for pid, parent in parents.items() if parent in mine}
            if grown == mine:
                break
            mine = grown
        found = []
        for pid in mine - {os.getpid()}:
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"pulumi.dynamic" in cmdline:
                found.append(pid)
        return found

    def _run(self) -> None:
        deadline = time.monotonic() + self.max_seconds
        known: list[int] = []
        last_scan = 0.0
        while not self._stop.is_set() and time.monotonic() < deadline:
            now = time.monotonic()
            if not known or now - last_scan > 1.0:
                known = sorted(set(known) | set(self._providers()))
                last_scan = now
            for pid in known:
                peak = vm_hwm_mb(pid)
                if peak is not None:
                    self.peaks[pid] = max(peak, self.peaks.get(pid, 0.0))
                cpu = cpu_seconds(pid)
                if cpu is not None:
                    self.cpu[pid] = max(cpu, self.cpu.get(pid, 0.0))
            self._stop.wait(self.interval)


def _bounded(fn: Callable[[], _T], timeout: float, on_timeout: Callable[[], None]) -> _T:
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = fn()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        on_timeout()
        thread.join(30)
        raise TimeoutError(f"engine operation still running after {timeout:.0f}s")
    if "error" in box:
        raise box["error"]
    result: _T = box["result"]
    return result


def engine_sequence(
    emu: EmulatorProcess,
    ids: Sequence[str],
    cli_dir: Path,
    *,
    layer: str = "engine",
    env: Mapping[str, str] | None = None,
) -> list[Measurement]:
    """``up``, ``preview``, ``refresh``, ``up`` (a task_settings change) and ``destroy`` of an
    inline program of N endpoints, through the Automation API on a local file backend."""
    import pulumi_inference as inference
    from devtools.engine import Engine

    declared = {"user": "a"}

    def program() -> None:
        for inference_id in ids:
            inference.InferenceEndpoint(
                inference_id,
                inference_id=inference_id,
                task_type="text_embedding",
                service="openai",
                service_settings={"model_id": MODEL, "api_key": API_KEY},
                task_settings={"user": declared["user"]},
            )

    timeout = 2 * op_timeout(len(ids), emu.latency)
    measurements = []
    n = len(ids)

    def quiet(_line: str) -> None:
        return None

    with tempfile.TemporaryDirectory(prefix="pulumi-inference-bench-") as workdir:
        engine = Engine(Path(workdir), cli_dir, env=env)
        stack = engine.stack(
            "bench", program, project="inference-bench", config={"elasticsearch:url": emu.url}
        )

        def up() -> Any:
            return stack.up(color="never", on_output=quiet)

        def update() -> Any:
            declared["user"] = "b"
            return stack.up(color="never", on_output=quiet)

        operations: list[tuple[str, Callable[[], Any], Callable[[Any], dict[str, int]]]] = [
            ("up", up, lambda r: dict(r.summary.resource_changes or {})),
            (
                "preview",
                lambda: stack.preview(color="never", on_output=quiet),
                lambda r: dict(r.change_summary),
            ),
            (
                "refresh",
                lambda: stack.refresh(color="never", on_output=quiet),
                lambda r: dict(r.summary.resource_changes or {}),
            ),
            ("up (update)", update, lambda r: dict(r.summary.resource_changes or {})),
            (
                "destroy",
                lambda: stack.destroy(color="never", on_output=quiet),
                lambda r: dict(r.summary.resource_changes or {}),
            ),
        ]
        expected = {
            "up": ("create", n + 1),
            "preview": ("same", n + 1),
            "refresh": ("same", n + 1),
            "up (update)": ("update", n),
            "destroy": ("delete", n + 1),
        }
        try:
            for name, run, changes_of in operations:
                emu.clear_requests()
                with ProviderSampler() as sampler:
                    started = time.perf_counter()
                    result = _bounded(run, timeout, stack.cancel)
                    wall = time.perf_counter() - started
                changes = changes_of(result)
                key, count = expected[name]
                if changes.get(key) != count:
                    raise RuntimeError(f"engine {name}: expected {count} {key}, got {changes}")
                measurement = Measurement(
                    layer, name, n, wall, summarize(emu.requests()), sampler.peak_mb
                )
                measurement.cpu_s = sampler.cpu_s  # lifetime, start included
                measurement.detail["changes"] = changes
                measurement.detail["provider_processes"] = len(sampler.peaks)
                measurements.append(measurement)
        finally:
            try:
                stack.workspace.remove_stack(stack.name, force=True)
            except Exception as exc:  # cleanup only; the temporary directory goes anyway
                print(f"warning: could not remove the benchmark stack: {exc}", file=sys.stderr)
    return measurements


# --------------------------------------------------------------------------- import time

_IMPORTTIME = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)$")


def _wall(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120, cwd=ROOT)
    return time.perf_counter() - started


def importtime_breakdown() -> dict[str, Any]:
    """One ``python -X importtime -c "import pulumi; import pulumi_inference"``: cumulative
    microseconds of ``pulumi`` and, on top of it, ``pulumi_inference``, with the latter's
    self time grouped by top-level package."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import pulumi; import pulumi_inference"],
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    top: dict[str, int] = {}
    pending: list[tuple[int, str]] = []  # (self us, module) since the last top-level import
    library_packages: Counter[str] = Counter()
    for line in completed.stderr.splitlines():
        match = _IMPORTTIME.match(line)
        if match is None:
            continue
        self_us, cumulative_us, indent, module = match.groups()
        if indent == "":
            top[module] = int(cumulative_us)
            if module == "pulumi_inference":
                for own, name in [*pending, (int(self_us), module)]:
                    library_packages[name.split(".")[0]] += own
            pending = []
        else:
            pending.append((int(self_us), module))
    return {
        "pulumi_us": top.get("pulumi"),
        "pulumi_inference_after_pulumi_us": top.get("pulumi_inference"),
        "by_package_us": dict(library_packages.most_common()),
    }


def import_times(runs: int = 7) -> dict[str, Any]:
    """Fresh interpreters: median wall time of ``pass``, ``import pulumi`` and ``import
    pulumi_inference``, interleaved; and the median ``-X importtime`` breakdown."""
    walls: dict[str, list[float]] = {"python": [], "pulumi": [], "pulumi_inference": []}
    codes = {
        "python": "pass",
        "pulumi": "import pulumi",
        "pulumi_inference": "import pulumi_inference",
    }
    _wall("import pulumi_inference")  # warm the file cache and the bytecode
    for _ in range(runs):
        for key, code in codes.items():
            walls[key].append(_wall(code))
    breakdowns = [importtime_breakdown() for _ in range(runs)]

    def median_of(key: str) -> float | None:
        values = [b[key] for b in breakdowns if b[key] is not None]
        return statistics.median(values) / 1000 if values else None

    packages: dict[str, float] = {}
    for name in breakdowns[0]["by_package_us"]:
        packages[name] = (
            statistics.median(b["by_package_us"].get(name, 0) for b in breakdowns) / 1000
        )
    medians = {key: statistics.median(values) for key, values in walls.items()}
    return {
        "runs": runs,
        "wall_s": medians,
        "wall_runs_s": walls,
        "attributable_wall_s": medians["pulumi_inference"] - medians["pulumi"],
        "importtime_ms": {
            "pulumi": median_of("pulumi_us"),
            "pulumi_inference_on_top_of_pulumi": median_of("pulumi_inference_after_pulumi_us"),
            "by_package": dict(sorted(packages.items(), key=lambda kv: -kv[1])),
        },
    }


# --------------------------------------------------------------------------- the table

FLOOR_OF = {
    "create": "create",
    "refresh": "refresh",
    "preview": "preview",
    "update": "update",
    "delete": "delete",
    "up": "create",
    "up (update)": "update",
    "destroy": "delete",
    "create (deployment)": "create (deployment)",
}


def rows_of(measurements: Sequence[Measurement]) -> list[Row]:
    """Median wall time per (layer, operation); counts from the run closest to it."""
    groups: dict[tuple[str, str], list[Measurement]] = {}
    for m in measurements:
        groups.setdefault((m.layer, m.operation), []).append(m)
    floors = {
        op: statistics.median(m.wall_s for m in group)
        for (layer, op), group in groups.items()
        if layer == "floor"
    }
    rows = []
    for (layer, op), group in groups.items():
        wall = statistics.median(m.wall_s for m in group)
        typical = min(group, key=lambda m: abs(m.wall_s - wall))
        floor = floors.get(FLOOR_OF.get(op, ""))
        n = typical.n
        peaks = [m.peak_rss_mb for m in group if m.peak_rss_mb is not None]
        starts = [m.start_s for m in group if m.start_s is not None]
        cpus = [m.cpu_s for m in group if m.cpu_s is not None]
        rows.append(
            Row(
                layer=layer,
                operation=op,
                n=n,
                wall_s=wall,
                walls_s=[m.wall_s for m in group],
                floor_s=floor if layer != "floor" else None,
                ratio=wall / floor if layer != "floor" and floor else None,
                inference_requests=typical.traffic.inference,
                inference_per_endpoint=typical.traffic.inference / n if n else 0.0,
                root_gets=typical.traffic.root_gets,
                privilege_checks=typical.traffic.privilege_checks,
                privilege_checks_refused=typical.traffic.privilege_checks_refused,
                other_requests=typical.traffic.other,
                connections=typical.traffic.connections,
                errors=typical.traffic.errors,
                peak_rss_mb=max(peaks) if peaks else None,
                start_s=statistics.median(starts) if starts else None,
                cpu_s=statistics.median(cpus) if cpus else None,
                routes=typical.traffic.routes,
                detail=typical.detail,
            )
        )
    return rows


def _fmt(value: float | None, spec: str, empty: str = "—") -> str:
    return empty if value is None else format(value, spec)


def render(rows: Sequence[Row], meta: Mapping[str, Any], imports: Mapping[str, Any] | None) -> str:
    lines = [
        f"N={meta['endpoints']} endpoints, {meta['latency_ms']:g} ms added per request, "
        f"{meta['cores']} cores, median of {meta['repeat']} (engine: 1 run), load average "
        f"{meta['load_average_start'][0]:.2f} at start",
        "",
        "| layer | operation | wall s | x floor | inference req/endpoint | GET / "
        "| privilege checks | other req "
        "| TCP conns | provider CPU s | provider peak RSS MiB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.layer} | {r.operation} | {r.wall_s:.2f} | {_fmt(r.ratio, '.2f')} "
            f"| {r.inference_per_endpoint:.2f} | {r.root_gets} | {r.privilege_checks} "
            f"| {r.other_requests} "
            f"| {r.connections} | {_fmt(r.cpu_s, '.2f')} | {_fmt(r.peak_rss_mb, '.0f')} |"
        )
    starts = [r.start_s for r in rows if r.start_s is not None and r.layer == "provider"]
    if starts:
        lines += [
            "",
            f"provider process start (spawn, import, Configure; not in wall s): "
            f"{statistics.median(starts):.2f} s median",
        ]
    firsts = [
        f"{r.operation} {r.detail['first_endpoint_s']:.2f}"
        for r in rows
        if r.layer == "provider" and "first_endpoint_s" in r.detail
    ]
    if firsts:
        lines.append(
            "provider time to the first finished endpoint (unpickling the provider imports "
            f"pulumi_inference; then the HTTP client, GET /), s: {', '.join(firsts)}"
        )
    if imports:
        cached = meta.get("bytecode_cache")
        lines += [
            "",
            f"bytecode: cached in {cached}"
            if cached
            else "bytecode: as the environment has "
            f"it (PYTHONDONTWRITEBYTECODE={meta.get('python_dont_write_bytecode')})",
        ]
        wall = imports["wall_s"]
        itime = imports["importtime_ms"]
        by_package = ", ".join(f"{k} {v:.0f}" for k, v in list(itime["by_package"].items())[:6])
        lines += [
            "",
            f"import time (fresh interpreter, median of {imports['runs']}): "
            f"python -c pass {wall['python']:.3f} s, import pulumi {wall['pulumi']:.3f} s, "
            f"import pulumi_inference {wall['pulumi_inference']:.3f} s "
            f"(+{imports['attributable_wall_s']:.3f} s over pulumi)",
            f"-X importtime: pulumi {_fmt(itime['pulumi'], '.0f')} ms, pulumi_inference on top "
            f"of pulumi {_fmt(itime['pulumi_inference_on_top_of_pulumi'], '.0f')} ms "
            f"(self ms by package: {by_package})",
        ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def cli_version(cli_dir: Path) -> str:
    try:
        out = subprocess.run(
            [str(cli_dir / "pulumi"), "version"], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.stdout.strip() or "unknown"


BYTECODE_CACHE = Path.home() / ".cache" / "pulumi-inference" / "benchmark-pycache"
_WARM_IMPORTS = (
    "import pulumi, pulumi.dynamic, pulumi.automation, pulumi.runtime.proto, dill, grpc, httpx; "
    "import pulumi_inference, pulumi_inference.services, pulumi_inference.emulator"
)


@contextlib.contextmanager
def bytecode_environment(cache: Path | None) -> Iterator[None]:
    """Child processes (emulator, provider, CLI and plugin, import timing) use compiled
    bytecode from ``cache`` as an installed package would, even where PYTHONDONTWRITEBYTECODE
    is set (as on CI machines); ``None`` leaves the environment as it is."""
    if cache is None:
        yield
        return
    saved = {key: os.environ.get(key) for key in ("PYTHONPYCACHEPREFIX", "PYTHONDONTWRITEBYTECODE")}
    cache.mkdir(parents=True, exist_ok=True)
    os.environ["PYTHONPYCACHEPREFIX"] = str(cache)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        subprocess.run([sys.executable, "-c", _WARM_IMPORTS], check=True, timeout=300, cwd=ROOT)
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run(
    endpoints: int = 50,
    latency_ms: float = 20.0,
    *,
    engine: bool = True,
    engine_skip_checkpoints: bool = False,
    repeat: int = 3,
    deployments: int = 8,
    import_runs: int = 7,
    bytecode_cache: Path | None = BYTECODE_CACHE,
    progress: Callable[[str], None] = lambda _message: None,
) -> dict[str, Any]:
    """Run every layer against one emulator; returns the report (rows, imports, meta)."""
    with bytecode_environment(bytecode_cache):
        return _run(
            endpoints,
            latency_ms,
            engine=engine,
            engine_skip_checkpoints=engine_skip_checkpoints,
            repeat=repeat,
            deployments=deployments,
            import_runs=import_runs,
            bytecode_cache=bytecode_cache,
            progress=progress,
        )


def _run(
    endpoints: int,
    latency_ms: float,
    *,
    engine: bool,
    engine_skip_checkpoints: bool,
    repeat: int,
    deployments: int,
    import_runs: int,
    bytecode_cache: Path | None,
    progress: Callable[[str], None],
) -> dict[str, Any]:
    import pulumi

    from devtools.engine import find_cli_dir

    ids = endpoint_ids(endpoints)
    cli_dir = find_cli_dir() if engine else None
    meta: dict[str, Any] = {
        "endpoints": endpoints,
        "latency_ms": latency_ms,
        "concurrency": CONCURRENCY,
        "repeat": repeat,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "pulumi_sdk": getattr(pulumi, "__version__", None) or _distribution_version("pulumi"),
        "pulumi_cli": cli_version(cli_dir) if cli_dir else None,
        "engine": bool(cli_dir),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": platform.machine(),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "bytecode_cache": str(bytecode_cache) if bytecode_cache else None,
        "python_dont_write_bytecode": os.environ.get("PYTHONDONTWRITEBYTECODE"),
    }
    if engine and cli_dir is None:
        progress("engine: no Pulumi CLI found (scripts/install-pulumi-cli); engine rows skipped")
    measurements: list[Measurement] = []
    with EmulatorProcess(latency_ms / 1000) as emu:
        for attempt in range(repeat):
            progress(f"floor, run {attempt + 1}/{repeat}")
            emu.reset()
            measurements += floor_sequence(emu, ids)
            progress(f"provider process, run {attempt + 1}/{repeat}")
            emu.reset()
            measurements += provider_sequence(emu, ids)
        if cli_dir is not None:
            progress("engine (Automation API)")
            emu.reset()
            measurements += engine_sequence(emu, ids, cli_dir)
            if engine_skip_checkpoints:
                progress("engine (Automation API), PULUMI_SKIP_CHECKPOINTS=true")
                emu.reset()
                measurements += engine_sequence(
                    emu,
                    ids,
                    cli_dir,
                    layer="engine, no checkpoints",
                    env={"PULUMI_SKIP_CHECKPOINTS": "true"},
                )
        if deployments > 0:
            progress(f"elasticsearch-service deployments (M={deployments})")
            measurements += deployment_rows(emu, deployments)
    imports = None
    if import_runs > 0:
        progress("import time")
        imports = import_times(import_runs)
    meta["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    rows = rows_of(measurements)
    return {
        "meta": meta,
        "rows": [asdict(r) for r in rows],
        "runs": [asdict(m) for m in measurements],
        "import_time": imports,
        "table": render(rows, meta, imports),
    }


def _distribution_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoints", type=int, default=50, help="N endpoints (default 50)")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="added per request")
    parser.add_argument("--no-engine", action="store_true", help="skip the Automation API rows")
    parser.add_argument(
        "--engine-skip-checkpoints",
        action="store_true",
        help="also run the engine with PULUMI_SKIP_CHECKPOINTS=true (the file backend's "
        "per-step state writes left out)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of floor and provider (median)")
    parser.add_argument(
        "--deployments",
        type=int,
        default=8,
        help="elasticsearch-service endpoints for the deployment rows (0: none)",
    )
    parser.add_argument("--import-runs", type=int, default=7, help="fresh interpreters per import")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write the JSON")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help=f"leave PYTHONDONTWRITEBYTECODE as it is (default: compiled bytecode cached in "
        f"{BYTECODE_CACHE} for every child process)",
    )
    args = parser.parse_args(argv)
    if args.endpoints < 1 or args.repeat < 1:
        parser.error("--endpoints and --repeat must be at least 1")

    def progress(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    report = run(
        args.endpoints,
        args.latency_ms,
        engine=not args.no_engine,
        engine_skip_checkpoints=args.engine_skip_checkpoints,
        repeat=args.repeat,
        deployments=args.deployments,
        import_runs=args.import_runs,
        bytecode_cache=None if args.no_bytecode_cache else BYTECODE_CACHE,
        progress=progress,
    )
    print(report["table"])
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    progress(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
