"""What one run of one operation measured: the requests the cluster saw (``Traffic``), the
``Measurement`` and table ``Row``, process CPU and peak RSS, and running calls in parallel."""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

CONCURRENCY = 4  # the dynamic-provider process serves at most 4 calls at once
_T = TypeVar("_T")
_I = TypeVar("_I")


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
