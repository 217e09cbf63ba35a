"""Dispatch of Elasticsearch requests: authenticate, pick the route, authorize, answer.

Each route family lives in its own module (cluster info, endpoint read/create/update/delete,
ingest pipelines, indices, trained models); this one only maps method and path to them and
names the privilege a route needs (see ``_auth``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._version import Version
from ._auth import Authenticator
from ._create import EndpointCreator, check_timeout_parameter
from ._delete import EndpointDeleter
from ._edits import edit_endpoint
from ._errors import EsError, JsonDict, Response, method_not_allowed, no_handler
from ._faults import Faults
from ._get import EndpointReader
from ._indices import Indices
from ._inference import InferenceCalls
from ._info import cluster_info
from ._ml import TrainedModels
from ._pipelines import Pipelines
from ._region_policy import RegionPolicies, serves_region_policy
from ._request import Request
from ._security import has_privileges
from ._store import State, StoredEndpoint
from ._update import UPDATE_API, Updater
from ._views import endpoint_view

# (privilege action or None for "authenticated is enough", the handler)
Route = tuple[str | None, Callable[[], Response]]


class Api:
    """Answers Elasticsearch requests from the shared :class:`State`."""

    def __init__(self, state: State, faults: Faults, auth: Authenticator) -> None:
        self.state = state
        self.faults = faults
        self.auth = auth
        self.reader = EndpointReader(state)
        self.creator = EndpointCreator(state, faults)
        self.updater = Updater(state)
        self.deleter = EndpointDeleter(state)
        self.pipelines = Pipelines(state)
        self.indices = Indices(state)
        self.models = TrainedModels(state)
        self.region_policies = RegionPolicies(state)
        self.inference_calls = InferenceCalls(state, faults)

    def handle(self, req: Request) -> Response:
        try:
            req.principal = self.auth.authenticate(req.headers.get("authorization"), req.uri)
            action, run = self._route(req)
            if action is not None:
                self.auth.authorize(req.principal, action)
            if req.body_error is not None:
                raise EsError(400, "x_content_parse_exception", req.body_error)
            return run()
        except EsError as err:
            return err.response()

    @property
    def version(self) -> Version:
        return self.state.settings.version_tuple

    # ------------------------------------------------------------------ one method per route
    # What the routes call, by the names this class always had (a benchmark wraps
    # inference_put); each hands over to its route family's module.
    def info(self) -> Response:
        return cluster_info(self.state)

    def inference_get(self, task_type: str | None, inference_id: str) -> Response:
        return self.reader.get(task_type, inference_id)

    def inference_put(self, task_type: str | None, inference_id: str, req: Request) -> Response:
        check_timeout_parameter(req, self.state.settings, update=False)
        return self.creator.put(task_type, inference_id, req)

    def inference_update(self, task_type: str | None, inference_id: str, req: Request) -> Response:
        check_timeout_parameter(req, self.state.settings, update=True)
        return Response(200, self.updater.update(task_type, inference_id, req.body, req.raw_body))

    def inference_delete(self, task_type: str | None, inference_id: str, req: Request) -> Response:
        return self.deleter.delete(task_type, inference_id, req)

    def inference_post(
        self, task_type: str | None, inference_id: str, req: Request, *, stream: bool
    ) -> Response:
        return self.inference_calls.infer(task_type, inference_id, req, stream=stream)

    def pipeline_put(self, pid: str, body: Any) -> Response:
        return self.pipelines.put(pid, body)

    def pipeline_get(self, pid: str | None) -> Response:
        return self.pipelines.get(pid)

    def pipeline_delete(self, pid: str) -> Response:
        return self.pipelines.delete(pid)

    def index_put(self, name: str, body: Any) -> Response:
        return self.indices.put(name, body)

    def index_get(self, name: str, head: bool) -> Response:
        return self.indices.get(name, head)

    def index_delete(self, name: str) -> Response:
        return self.indices.delete(name)

    def mapping_put(self, name: str, body: Any) -> Response:
        return self.indices.put_mapping(name, body)

    def mapping_get(self, name: str) -> Response:
        return self.indices.get_mapping(name)

    def ml_stats(self, ident: str) -> Response:
        return self.models.stats(ident)

    def ml_start(self, model_id: str, req: Request) -> Response:
        return self.models.start(model_id, req)

    def ml_stop(self, ident: str, req: Request) -> Response:
        return self.models.stop(ident, req)

    # ------------------------------------------------------------------ for the control plane
    def view(self, ep: StoredEndpoint, *, live: bool) -> JsonDict:
        return endpoint_view(self.state, ep, live=live)

    def edit_endpoint(self, inference_id: str, edit: JsonDict) -> JsonDict:
        return edit_endpoint(self.state, inference_id, edit)

    # ------------------------------------------------------------------ routing
    def _route(self, req: Request) -> Route:
        parts = [p for p in req.path.split("/") if p]
        if not parts:
            if req.method in {"GET", "HEAD"}:
                return "cluster_info", self.info
            raise no_handler(req.method, req.uri)
        head = parts[0]
        route: Route | None = None
        if head == "_inference":
            route = self._route_inference(req, parts[1:])
        elif head == "_ingest" and len(parts) >= 2 and parts[1] == "pipeline":
            route = self._route_pipelines(req, parts[2:])
        elif parts == ["_security", "user", "_has_privileges"]:
            if req.method not in {"GET", "POST"}:
                raise method_not_allowed(req.method, req.uri, "GET,POST")
            route = None, lambda: has_privileges(req.principal, req.body)
        elif head == "_ml" and len(parts) >= 3 and parts[1] == "trained_models":
            route = self._route_models(req, parts[2:])
        elif not head.startswith("_"):
            route = self._route_indices(req, head, parts[1:])
        if route is None:
            raise no_handler(req.method, req.uri)
        return route

    def _route_region_policy(self, req: Request) -> Route:
        m = req.method
        if m == "GET":
            return "region_policy_get", self.region_policies.get
        if m == "PUT":
            return "region_policy_put", lambda: self.region_policies.put(req)
        if m == "DELETE":
            return "region_policy_delete", self.region_policies.delete
        raise method_not_allowed(m, req.uri, "GET,PUT,DELETE")

    def _route_inference(self, req: Request, rest: list[str]) -> Route | None:
        m = req.method
        if rest == ["_region_policy"] and serves_region_policy(self.state):
            return self._route_region_policy(req)
        if m == "GET" and len(rest) <= 2:
            if not rest:
                return "inference_get", lambda: self.inference_get(None, "_all")
            if len(rest) == 1:
                return "inference_get", lambda: self.inference_get(None, rest[0])
            return "inference_get", lambda: self.inference_get(rest[0], rest[1])
        if rest and rest[-1] == "_update" and len(rest) in {2, 3} and self.version >= UPDATE_API:
            if m == "PUT":
                task = rest[0] if len(rest) == 3 else None
                return "inference_update", lambda: self.inference_update(task, rest[-2], req)
            if len(rest) == 3:  # no other route has this path
                raise method_not_allowed(m, req.uri, "PUT")
        if m == "PUT":
            if len(rest) == 1:
                return "inference_put", lambda: self.inference_put(None, rest[0], req)
            if len(rest) == 2:
                return "inference_put", lambda: self.inference_put(rest[0], rest[1], req)
        if m == "DELETE" and len(rest) in {1, 2}:
            task = rest[0] if len(rest) == 2 else None
            return "inference_delete", lambda: self.inference_delete(task, rest[-1], req)
        return self._route_inference_calls(req, rest)

    def _route_inference_calls(self, req: Request, rest: list[str]) -> Route | None:
        """``POST /_inference/[{task_type}/]{id}[/_stream]`` (README: "Inference calls")."""
        calls = self.inference_calls
        stream = bool(rest) and rest[-1] == "_stream" and calls.serves_streams()
        path = rest[:-1] if stream else rest
        if stream and len(path) == 2 and req.method != "POST":
            raise method_not_allowed(req.method, req.uri, "POST")
        if req.method != "POST":
            return None
        if len(path) == 2:
            task, ident = path
            return "inference_post", lambda: self.inference_post(task, ident, req, stream=stream)
        if len(path) == 1 and calls.serves_any_task_path():
            return "inference_post", lambda: self.inference_post(None, path[0], req, stream=stream)
        return None

    def _route_pipelines(self, req: Request, rest: list[str]) -> Route | None:
        m = req.method
        pid = rest[0] if len(rest) == 1 else None
        if len(rest) <= 1 and m == "GET":
            return "pipeline_read", lambda: self.pipeline_get(pid)
        if pid is not None and m == "PUT":
            return "pipeline_write", lambda: self.pipeline_put(pid, req.body)
        if pid is not None and m == "DELETE":
            return "pipeline_write", lambda: self.pipeline_delete(pid)
        return None

    def _route_models(self, req: Request, rest: list[str]) -> Route | None:
        m, ident = req.method, rest[0]
        if len(rest) == 2 and rest[1] == "_stats" and m == "GET":
            return "ml_stats", lambda: self.ml_stats(ident)
        if len(rest) == 3 and rest[1] == "deployment" and m == "POST":
            if rest[2] == "_start":
                return "ml_manage", lambda: self.ml_start(ident, req)
            if rest[2] == "_stop":
                return "ml_manage", lambda: self.ml_stop(ident, req)
        return None

    def _route_indices(self, req: Request, name: str, rest: list[str]) -> Route | None:
        m = req.method
        if not rest:
            if m == "PUT":
                return None, lambda: self.index_put(name, req.body)
            if m in {"GET", "HEAD"}:
                return None, lambda: self.index_get(name, m == "HEAD")
            if m == "DELETE":
                return None, lambda: self.index_delete(name)
        if rest == ["_mapping"]:
            if m in {"PUT", "POST"}:
                return None, lambda: self.mapping_put(name, req.body)
            if m == "GET":
                return None, lambda: self.mapping_get(name)
        return None
