"""The ``/_emulator`` control plane: faults, request log, reset, settings, hand edits.

It never needs credentials and is never written to the request log. See README.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._api import Api
from ._errors import EsError, JsonDict, RawError, Response, no_handler
from ._faults import Fault, Faults
from ._request import Request
from ._store import State


def _bad(message: str) -> EsError:
    return EsError(400, "emulator_exception", message)


class Control:
    def __init__(self, state: State, faults: Faults, api: Api, reset: Callable[[], None]) -> None:
        self.state = state
        self.faults = faults
        self.api = api
        self._reset = reset

    def handle(self, req: Request) -> Response:
        try:
            if req.body_error is not None:
                raise _bad(req.body_error)
            return self._route(req)
        except (EsError, RawError) as err:
            return err.response()
        except (ValueError, TypeError) as err:
            return _bad(str(err)).response()

    def _route(self, req: Request) -> Response:
        m = req.method
        parts = [p for p in req.path.split("/") if p][1:]
        body: Any = req.body
        if not parts and m == "GET":
            return Response(200, self.summary())
        head = parts[0] if parts else ""
        if head == "faults" and len(parts) == 1:
            if m == "GET":
                return Response(
                    200, {"faults": self.faults.list(), "latency": self.faults.global_latency}
                )
            if m == "POST":
                return Response(200, {"faults": self.add_faults(body)})
            if m == "DELETE":
                self.faults.clear()
                return Response(200, {"acknowledged": True})
        if head == "faults" and len(parts) == 2 and m == "DELETE":
            try:
                removed = self.faults.remove(int(parts[1]))
            except ValueError:
                raise _bad(f"fault id must be an integer, got [{parts[1]}]") from None
            return Response(200 if removed else 404, {"acknowledged": removed})
        if head == "latency" and len(parts) == 1 and m in {"PUT", "POST"}:
            seconds = (body or {}).get("seconds") if isinstance(body, dict) else None
            if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
                raise _bad('body must be {"seconds": <non-negative number>}')
            self.faults.global_latency = float(seconds)
            return Response(200, {"latency": self.faults.global_latency})
        if head == "requests" and len(parts) == 1:
            if m == "GET":
                entries = self.state.log.entries()
                since = req.query.get("since")
                if since is not None:
                    entries = [e for e in entries if e["seq"] > int(since)]
                return Response(200, {"requests": entries})
            if m == "DELETE":
                self.state.log.clear()
                return Response(200, {"acknowledged": True})
        if head == "reset" and len(parts) == 1 and m == "POST":
            self._reset()
            return Response(200, {"acknowledged": True})
        if head == "settings" and len(parts) == 1:
            if m in {"PUT", "POST"}:
                if not isinstance(body, dict):
                    raise _bad("body must be a JSON object of settings")
                with self.state.lock:
                    self.state.settings.update(body)
            if m in {"GET", "PUT", "POST"}:
                return Response(200, self.state.settings.to_json())
        if head == "version" and len(parts) == 1:
            if m in {"PUT", "POST"}:
                version = body.get("version") if isinstance(body, dict) else None
                if not isinstance(version, str):
                    raise _bad('body must be {"version": "X.Y.Z"}')
                with self.state.lock:
                    self.state.settings.update({"version": version})
            if m in {"GET", "PUT", "POST"}:
                return Response(200, {"version": self.state.settings.version})
        if head == "endpoints" and len(parts) == 3 and parts[2] == "edit" and m == "POST":
            if not isinstance(body, dict):
                raise _bad("body must be a JSON object")
            return Response(200, self.api.edit_endpoint(parts[1], body))
        if head == "endpoints" and len(parts) == 2 and m == "GET":
            with self.state.lock:
                ep = self.state.endpoints.get(parts[1])
                if ep is None:
                    raise EsError(
                        404,
                        "resource_not_found_exception",
                        f"Inference endpoint not found [{parts[1]}]",
                    )
                return Response(
                    200,
                    {
                        "endpoint": self.api.view(ep, live=True),
                        "secret_keys": sorted(ep.secrets),
                        "deployment_id": ep.deployment_id,
                    },
                )
        if head == "deployments" and len(parts) == 1 and m == "POST":
            if not isinstance(body, dict) or not isinstance(body.get("model_id"), str):
                raise _bad('body must hold at least {"model_id": "..."}')
            deployment = self.api.models.start_deployment(
                body["model_id"],
                deployment_id=body.get("deployment_id"),
                num_allocations=body.get("num_allocations", 1),
                num_threads=body.get("num_threads", 1),
                adaptive_allocations=body.get("adaptive_allocations"),
            )
            return Response(200, deployment.stats())
        raise no_handler(m, req.uri)

    def add_faults(self, body: Any) -> list[JsonDict]:
        if isinstance(body, dict) and "faults" in body:
            body = body["faults"]
        items = body if isinstance(body, list) else [body]
        if not items or not all(isinstance(i, dict) for i in items):
            raise _bad('body must be a fault object, a list of them, or {"faults": [...]}')
        faults = [Fault.from_json(i) for i in items]  # validate all before adding any
        return [self.faults.add(f).to_json() for f in faults]

    def summary(self) -> JsonDict:
        with self.state.lock:
            return {
                "settings": self.state.settings.to_json(),
                "endpoints": sorted(self.state.endpoints),
                "pipelines": sorted(self.state.pipelines),
                "indices": sorted(self.state.indices),
                "deployments": sorted(self.state.deployments.by_id),
                "faults": self.faults.list(),
                "latency": self.faults.global_latency,
            }
