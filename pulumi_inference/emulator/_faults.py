"""Fault injection: latency, error statuses, dropped connections, slow or stuck deployments.

A fault matches a request by HTTP method (``None`` = any) and a regular expression searched
in the path (query string excluded). ``count`` is how many matching requests it affects
(``None`` = every one until cleared). Actions:

``latency``            sleep ``seconds`` before handling (stacks with the others)
``status``             answer ``status`` (429 adds ``Retry-After`` when ``retry_after`` is set)
``reset``              close the TCP connection without answering, nothing is done
``drop``               perform the request, then close the connection without answering
``deployment_timeout`` a PUT that starts a deployment stores the endpoint, answers 408
``never_ready``        deployments started by matching PUTs never become ready
``slow_inference``     a matching inference call's model takes ``seconds`` (past the call's
                       ``timeout``, the call fails as Elasticsearch's does)
"""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from ._errors import EsError, JsonDict

ACTIONS = (
    "latency",
    "status",
    "reset",
    "drop",
    "deployment_timeout",
    "never_ready",
    "slow_inference",
)
_ALIASES = {"applied_unanswered": "drop", "connection_reset": "reset", "delay": "latency"}
RESPONSE_ACTIONS = frozenset({"status", "reset", "drop"})
_ids = itertools.count(1)


@dataclass
class Fault:
    action: str = "status"
    method: str | None = None
    path: str = ".*"
    count: int | None = 1
    status: int = 503
    retry_after: float | None = None
    seconds: float = 0.0
    body: Any = None
    id: int = field(default_factory=lambda: next(_ids))
    hits: int = 0

    def __post_init__(self) -> None:
        self.action = _ALIASES.get(self.action, self.action)
        if self.action not in ACTIONS:
            raise ValueError(f"unknown fault action [{self.action}]; one of {list(ACTIONS)}")
        if self.method is not None:
            self.method = self.method.upper()
        self._regex = re.compile(self.path)
        if self.count is not None and self.count < 0:
            raise ValueError("count must be >= 0 or null")

    def matches(self, method: str, path: str) -> bool:
        if self.count is not None and self.hits >= self.count:
            return False
        if self.method is not None and self.method != method.upper():
            return False
        return self._regex.search(path) is not None

    def to_json(self) -> JsonDict:
        out: JsonDict = {
            "id": self.id,
            "action": self.action,
            "method": self.method,
            "path": self.path,
            "count": self.count,
            "hits": self.hits,
        }
        if self.action == "status":
            out["status"] = self.status
            out["retry_after"] = self.retry_after
            if self.body is not None:
                out["body"] = self.body
        if self.action in {"latency", "slow_inference"}:
            out["seconds"] = self.seconds
        return out

    def error(self) -> EsError:
        """The error answered by a ``status`` fault."""
        if self.status == 429:
            type_, reason = "es_rejected_execution_exception", "rejected execution (emulated)"
        elif self.status == 408:
            type_, reason = "status_exception", "request timed out (emulated)"
        else:
            type_, reason = "status_exception", f"emulated fault: HTTP {self.status}"
        headers: list[tuple[str, str]] = []
        if self.retry_after is not None:
            value = self.retry_after
            text = str(int(value)) if float(value).is_integer() else str(value)
            headers.append(("Retry-After", text))
        return EsError(self.status, type_, reason, headers=headers)

    @classmethod
    def from_json(cls, data: JsonDict) -> Fault:
        allowed = {"action", "method", "path", "count", "status", "retry_after", "seconds", "body"}
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown fault fields {sorted(unknown)}; allowed {sorted(allowed)}")
        return cls(**data)


class Faults:
    """The active faults of one emulator; thread-safe. Reachable as ``Emulator.faults``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self.global_latency: float = 0.0

    # -- building
    def add(self, fault: Fault | JsonDict | None = None, /, **kwargs: Any) -> Fault:
        """Add a :class:`Fault`, a JSON-shaped dict, or keyword fields of :class:`Fault`."""
        if fault is None:
            fault = Fault.from_json(kwargs)
        elif isinstance(fault, dict):
            fault = Fault.from_json({**fault, **kwargs})
        with self._lock:
            self._faults.append(fault)
        return fault

    def status(
        self,
        status: int,
        *,
        method: str | None = None,
        path: str = ".*",
        count: int | None = 1,
        retry_after: float | None = None,
    ) -> Fault:
        return self.add(
            Fault("status", method, path, count, status=status, retry_after=retry_after)
        )

    def reset_connection(
        self, *, method: str | None = None, path: str = ".*", count: int | None = 1
    ) -> Fault:
        return self.add(Fault("reset", method, path, count))

    def drop_response(
        self, *, method: str | None = None, path: str = ".*", count: int | None = 1
    ) -> Fault:
        """Perform the matching request, then close the connection without answering."""
        return self.add(Fault("drop", method, path, count))

    def latency(
        self,
        seconds: float,
        *,
        method: str | None = None,
        path: str = ".*",
        count: int | None = None,
    ) -> Fault:
        return self.add(Fault("latency", method, path, count, seconds=seconds))

    def deployment_timeout(self, *, path: str = ".*", count: int | None = 1) -> Fault:
        return self.add(Fault("deployment_timeout", "PUT", path, count))

    def never_ready(self, *, path: str = ".*", count: int | None = None) -> Fault:
        return self.add(Fault("never_ready", "PUT", path, count))

    def slow_inference(
        self, seconds: float, *, path: str = ".*", count: int | None = None
    ) -> Fault:
        """Matching inference calls take ``seconds`` (the model's time, counted against the
        call's ``timeout``)."""
        return self.add(Fault("slow_inference", "POST", path, count, seconds=seconds))

    def remove(self, fault_id: int) -> bool:
        with self._lock:
            before = len(self._faults)
            self._faults = [f for f in self._faults if f.id != fault_id]
            return len(self._faults) != before

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self.global_latency = 0.0

    def list(self) -> list[JsonDict]:
        with self._lock:
            return [f.to_json() for f in self._faults]

    # -- applying
    def latency_for(self, method: str, path: str) -> float:
        total = self.global_latency
        with self._lock:
            for f in self._faults:
                if f.action == "latency" and f.matches(method, path):
                    f.hits += 1
                    total += f.seconds
        return total

    def take(self, actions: frozenset[str] | str, method: str, path: str) -> Fault | None:
        """The first active fault with one of ``actions`` matching; counts one hit."""
        wanted = frozenset({actions}) if isinstance(actions, str) else actions
        with self._lock:
            for f in self._faults:
                if f.action in wanted and f.matches(method, path):
                    f.hits += 1
                    return f
        return None
