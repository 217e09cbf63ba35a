"""The floor: the HTTP requests alone, one pooled ``httpx.Client`` at the provider's concurrency
(plain endpoints, and model deployments polled until allocated)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx

from benchmarks._cluster import (
    UPDATE_BODY,
    EmulatorProcess,
    api_props,
    deploy_props,
    endpoint_path,
    request_body,
)
from benchmarks._measure import (
    CONCURRENCY,
    Measurement,
    Traffic,
    op_timeout,
    run_parallel,
    summarize,
)


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
