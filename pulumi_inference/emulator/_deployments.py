"""Simulated trained-model deployments (elasticsearch and elser services).

A deployment starts with zero allocations and reaches its target over ``duration`` seconds
(half way, a target of two or more shows one allocation and state ``started``). Adaptive
allocations rest at ``min_number_of_allocations`` (zero is a valid, fully allocated state).
A rescale moves from the current count to the new target over the same duration.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ._errors import JsonDict


def target_allocations(num_allocations: Any, adaptive: Any) -> int:
    if isinstance(adaptive, dict) and adaptive.get("enabled", True):
        low = adaptive.get("min_number_of_allocations")
        if isinstance(low, int):
            return max(low, 0)
        return 1 if not isinstance(num_allocations, int) else num_allocations
    return num_allocations if isinstance(num_allocations, int) else 1


@dataclass
class Deployment:
    deployment_id: str
    model_id: str
    num_threads: int
    num_allocations: int | None
    adaptive_allocations: JsonDict | None
    duration: float
    never_ready: bool = False
    owner: str | None = None  # inference id that started it; None = started through the ML API
    created_at: float = field(default_factory=time.monotonic)
    changed_at: float = 0.0
    previous_count: int = 0
    floor: int = 0  # one allocation while an inference call woke adaptive allocations at zero

    def __post_init__(self) -> None:
        self.changed_at = self.created_at

    @property
    def target(self) -> int:
        return max(target_allocations(self.num_allocations, self.adaptive_allocations), self.floor)

    @property
    def adaptive_at_zero(self) -> bool:
        """Adaptive allocations that rest at zero and are at zero now."""
        adaptive = self.adaptive_allocations
        enabled = isinstance(adaptive, dict) and adaptive.get("enabled", True)
        return bool(enabled) and self.target == 0 and self.allocation_count() == 0

    def rescale(self, num_allocations: int | None, adaptive: JsonDict | None) -> None:
        now = time.monotonic()
        self.previous_count = self.allocation_count(now)
        self.num_allocations = num_allocations
        self.adaptive_allocations = adaptive
        self.changed_at = now

    def scale_from_zero(self) -> None:
        """What an inference call does to adaptive allocations at zero: one allocation starts
        (ready after the deployment's duration)."""
        now = time.monotonic()
        self.previous_count = self.allocation_count(now)
        self.floor = 1
        self.changed_at = now

    def scale_to_zero(self) -> None:
        """Back to the adaptive minimum at once, as after the idle period of a real cluster."""
        self.floor = 0
        self.previous_count = 0
        self.changed_at = time.monotonic() - self.duration

    def _started(self, now: float) -> bool:
        if self.never_ready:
            return False
        elapsed = now - self.created_at
        if elapsed >= self.duration:
            return True
        return self.target >= 2 and elapsed >= self.duration / 2

    def allocation_count(self, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        if self.never_ready:
            return 0
        elapsed = now - self.changed_at
        if elapsed >= self.duration:
            return self.target
        if self.previous_count == 0 and self.target >= 2 and elapsed >= self.duration / 2:
            return 1
        return self.previous_count

    def finish(self) -> None:
        """Started and fully allocated from now on, even if held by ``never_ready``."""
        self.never_ready = False
        self.duration = 0.0

    def is_started(self) -> bool:
        """What a PUT waits for: deployment state ``started`` (not necessarily all allocations)."""
        return self._started(time.monotonic())

    def stats(self, *, serverless: bool = False) -> JsonDict:
        now = time.monotonic()
        count = self.allocation_count(now)
        started = self._started(now)
        target = self.target
        if not started:
            alloc_state = "starting"
        elif count < target:
            alloc_state = "started"
        else:
            alloc_state = "fully_allocated"
        stats: JsonDict = {
            "deployment_id": self.deployment_id,
            "model_id": self.model_id,
            "threads_per_allocation": self.num_threads,
            "number_of_allocations": count,
            "queue_capacity": 1024,
            "priority": "normal",
            "nodes": [],
        }
        if self.adaptive_allocations is not None:
            stats["adaptive_allocations"] = dict(self.adaptive_allocations)
        if not serverless:
            stats["state"] = "started" if started else "starting"
            stats["allocation_status"] = {
                "allocation_count": count,
                "target_allocation_count": target,
                "state": alloc_state,
            }
        return stats


class Deployments:
    """All deployments by id (callers hold the emulator's state lock)."""

    def __init__(self) -> None:
        self.by_id: dict[str, Deployment] = {}

    def get(self, deployment_id: str) -> Deployment | None:
        return self.by_id.get(deployment_id)

    def add(self, deployment: Deployment) -> Deployment:
        self.by_id[deployment.deployment_id] = deployment
        return deployment

    def remove(self, deployment_id: str) -> None:
        self.by_id.pop(deployment_id, None)

    def clear(self) -> None:
        self.by_id.clear()

    def find(self, ident: str) -> list[Deployment]:
        """Deployments whose deployment id or model id is ``ident`` (``_all``/``*``: all)."""
        if ident in {"_all", "*"}:
            return sorted(self.by_id.values(), key=lambda d: d.deployment_id)
        wanted = {part for part in ident.split(",") if part}
        return sorted(
            (d for d in self.by_id.values() if d.deployment_id in wanted or d.model_id in wanted),
            key=lambda d: d.deployment_id,
        )

    def stats_body(self, ident: str, *, serverless: bool = False) -> JsonDict | None:
        found = self.find(ident)
        if not found:
            return None
        items = [
            {
                "model_id": d.model_id,
                "model_size_stats": {
                    "model_size_bytes": 438123914,
                    "required_native_memory_bytes": 2101346304,
                },
                "pipeline_count": 0,
                "deployment_stats": d.stats(serverless=serverless),
            }
            for d in found
        ]
        return {"count": len(items), "trained_model_stats": items}
