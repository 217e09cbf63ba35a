"""The real Pulumi CLI through the Automation API, with the provider processes it starts sampled
for peak RSS."""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from benchmarks._cluster import API_KEY, MODEL, EmulatorProcess
from benchmarks._measure import Measurement, cpu_seconds, op_timeout, summarize, vm_hwm_mb

_T = TypeVar("_T")


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
