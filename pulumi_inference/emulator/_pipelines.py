"""``PUT|GET|DELETE /_ingest/pipeline/{id}``: stored as sent, for the delete reference checks."""

from __future__ import annotations

from typing import Any

from ._errors import EsError, Response
from ._store import State, deep_copy


class Pipelines:
    def __init__(self, state: State) -> None:
        self.state = state

    def put(self, pid: str, body: Any) -> Response:
        if not isinstance(body, dict):
            raise EsError(400, "parse_exception", "request body is required")
        with self.state.lock:
            self.state.pipelines[pid] = deep_copy(body)
        return Response(200, {"acknowledged": True})

    def get(self, pid: str | None) -> Response:
        with self.state.lock:
            if pid is None or pid in {"_all", "*"}:
                return Response(200, deep_copy(self.state.pipelines))
            if pid not in self.state.pipelines:
                return Response(404, {})
            return Response(200, {pid: deep_copy(self.state.pipelines[pid])})

    def delete(self, pid: str) -> Response:
        with self.state.lock:
            if self.state.pipelines.pop(pid, None) is None:
                raise EsError(404, "resource_not_found_exception", f"pipeline [{pid}] is missing")
        return Response(200, {"acknowledged": True})
