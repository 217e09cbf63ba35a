"""Reliability suite: many endpoint lifecycles through the provider under injected faults.

Each endpoint goes create -> read -> update -> read -> delete through
``InferenceEndpointProvider`` methods, four at a time (the engine's four provider threads),
against the emulator on 127.0.0.1. Before each call a fault may be planted on exactly that
call's method and path (so threads never steal each other's faults): 429 with Retry-After,
502, 503, 504, a connection reset before the cluster acts, an answer lost after it acted
(applied but unanswered), or extra latency; every request also pays a small latency.

After every call the emulator's state is checked directly (no HTTP) and the run prints:
operations, faults injected, retries, failed operations, endpoints lost (reported done but
not so on the cluster), endpoints duplicated (stored more than once for one create), endpoints
left behind, and wall time. Bounded in count (``--endpoints``) and time (``--time-limit``).

    .venv/bin/python benchmarks/reliability.py --endpoints 200 --fault-rate 0.3

Not a test; tests/provider/test_reliability.py runs it small and asserts nothing is lost or
duplicated.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pulumi_inference import InferenceEndpointProvider
from pulumi_inference.client import close_all, pooled_clients
from pulumi_inference.emulator import Emulator, EmulatorConfig

SERVICE_KEY = "sk-reliability-0000000000"
FAILED = object()  # what _Suite._call returns when the provider call raised
# (weight, description, Faults.add keyword arguments)
FAULTS: list[tuple[int, str, dict[str, Any]]] = [
    (3, "429 Retry-After 0.05s", {"action": "status", "status": 429, "retry_after": 0.05}),
    (1, "429 Retry-After 1s", {"action": "status", "status": 429, "retry_after": 1}),
    (2, "502", {"action": "status", "status": 502}),
    (2, "503", {"action": "status", "status": 503}),
    (2, "504", {"action": "status", "status": 504}),
    (3, "connection reset", {"action": "reset"}),
    (3, "applied but unanswered", {"action": "drop"}),
    (2, "latency 0.2s", {"action": "latency", "seconds": 0.2}),
]


@dataclass
class Report:
    endpoints: int = 0
    completed: int = 0  # lifecycles that ran to the end
    operations: int = 0
    faults_planted: int = 0
    faults_injected: int = 0  # planted faults a request actually hit
    faults_by_kind: collections.Counter[str] = field(default_factory=collections.Counter)
    retries: int = 0
    requests: int = 0
    failed: int = 0
    failures: collections.Counter[str] = field(default_factory=collections.Counter)
    lost: int = 0
    duplicated: int = 0
    left_behind: int = 0
    wall_time: float = 0.0
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"endpoints             {self.endpoints} ({self.completed} full lifecycles)",
            f"operations            {self.operations}",
            f"faults injected       {self.faults_injected} (planted {self.faults_planted})",
        ]
        out += [f"  {kind:<24}{n}" for kind, n in sorted(self.faults_by_kind.items())]
        out += [
            f"requests sent         {self.requests}",
            f"retries               {self.retries}",
            f"failed operations     {self.failed}",
        ]
        out += [f"  {kind}: {n}" for kind, n in self.failures.most_common()]
        out += [
            f"endpoints lost        {self.lost}",
            f"endpoints duplicated  {self.duplicated}",
            f"endpoints left behind {self.left_behind}",
            f"wall time             {self.wall_time:.1f}s",
        ]
        out += [f"note: {note}" for note in self.notes[:10]]
        return out


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    close_all()  # clients read the retry policy when created
    try:
        yield
    finally:
        close_all()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class _Suite:
    def __init__(
        self,
        emu: Emulator,
        *,
        fault_rate: float,
        deployment_share: float,
        seed: int,
        stop_at: float,
    ) -> None:
        self.emu = emu
        self.fault_rate = fault_rate
        self.deployment_share = deployment_share
        self.random = random.Random(seed)
        self.random_lock = threading.Lock()
        self.stop_at = stop_at
        self.lock = threading.Lock()
        self.report = Report()
        self.stored: collections.Counter[str] = collections.Counter()
        self.planted: list[tuple[str, Any]] = []
        self.provider = InferenceEndpointProvider()
        self._count_stored_creates()

    def _count_stored_creates(self) -> None:
        """Count, on the cluster side, every create that stored an endpoint."""
        api = self.emu.api
        original: Callable[..., Any] = api.inference_put

        def counted(task_type: Any, inference_id: str, req: Any) -> Any:
            with self.emu.state.lock:
                before = inference_id in self.emu.state.endpoints
            try:
                return original(task_type, inference_id, req)
            finally:
                with self.emu.state.lock:
                    after = inference_id in self.emu.state.endpoints
                if after and not before:
                    with self.lock:
                        self.stored[inference_id] += 1

        api.inference_put = counted  # type: ignore[method-assign]

    # -- faults -------------------------------------------------------------------------

    def _chance(self) -> float:
        with self.random_lock:
            return self.random.random()

    def _plant(self, method: str, path: str) -> None:
        """Maybe plant one or two faults on exactly this call."""
        if self._chance() >= self.fault_rate:
            return
        with self.random_lock:
            count = 1 if self.random.random() < 0.7 else 2
            picks = self.random.choices(FAULTS, weights=[w for w, _, _ in FAULTS], k=count)
        for _, kind, spec in picks:
            fault = self.emu.faults.add(
                {**spec, "method": method, "path": "^" + re.escape(path) + "$", "count": 1}
            )
            with self.lock:
                self.planted.append((kind, fault))
                self.report.faults_planted += 1

    # -- one endpoint ---------------------------------------------------------------------

    def _props(self, inference_id: str, deploys: bool, version: str) -> dict[str, Any]:
        props: dict[str, Any] = {
            "inference_id": inference_id,
            "task_type": "text_embedding",
            "connection": {"url": self.emu.url},
            "deployment_timeout": 60,
        }
        if deploys:
            props["service"] = "elasticsearch"
            props["service_settings"] = {
                "model_id": ".multilingual-e5-small",
                "num_threads": 1,
                "num_allocations": 1 if version == "a" else 2,
            }
        else:
            props["service"] = "openai"
            props["service_settings"] = {"model_id": "text-embedding-3-small"}
            props["task_settings"] = {"user": version}
            props["secrets"] = {"service_settings": {"api_key": SERVICE_KEY}}
        return props

    def _call(self, name: str, method: str, path: str, call: Callable[[], Any]) -> Any:
        self._plant(method, path)
        with self.lock:
            self.report.operations += 1
        try:
            return call()
        except Exception as exc:  # every failure is a figure, not a crash
            with self.lock:
                self.report.failed += 1
                self.report.failures[f"{name}: {type(exc).__name__}"] += 1
                if len(self.report.notes) < 10:
                    self.report.notes.append(f"{name}: {str(exc)[:300]}")
            return FAILED

    def _lost(self, note: str) -> None:
        with self.lock:
            self.report.lost += 1
            self.report.notes.append(f"LOST {note}")

    def lifecycle(self, index: int) -> None:
        if time.monotonic() >= self.stop_at:
            return
        with self.random_lock:
            deploys = self.random.random() < self.deployment_share
        inference_id = f"rel-{index:05d}"
        path = f"/_inference/text_embedding/{inference_id}"
        provider, emu = self.provider, self.emu
        with self.lock:
            self.report.endpoints += 1

        old = self._props(inference_id, deploys, "a")
        created = self._call("create", "PUT", path, lambda: provider.create(old))
        if created is FAILED:
            return
        if emu.endpoint(inference_id) is None:
            self._lost(f"{inference_id}: create reported success, nothing on the cluster")
            return
        olds = created.outs

        read = self._call("read", "GET", path, lambda: provider.read(inference_id, olds))
        if read is not FAILED and read.id != inference_id:
            self._lost(f"{inference_id}: read says the endpoint is gone")

        news = {**olds, **self._props(inference_id, deploys, "b")}
        updated = self._call(
            "update",
            "PUT",
            path + "/_update",
            lambda: provider.update(inference_id, olds, news),
        )
        if updated is FAILED:
            return
        live = emu.endpoint(inference_id)
        if live is None:
            self._lost(f"{inference_id}: gone after update")
            return
        if deploys:
            applied = live["service_settings"].get("num_allocations") is not None
        else:
            applied = live.get("task_settings", {}).get("user") == "b"
        if not applied:
            self._lost(f"{inference_id}: update reported success but not applied")
        outs = updated.outs

        self._call("read", "GET", path, lambda: provider.read(inference_id, outs))
        deleted = self._call("delete", "DELETE", path, lambda: provider.delete(inference_id, outs))
        if deleted is FAILED:
            return  # counted as failed (and as left behind if it is still there)
        if emu.endpoint(inference_id) is not None:
            self._lost(f"{inference_id}: delete reported success, still on the cluster")
            return
        with self.lock:
            self.report.completed += 1

    # -- figures ----------------------------------------------------------------------------

    def finish(self, started: float) -> Report:
        report = self.report
        report.wall_time = time.monotonic() - started
        for kind, fault in self.planted:
            if fault.hits:
                report.faults_injected += 1
                report.faults_by_kind[kind] += 1
        report.duplicated = sum(n - 1 for n in self.stored.values() if n > 1)
        with self.emu.state.lock:
            report.left_behind = len(self.emu.state.endpoints)
        clients = pooled_clients()
        report.retries = sum(c.retries for c in clients)
        report.requests = sum(c.requests_sent for c in clients)
        return report


def run(
    endpoints: int = 100,
    *,
    threads: int = 4,
    fault_rate: float = 0.25,
    deployment_share: float = 0.0,
    latency: float = 0.001,
    seed: int = 7,
    time_limit: float = 300.0,
    retry_deadline: float = 20.0,
) -> Report:
    """Run the suite and return its figures (see the module documentation)."""
    config = EmulatorConfig(deployment_seconds=0.3, latency=latency)
    env = {
        "PULUMI_INFERENCE_RETRY_DEADLINE": str(retry_deadline),
        "PULUMI_INFERENCE_RETRY_BASE_DELAY": "0.02",
        "PULUMI_INFERENCE_RETRY_MAX_DELAY": "0.5",
    }
    with _environment(env), Emulator(config) as emu:
        started = time.monotonic()
        suite = _Suite(
            emu,
            fault_rate=fault_rate,
            deployment_share=deployment_share,
            seed=seed,
            stop_at=started + time_limit,
        )
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(suite.lifecycle, range(endpoints)))
        return suite.finish(started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoints", type=int, default=100)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--fault-rate", type=float, default=0.25, help="share of calls faulted")
    parser.add_argument(
        "--deployments", type=float, default=0.0, help="share of elasticsearch-service endpoints"
    )
    parser.add_argument("--latency", type=float, default=0.001, help="seconds on every request")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds")
    parser.add_argument("--retry-deadline", type=float, default=20.0, help="seconds")
    args = parser.parse_args(argv)
    report = run(
        args.endpoints,
        threads=args.threads,
        fault_rate=args.fault_rate,
        deployment_share=args.deployments,
        latency=args.latency,
        seed=args.seed,
        time_limit=args.time_limit,
        retry_deadline=args.retry_deadline,
    )
    print("\n".join(report.lines()))
    return 0 if report.lost == 0 and report.duplicated == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
