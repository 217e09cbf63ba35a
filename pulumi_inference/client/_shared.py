"""One answer about a whole cluster, shared by the reads of one engine command.

A refresh of 500 endpoints asks the cluster 500 times for one endpoint each. A provider
process serves one engine command (the engine starts its plugins per command), so once it
has been asked for a second endpoint of a cluster, one ``GET /_inference/_all`` answers
the rest. Sharing is switched on by the doors for such processes only (:func:`share_reads`);
a library caller reading endpoints one at a time always asks the cluster.

Never stale: the answer serves reads for :data:`MAX_AGE` seconds at most, any request that
may change the cluster (every method but ``GET``) through this process drops it, and a
fetch that started before such a request is not kept for later readers. Concurrent readers
wait for the one fetch in flight instead of sending their own. A fetch that fails (refused,
unreachable, an error) is not tried again in this process: every read falls back to its own
request, as before.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from ..errors import InferenceError

log = logging.getLogger("pulumi_inference")
_Value = TypeVar("_Value")

MAX_AGE = 10.0
"""Seconds a shared answer serves new reads (a refresh's reads arrive in one burst)."""

_sharing = False


def share_reads(enabled: bool = True) -> None:
    """Let reads share one answer per cluster: for a process that serves one engine command."""
    global _sharing
    _sharing = enabled


def sharing_reads() -> bool:
    return _sharing


@dataclass
class _Fetch(Generic[_Value]):
    generation: int
    started: float
    done: threading.Event = field(default_factory=threading.Event)
    value: _Value | None = None


class SharedAnswer(Generic[_Value]):
    """``fetch()``'s answer, fetched once and shared (see the module documentation)."""

    def __init__(
        self,
        fetch: Callable[[], _Value],
        what: str,
        *,
        max_age: float = MAX_AGE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._what = what
        self._max_age = max_age
        self._clock = clock
        self._lock = threading.Lock()
        self._generation = 0
        self._value: _Value | None = None
        self._taken_at = 0.0
        self._in_flight: _Fetch[_Value] | None = None
        self.failed = False

    def drop(self) -> None:
        """The cluster may have changed: no answer fetched so far serves a later read."""
        with self._lock:
            self._generation += 1
            self._value = None

    def get(self) -> _Value | None:
        """The shared answer, or ``None``: the caller asks for its own."""
        with self._lock:
            if self.failed:
                return None
            if self._value is not None and self._clock() - self._taken_at <= self._max_age:
                return self._value
            fetch = self._in_flight
            if fetch is not None:
                if fetch.generation != self._generation:
                    return None  # started before a change: not an answer for this read
                mine = False
            else:
                fetch = self._in_flight = _Fetch(self._generation, self._clock())
                mine = True
        if not mine:
            fetch.done.wait()
            return fetch.value
        return self._run(fetch)

    def _run(self, fetch: _Fetch[_Value]) -> _Value | None:
        value: _Value | None = None
        try:
            value = self._fetch()
        except InferenceError as exc:
            log.info(
                "pulumi-inference: %s in one request failed (%s); each read asks", self._what, exc
            )
        finally:
            with self._lock:
                self._in_flight = None
                if value is None:
                    self.failed = True
                elif fetch.generation == self._generation:
                    self._value, self._taken_at = value, fetch.started
            fetch.value = value
            fetch.done.set()
        return value


class _Reader(Protocol):
    def get_endpoint(self, task_type: str, inference_id: str) -> dict[str, Any] | None: ...
    def list_endpoints(self) -> list[dict[str, Any]]: ...
    def trained_model_stats(self, model_id: str) -> dict[str, Any] | None: ...
    def all_model_stats(self) -> dict[str, Any]: ...


def _by_id(endpoints: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(e.get("inference_id")): e for e in endpoints}


def _by_deployment(stats: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for model in stats.get("trained_model_stats") or []:
        deployment = model.get("deployment_stats") if isinstance(model, dict) else None
        if isinstance(deployment, dict) and deployment.get("deployment_id"):
            found.setdefault(str(deployment["deployment_id"]), []).append(model)
    return found


class ClusterReads:
    """A cluster's endpoints and deployment stats for ``operations.read``. The first read
    of each kind in a process asks for its own; once sharing is on, later ones share one
    answer. What that answer does not show as asked is asked for alone: an endpoint missing
    from the listing is confirmed gone by its own request, never assumed."""

    def __init__(self, client: _Reader) -> None:
        self._client = client
        self._endpoints = SharedAnswer(
            lambda: _by_id(client.list_endpoints()), "the cluster's endpoints"
        )
        self._stats = SharedAnswer(
            lambda: _by_deployment(client.all_model_stats()), "the cluster's deployments"
        )
        self._lock = threading.Lock()
        self._asked: set[str] = set()

    @contextlib.contextmanager
    def changing(self, changes: bool) -> Iterator[None]:
        """Around a request: one that may change the cluster drops the shared answers, before
        (none is taken from a cluster about to change) and after (none taken meanwhile)."""
        if changes:
            self._changed()
        try:
            yield
        finally:
            if changes:
                self._changed()

    def _changed(self) -> None:
        self._endpoints.drop()
        self._stats.drop()

    def _shared(self, kind: str) -> bool:
        """Whether this read may share: sharing is on and it is not the first of its kind."""
        with self._lock:
            first = kind not in self._asked
            self._asked.add(kind)
        return _sharing and not first

    def endpoint(self, task_type: str, inference_id: str) -> dict[str, Any] | None:
        listing = self._endpoints.get() if self._shared("endpoint") else None
        found = (listing or {}).get(inference_id)
        if found is not None and found.get("task_type") == task_type:
            return copy.deepcopy(found)
        return self._client.get_endpoint(task_type, inference_id)

    def model_stats(self, deployment_id: str) -> dict[str, Any] | None:
        stats = self._stats.get() if self._shared("stats") else None
        models = (stats or {}).get(deployment_id)
        if models:
            return {"count": len(models), "trained_model_stats": copy.deepcopy(models)}
        return self._client.trained_model_stats(deployment_id)
