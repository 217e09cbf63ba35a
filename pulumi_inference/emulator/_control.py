"""The ``/_emulator`` control plane: faults, request log, reset, settings, hand edits, API keys.

It never needs credentials and is never written to the request log. See README.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._api import Api
from ._auth import ApiKey, key_id
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
        parts = [p for p in req.path.split("/") if p][1:]
        for methods, pattern, handler in _ROUTES:
            args = _match(pattern, parts)
            if args is not None and req.method in methods:
                return handler(self, req, args)
        raise no_handler(req.method, req.uri)

    def _get_summary(self, req: Request, args: list[str]) -> Response:
        return Response(200, self.summary())

    def _list_faults(self, req: Request, args: list[str]) -> Response:
        return Response(200, {"faults": self.faults.list(), "latency": self.faults.global_latency})

    def _add_faults(self, req: Request, args: list[str]) -> Response:
        return Response(200, {"faults": self.add_faults(req.body)})

    def _clear_faults(self, req: Request, args: list[str]) -> Response:
        self.faults.clear()
        return Response(200, {"acknowledged": True})

    def _remove_fault(self, req: Request, args: list[str]) -> Response:
        try:
            removed = self.faults.remove(int(args[0]))
        except ValueError:
            raise _bad(f"fault id must be an integer, got [{args[0]}]") from None
        return Response(200 if removed else 404, {"acknowledged": removed})

    def _set_latency(self, req: Request, args: list[str]) -> Response:
        body = req.body
        seconds = (body or {}).get("seconds") if isinstance(body, dict) else None
        if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
            raise _bad('body must be {"seconds": <non-negative number>}')
        self.faults.global_latency = float(seconds)
        return Response(200, {"latency": self.faults.global_latency})

    def _list_requests(self, req: Request, args: list[str]) -> Response:
        entries = self.state.log.entries()
        since = req.query.get("since")
        if since is not None:
            entries = [e for e in entries if e["seq"] > int(since)]
        return Response(200, {"requests": entries})

    def _clear_requests(self, req: Request, args: list[str]) -> Response:
        self.state.log.clear()
        return Response(200, {"acknowledged": True})

    def _reset_all(self, req: Request, args: list[str]) -> Response:
        self._reset()
        return Response(200, {"acknowledged": True})

    def _settings(self, req: Request, args: list[str]) -> Response:
        if req.method != "GET":
            if not isinstance(req.body, dict):
                raise _bad("body must be a JSON object of settings")
            with self.state.lock:
                self.state.settings.update(req.body)
        return Response(200, self.state.settings.to_json())

    def _version(self, req: Request, args: list[str]) -> Response:
        if req.method != "GET":
            version = req.body.get("version") if isinstance(req.body, dict) else None
            if not isinstance(version, str):
                raise _bad('body must be {"version": "X.Y.Z"}')
            with self.state.lock:
                self.state.settings.update({"version": version})
        return Response(200, {"version": self.state.settings.version})

    def _edit_endpoint(self, req: Request, args: list[str]) -> Response:
        if not isinstance(req.body, dict):
            raise _bad("body must be a JSON object")
        return Response(200, self.api.edit_endpoint(args[0], req.body))

    def _get_endpoint(self, req: Request, args: list[str]) -> Response:
        (inference_id,) = args
        with self.state.lock:
            ep = self.state.endpoints.get(inference_id)
            if ep is None:
                raise EsError(
                    404,
                    "resource_not_found_exception",
                    f"Inference endpoint not found [{inference_id}]",
                )
            return Response(
                200,
                {
                    "endpoint": self.api.view(ep, live=True),
                    "secret_keys": sorted(ep.secrets),
                    "deployment_id": ep.deployment_id,
                },
            )

    def _add_deployment(self, req: Request, args: list[str]) -> Response:
        body = req.body
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

    def _finish_deployment(self, req: Request, args: list[str]) -> Response:
        return Response(200, self.api.models.finish_deployment(args[0]).stats())

    def _scale_to_zero(self, req: Request, args: list[str]) -> Response:
        return Response(200, self.api.models.scale_to_zero(args[0]).stats())

    def _list_api_keys(self, req: Request, args: list[str]) -> Response:
        return Response(200, {"api_keys": [_key_view(key) for key in self.api.auth.api_keys]})

    def _add_api_key(self, req: Request, args: list[str]) -> Response:
        key = _api_key(req.body)
        self.api.auth.add_api_key(key)
        return Response(200, {"api_key": _key_view(key)})

    def _revoke_api_key(self, req: Request, args: list[str]) -> Response:
        try:
            self.api.auth.revoke_api_key(args[0])
        except KeyError:
            return Response(404, {"acknowledged": False})
        return Response(200, {"acknowledged": True})

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


def _api_key(body: Any) -> ApiKey:
    """The key a ``POST /_emulator/api_keys`` body names; ``privileges`` default to all."""
    shape = 'body must be {"api_key": "<id:key or its base64>", "privileges": [..], "name": ..}'
    if not isinstance(body, dict) or not isinstance(body.get("api_key"), str):
        raise _bad(shape)
    privileges = body.get("privileges", ["all"])
    name = body.get("name")
    if not isinstance(privileges, list) or not all(isinstance(p, str) for p in privileges):
        raise _bad(shape)
    if name is not None and not isinstance(name, str):
        raise _bad(shape)
    return ApiKey(body["api_key"], name=name, privileges=tuple(privileges) or ("all",))


def _key_view(key: ApiKey) -> JsonDict:
    """An accepted key as the control plane shows it: never its secret part."""
    return {"id": key_id(key), "name": key.name, "privileges": list(key.privileges)}


_Handler = Callable[[Control, Request, list[str]], Response]
_WRITE = frozenset({"PUT", "POST"})
_READ_WRITE = frozenset({"GET", "PUT", "POST"})

_ROUTES: tuple[tuple[frozenset[str], tuple[str, ...], _Handler], ...] = (
    (frozenset({"GET"}), (), Control._get_summary),
    (frozenset({"GET"}), ("faults",), Control._list_faults),
    (frozenset({"POST"}), ("faults",), Control._add_faults),
    (frozenset({"DELETE"}), ("faults",), Control._clear_faults),
    (frozenset({"DELETE"}), ("faults", "*"), Control._remove_fault),
    (_WRITE, ("latency",), Control._set_latency),
    (frozenset({"GET"}), ("requests",), Control._list_requests),
    (frozenset({"DELETE"}), ("requests",), Control._clear_requests),
    (frozenset({"POST"}), ("reset",), Control._reset_all),
    (_READ_WRITE, ("settings",), Control._settings),
    (_READ_WRITE, ("version",), Control._version),
    (frozenset({"POST"}), ("endpoints", "*", "edit"), Control._edit_endpoint),
    (frozenset({"GET"}), ("endpoints", "*"), Control._get_endpoint),
    (frozenset({"POST"}), ("deployments",), Control._add_deployment),
    (frozenset({"POST"}), ("deployments", "*", "ready"), Control._finish_deployment),
    (frozenset({"POST"}), ("deployments", "*", "scale_to_zero"), Control._scale_to_zero),
    (frozenset({"GET"}), ("api_keys",), Control._list_api_keys),
    (frozenset({"POST"}), ("api_keys",), Control._add_api_key),
    (frozenset({"DELETE"}), ("api_keys", "*"), Control._revoke_api_key),
)
"""Methods, path below ``/_emulator`` (``*``: any one segment, passed on) and handler."""


def _match(pattern: tuple[str, ...], parts: list[str]) -> list[str] | None:
    """The segments ``*`` stands for, or ``None`` when ``parts`` is not ``pattern``."""
    if len(pattern) != len(parts):
        return None
    args: list[str] = []
    for want, got in zip(pattern, parts, strict=True):
        if want == "*":
            args.append(got)
        elif want != got:
            return None
    return args
