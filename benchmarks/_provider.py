"""The real dynamic-provider process over gRPC, driven as the engine drives it: a fresh process
per operation, four calls at once."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from pulumi.runtime.proto import provider_pb2

from benchmarks._cluster import EmulatorProcess, api_props
from benchmarks._measure import (
    Measurement,
    cpu_seconds,
    op_timeout,
    run_parallel,
    summarize,
    vm_hwm_mb,
)
from devtools.provider_process import ProviderProcess


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
