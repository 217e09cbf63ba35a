"""The Elasticsearch routes the emulator answers (inference, pipelines, indices, ML stats)."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ._auth import Authenticator, Principal
from ._deployments import Deployment
from ._errors import (
    EsError,
    JsonDict,
    Response,
    bad_request,
    method_not_allowed,
    no_handler,
    not_found,
    unrecognized_parameters,
)
from ._faults import Faults
from ._java import set_items, set_repr
from ._rules import (
    DEPLOYMENT_SERVICES,
    ELSER_MODEL,
    ELSER_MODEL_LINUX,
    PRECONFIGURED_IDS,
    SECRET_KEYS,
    apply_defaults,
    canonical_service,
    parse_put,
    parse_task_type,
    preconfigured_endpoints,
)
from ._store import State, StoredEndpoint, deep_copy
from ._update import UPDATE_API, Updater


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    raw_query: str
    headers: dict[str, str]  # lower-case names
    body: Any = None
    raw_body: bytes = b""
    body_error: str | None = None
    principal: Principal | None = field(default=None)

    @property
    def uri(self) -> str:
        return self.path + (f"?{self.raw_query}" if self.raw_query else "")

    def flag(self, name: str) -> bool:
        value = self.query.get(name)
        if value is None:
            return False
        if value in {"", "true"}:
            return True
        if value == "false":
            return False
        raise bad_request(
            f"Failed to parse value [{value}] as only [true] or [false] are allowed.",
            "illegal_argument_exception",
        )


Route = tuple[str | None, Callable[[], Response]]

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(nanos|micros|ms|s|m|h|d)?$")
_UNITS = {"nanos": 1e-9, "micros": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_timeout(text: str | None, default: str) -> tuple[str, float]:
    raw = text or default
    match = _DURATION.match(raw.strip())
    if match is None:
        raise bad_request(
            f"failed to parse setting [timeout] with value [{raw}] as a time value: unit is "
            "missing or unrecognized",
            "illegal_argument_exception",
        )
    return raw, float(match.group(1)) * _UNITS[match.group(2) or "ms"]


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _walk(child)
    elif isinstance(value, list):
        for child in value:
            yield from _walk(child)


def pipeline_references(pipeline: Any) -> set[str]:
    refs: set[str] = set()
    for node in _walk(pipeline):
        inference = node.get("inference")
        if isinstance(inference, dict) and isinstance(inference.get("model_id"), str):
            refs.add(inference["model_id"])
    return refs


def mapping_references(mappings: Any) -> set[str]:
    refs: set[str] = set()
    for node in _walk(mappings):
        if node.get("type") == "semantic_text":
            refs.add(str(node.get("inference_id") or ".elser-2-elasticsearch"))
            if isinstance(node.get("search_inference_id"), str):
                refs.add(node["search_inference_id"])
    return refs


class Api:
    """Answers Elasticsearch requests from the shared :class:`State`."""

    def __init__(self, state: State, faults: Faults, auth: Authenticator) -> None:
        self.state = state
        self.faults = faults
        self.auth = auth
        self.updater = Updater(state, lambda ep: self.view(ep, live=False))

    # ------------------------------------------------------------------ entry point
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
    def version(self) -> tuple[int, int, int]:
        return self.state.settings.version_tuple

    def _route(self, req: Request) -> Route:
        m, parts = req.method, [p for p in req.path.split("/") if p]
        if not parts:
            if m in {"GET", "HEAD"}:
                return None, self.info
            raise no_handler(m, req.uri)
        head = parts[0]
        if head == "_inference":
            return self._route_inference(req, parts[1:])
        if head == "_ingest" and len(parts) >= 2 and parts[1] == "pipeline":
            pid = parts[2] if len(parts) == 3 else None
            if len(parts) <= 3 and m == "GET":
                return "pipeline_read", lambda: self.pipeline_get(pid)
            if pid is not None and m == "PUT":
                return "pipeline_write", lambda: self.pipeline_put(pid, req.body)
            if pid is not None and m == "DELETE":
                return "pipeline_write", lambda: self.pipeline_delete(pid)
        if head == "_ml" and len(parts) >= 3 and parts[1] == "trained_models":
            ident = parts[2]
            if len(parts) == 4 and parts[3] == "_stats" and m == "GET":
                return "ml_stats", lambda: self.ml_stats(ident)
            if len(parts) == 5 and parts[3] == "deployment" and m == "POST":
                if parts[4] == "_start":
                    return "ml_manage", lambda: self.ml_start(ident, req)
                if parts[4] == "_stop":
                    return "ml_manage", lambda: self.ml_stop(ident, req)
        if not head.startswith("_"):
            if len(parts) == 1:
                if m == "PUT":
                    return None, lambda: self.index_put(head, req.body)
                if m in {"GET", "HEAD"}:
                    return None, lambda: self.index_get(head, m == "HEAD")
                if m == "DELETE":
                    return None, lambda: self.index_delete(head)
            if len(parts) == 2 and parts[1] == "_mapping":
                if m in {"PUT", "POST"}:
                    return None, lambda: self.mapping_put(head, req.body)
                if m == "GET":
                    return None, lambda: self.mapping_get(head)
        raise no_handler(m, req.uri)

    def _route_inference(self, req: Request, rest: list[str]) -> Route:
        m = req.method
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
        raise no_handler(m, req.uri)

    # ------------------------------------------------------------------ cluster info
    def info(self) -> Response:
        s = self.state.settings
        return Response(
            200,
            {
                "name": "emulator-node-0",
                "cluster_name": s.cluster_name,
                "cluster_uuid": s.cluster_uuid,
                "version": {
                    "number": s.version,
                    "build_flavor": s.build_flavor,
                    "build_type": "emulator",
                    "build_hash": "0000000000000000000000000000000000000000",
                    "build_date": "2025-01-01T00:00:00.000Z",
                    "build_snapshot": s.version.endswith("-SNAPSHOT"),
                    "lucene_version": "10.2.2",
                    "minimum_wire_compatibility_version": "8.19.0",
                    "minimum_index_compatibility_version": "8.0.0",
                },
                "tagline": "You Know, for Search",
            },
        )

    # ------------------------------------------------------------------ views
    def _defaults(self) -> list[JsonDict]:
        if self.version < (8, 16, 0):
            return []
        return preconfigured_endpoints(self.state.settings.linux_x86)

    def view(self, ep: StoredEndpoint, *, live: bool) -> JsonDict:
        settings = deep_copy(ep.service_settings)
        if live and ep.deployment_id is not None:
            deployment = self.state.deployments.get(ep.deployment_id)
            if deployment is not None:
                settings["num_allocations"] = deployment.allocation_count()
        out: JsonDict = {
            "inference_id": ep.inference_id,
            "task_type": ep.task_type,
            "service": ep.service,
            "service_settings": settings,
        }
        if ep.task_settings or self.version < (8, 16, 0):
            out["task_settings"] = deep_copy(ep.task_settings)
        if ep.chunking_settings is not None:
            out["chunking_settings"] = deep_copy(ep.chunking_settings)
        return out

    @staticmethod
    def _task_mismatch(requested: str, actual: str) -> EsError:
        return bad_request(
            f"Requested task type [{requested}] does not match the inference endpoint's task "
            f"type [{actual}]"
        )

    # ------------------------------------------------------------------ GET
    def inference_get(self, task_type: str | None, inference_id: str) -> Response:
        task = parse_task_type(task_type) if task_type is not None else None
        with self.state.lock:
            if inference_id in {"_all", "*"}:
                everything = [self.view(ep, live=True) for ep in self.state.endpoints.values()]
                everything += self._defaults()
                found = [e for e in everything if task is None or e["task_type"] == task]
                return Response(200, {"endpoints": sorted(found, key=lambda e: e["inference_id"])})
            stored = self.state.endpoints.get(inference_id)
            if stored is not None:
                match = [self.view(stored, live=True)]
            else:  # one of the preconfigured endpoints, or none
                match = [e for e in self._defaults() if e["inference_id"] == inference_id]
        if not match:
            raise not_found(inference_id)
        if task is not None and match[0]["task_type"] != task:
            raise self._task_mismatch(task, match[0]["task_type"])
        return Response(200, {"endpoints": match[:1]})

    # ------------------------------------------------------------------ PUT
    def inference_put(self, task_type: str | None, inference_id: str, req: Request) -> Response:
        path_task = parse_task_type(task_type) if task_type is not None else None
        settings = self.state.settings
        waiter: Deployment | None = None
        with self.state.lock:
            version = self.version
            reserved = PRECONFIGURED_IDS if version >= (8, 16, 0) else frozenset()
            parsed = parse_put(inference_id, path_task, req.body, version, reserved)
            ss = parsed.service_settings
            attached: Deployment | None = None
            if parsed.service in DEPLOYMENT_SERVICES and "deployment_id" in ss:
                dep_id = str(ss["deployment_id"])
                attached = self.state.deployments.get(dep_id)
                if attached is None:
                    raise EsError(
                        404, "resource_not_found_exception", f"Cannot find deployment [{dep_id}]"
                    )
                model = ss.get("model_id")
                if model is not None and model != attached.model_id:
                    raise bad_request(
                        f"Deployment [{dep_id}] uses model [{attached.model_id}] which does not "
                        f"match the model [{model}] in the request."
                    )
                new = {
                    "num_allocations": attached.allocation_count(),
                    "num_threads": attached.num_threads,
                    "model_id": attached.model_id,
                    "deployment_id": dep_id,
                }
                if attached.adaptive_allocations is not None:
                    new["adaptive_allocations"] = deep_copy(attached.adaptive_allocations)
                parsed.service_settings = ss = {
                    **new,
                    **{k: v for k, v in ss.items() if k not in new},
                }
            clash = [
                d.deployment_id
                for d in self.state.deployments.by_id.values()
                if d.owner is None and inference_id in {d.deployment_id, d.model_id}
            ]
            if clash:
                raise bad_request(
                    f"Inference endpoint IDs must be unique. Requested inference endpoint ID "
                    f"[{inference_id}] matches existing trained model ID(s) but must not."
                )
            apply_defaults(parsed, version, settings.linux_x86)
            if inference_id in self.state.endpoints:
                raise EsError(
                    400,
                    "resource_already_exists_exception",
                    f"Inference endpoint [{inference_id}] already exists",
                )
            ep = StoredEndpoint(
                inference_id=inference_id,
                task_type=parsed.task_type,
                service=canonical_service(parsed.service, version),
                service_settings=parsed.service_settings,
                secrets=parsed.secrets,
                task_settings=parsed.task_settings,
                chunking_settings=parsed.chunking_settings,
            )
            timed_out = False
            if attached is not None:
                ep.deployment_id = attached.deployment_id
            elif parsed.service in DEPLOYMENT_SERVICES:
                never = self.faults.take("never_ready", "PUT", req.path) is not None
                timed_out = self.faults.take("deployment_timeout", "PUT", req.path) is not None
                model = ss.get("model_id") or (
                    ELSER_MODEL_LINUX if settings.linux_x86 else ELSER_MODEL
                )
                waiter = self.state.deployments.add(
                    Deployment(
                        deployment_id=inference_id,
                        model_id=str(model),
                        num_threads=int(ss.get("num_threads", 1)),
                        num_allocations=ss.get("num_allocations"),
                        adaptive_allocations=deep_copy(ss.get("adaptive_allocations")),
                        duration=settings.deployment_seconds,
                        never_ready=never,
                        owner=inference_id,
                    )
                )
                ep.deployment_id = inference_id
            self.state.endpoints[inference_id] = ep
            answer = self.view(ep, live=False)
        default_timeout = "120s" if parsed.task_type in {"completion", "chat_completion"} else "30s"
        label, seconds = parse_timeout(req.query.get("timeout"), default_timeout)
        if waiter is not None and not timed_out and settings.put_waits_for_deployment:
            deadline = time.monotonic() + seconds
            while not waiter.is_started() and time.monotonic() < deadline:
                time.sleep(0.02)
            timed_out = not waiter.is_started()
        if timed_out:
            raise EsError(
                408,
                "status_exception",
                f"Timed out after [{label}] waiting for model deployment to start. Use the "
                "trained model stats API to track the state of the deployment.",
            )
        return Response(200, answer)

    # ------------------------------------------------------------------ _update
    def inference_update(self, task_type: str | None, inference_id: str, req: Request) -> Response:
        answer = self.updater.update(task_type, inference_id, req.body, req.raw_body)
        return Response(200, answer)

    # ------------------------------------------------------------------ DELETE
    def _references(self, inference_id: str) -> tuple[list[str], list[str]]:
        """Pipelines (8.15+) and semantic_text indexes (8.16+) naming the endpoint.

        Elasticsearch collects both in HashSets, so they come back in Java hash order.
        """
        version = self.version
        pipelines: list[str] = []
        indexes: list[str] = []
        if version >= (8, 15, 0):
            pipelines = set_items(
                pid
                for pid, body in sorted(self.state.pipelines.items())
                if inference_id in pipeline_references(body)
            )
        if version >= (8, 16, 0):
            indexes = set_items(
                name
                for name, index in sorted(self.state.indices.items())
                if inference_id in mapping_references(index.get("mappings"))
            )
        return pipelines, indexes

    def _reference_message(
        self, inference_id: str, pipelines: list[str], indexes: list[str]
    ) -> str:
        if self.version < (8, 16, 0):
            if not pipelines:
                return ""
            return (
                f"Inference endpoint {inference_id} is referenced by pipelines and cannot be "
                "deleted. Use `force` to delete it anyway, or use `dry_run` to list the pipelines "
                "that reference it."
            )
        text = ""
        if pipelines:
            text += (
                f"Inference endpoint {inference_id} is referenced by pipelines: "
                f"{set_repr(pipelines)}. Ensure that no pipelines are using this inference "
                "endpoint, or use force to ignore this warning and delete the inference endpoint."
            )
        if indexes:
            text += (
                f" Inference endpoint {inference_id} is being used in the mapping for indexes: "
                f"{set_repr(indexes)}. Ensure that no index mappings are using this inference "
                "endpoint, or use force to ignore this warning and delete the inference endpoint."
            )
        return text

    def _delete_body(
        self, acknowledged: bool, pipelines: list[str], indexes: list[str]
    ) -> JsonDict:
        body: JsonDict = {"acknowledged": acknowledged}
        if self.version >= (8, 15, 0):  # force and dry_run came with the pipeline list
            body["pipelines"] = pipelines
        if self.version >= (8, 16, 0):
            body["indexes"] = indexes
        return body

    def inference_delete(self, task_type: str | None, inference_id: str, req: Request) -> Response:
        task = parse_task_type(task_type) if task_type is not None else None
        if self.version < (8, 15, 0):
            unknown = sorted({"force", "dry_run"} & set(req.query))
            if unknown:
                raise unrecognized_parameters(req.path, unknown)
        force, dry_run = req.flag("force"), req.flag("dry_run")
        with self.state.lock:
            default = next((d for d in self._defaults() if d["inference_id"] == inference_id), None)
            ep = self.state.endpoints.get(inference_id)
            actual = default["task_type"] if default else (ep.task_type if ep else None)
            if actual is None:
                raise not_found(inference_id)
            if task is not None and task != actual:
                raise self._task_mismatch(task, actual)
            pipelines, indexes = self._references(inference_id)
            message = self._reference_message(inference_id, pipelines, indexes)
            if dry_run:  # never deletes, whatever else is asked
                body = self._delete_body(False, pipelines, indexes)
                if self.version >= (8, 16, 0):
                    body["error_message"] = message
                return Response(200, body)
            if default is not None:
                if not force:
                    raise bad_request(
                        f"[{inference_id}] is a reserved inference endpoint. Use the force=true "
                        "query parameter to delete the inference endpoint."
                    )
                return Response(200, self._delete_body(True, [], []))
            if message and not force:
                raise EsError(409, "status_exception", message)
            assert ep is not None
            del self.state.endpoints[inference_id]
            if ep.deployment_id == inference_id:
                self.state.deployments.remove(inference_id)
            return Response(200, self._delete_body(True, [], []))

    # ------------------------------------------------------------------ pipelines
    def pipeline_put(self, pid: str, body: Any) -> Response:
        if not isinstance(body, dict):
            raise EsError(400, "parse_exception", "request body is required")
        with self.state.lock:
            self.state.pipelines[pid] = deep_copy(body)
        return Response(200, {"acknowledged": True})

    def pipeline_get(self, pid: str | None) -> Response:
        with self.state.lock:
            if pid is None or pid in {"_all", "*"}:
                return Response(200, deep_copy(self.state.pipelines))
            if pid not in self.state.pipelines:
                return Response(404, {})
            return Response(200, {pid: deep_copy(self.state.pipelines[pid])})

    def pipeline_delete(self, pid: str) -> Response:
        with self.state.lock:
            if self.state.pipelines.pop(pid, None) is None:
                raise EsError(404, "resource_not_found_exception", f"pipeline [{pid}] is missing")
        return Response(200, {"acknowledged": True})

    # ------------------------------------------------------------------ indices
    @staticmethod
    def _no_index(name: str) -> EsError:
        return EsError(
            404,
            "index_not_found_exception",
            f"no such index [{name}]",
            extra={"index": name, "resource.type": "index_or_alias", "resource.id": name},
        )

    def index_put(self, name: str, body: Any) -> Response:
        if name != name.lower():
            raise bad_request(
                f"Invalid index name [{name}], must be lowercase", "invalid_index_name_exception"
            )
        body = body if isinstance(body, dict) else {}
        with self.state.lock:
            existing = self.state.indices.get(name)
            if existing is not None:
                raise EsError(
                    400,
                    "resource_already_exists_exception",
                    f"index [{name}/{existing['uuid']}] already exists",
                )
            self.state.indices[name] = {
                "uuid": uuid.uuid4().hex[:22],
                "mappings": deep_copy(body.get("mappings") or {}),
                "settings": deep_copy(body.get("settings") or {}),
            }
        return Response(200, {"acknowledged": True, "shards_acknowledged": True, "index": name})

    def index_get(self, name: str, head: bool) -> Response:
        with self.state.lock:
            index = self.state.indices.get(name)
            if index is None:
                if head:
                    return Response(404, None)
                raise self._no_index(name)
            return Response(
                200,
                {
                    name: {
                        "aliases": {},
                        "mappings": deep_copy(index["mappings"]),
                        "settings": deep_copy(index["settings"]),
                    }
                },
            )

    def index_delete(self, name: str) -> Response:
        with self.state.lock:
            if self.state.indices.pop(name, None) is None:
                raise self._no_index(name)
        return Response(200, {"acknowledged": True})

    def mapping_put(self, name: str, body: Any) -> Response:
        with self.state.lock:
            index = self.state.indices.get(name)
            if index is None:
                raise self._no_index(name)
            props = (body or {}).get("properties") if isinstance(body, dict) else None
            if isinstance(props, dict):
                index["mappings"].setdefault("properties", {}).update(deep_copy(props))
        return Response(200, {"acknowledged": True})

    def mapping_get(self, name: str) -> Response:
        with self.state.lock:
            index = self.state.indices.get(name)
            if index is None:
                raise self._no_index(name)
            return Response(200, {name: {"mappings": deep_copy(index["mappings"])}})

    # ------------------------------------------------------------------ ML
    def ml_stats(self, ident: str) -> Response:
        with self.state.lock:
            body = self.state.deployments.stats_body(
                ident, serverless=self.state.settings.serverless
            )
        if body is None:
            raise EsError(
                404,
                "resource_not_found_exception",
                f"No known trained model with model_id [{ident}]",
            )
        return Response(200, body)

    def start_deployment(
        self,
        model_id: str,
        *,
        deployment_id: str | None = None,
        num_allocations: int | None = 1,
        num_threads: int = 1,
        adaptive_allocations: JsonDict | None = None,
    ) -> Deployment:
        """Start a deployment the way the trained models API does (not owned by an endpoint)."""
        dep_id = deployment_id or model_id
        with self.state.lock:
            if self.state.deployments.get(dep_id) is not None:
                raise EsError(
                    409,
                    "status_exception",
                    "Could not start model deployment because an existing deployment with the "
                    f"same id [{dep_id}] exist",
                )
            return self.state.deployments.add(
                Deployment(
                    deployment_id=dep_id,
                    model_id=model_id,
                    num_threads=num_threads,
                    num_allocations=num_allocations,
                    adaptive_allocations=adaptive_allocations,
                    duration=self.state.settings.deployment_seconds,
                )
            )

    def ml_start(self, model_id: str, req: Request) -> Response:
        body = req.body if isinstance(req.body, dict) else {}

        def number(name: str, default: int | None) -> int | None:
            raw = req.query.get(name, body.get(name))
            if raw is None:
                return default
            try:
                return int(raw)
            except (TypeError, ValueError):
                raise bad_request(
                    f"[{name}] must be an integer", "illegal_argument_exception"
                ) from None

        adaptive = body.get("adaptive_allocations")
        deployment = self.start_deployment(
            model_id,
            deployment_id=req.query.get("deployment_id"),
            num_allocations=number("number_of_allocations", None if adaptive else 1),
            num_threads=number("threads_per_allocation", 1) or 1,
            adaptive_allocations=adaptive if isinstance(adaptive, dict) else None,
        )
        return Response(
            200,
            {
                "assignment": {
                    "task_parameters": {
                        "model_id": deployment.model_id,
                        "deployment_id": deployment.deployment_id,
                        "number_of_allocations": deployment.target,
                        "threads_per_allocation": deployment.num_threads,
                        "priority": "normal",
                        "queue_capacity": 1024,
                    },
                    "assignment_state": "starting",
                    "start_time": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                }
            },
        )

    def ml_stop(self, ident: str, req: Request) -> Response:
        force = req.flag("force")
        with self.state.lock:
            deployment = self.state.deployments.get(ident)
            if deployment is None:
                raise EsError(
                    404,
                    "resource_not_found_exception",
                    f"No known trained model with model_id [{ident}]",
                )
            users = sorted(
                e.inference_id for e in self.state.endpoints.values() if e.deployment_id == ident
            )
            if users and not force:
                raise EsError(
                    409,
                    "status_exception",
                    f"Cannot stop deployment [{ident}] as it is used by inference endpoint(s) "
                    f"[{', '.join(users)}]. Use force to stop the deployment.",
                )
            self.state.deployments.remove(ident)
        return Response(200, {"stopped": True})

    # ------------------------------------------------------------------ hand edits
    def edit_endpoint(self, inference_id: str, edit: JsonDict) -> JsonDict:
        """Merge ``edit`` into a stored endpoint, bypassing every update rule (drift tests).

        ``service_settings``/``task_settings``/``secrets`` are merged (``null`` removes a key);
        ``chunking_settings`` is merged too, or removed entirely with ``null``; ``task_type``
        and ``service`` are replaced. Editing ``num_allocations``/``adaptive_allocations`` of a
        deployment-backed endpoint rescales its deployment as if done through the ML API.
        """
        allowed = {
            "service_settings",
            "task_settings",
            "chunking_settings",
            "secrets",
            "task_type",
            "service",
        }
        unknown = set(edit) - allowed
        if unknown:
            raise bad_request(f"unknown edit fields {sorted(unknown)}", "emulator_exception")
        with self.state.lock:
            ep = self.state.endpoints.get(inference_id)
            if ep is None:
                raise not_found(inference_id)

            def merge(target: JsonDict, patch: Any) -> None:
                if not isinstance(patch, dict):
                    raise bad_request("edits must be JSON objects", "emulator_exception")
                for key, value in patch.items():
                    if value is None:
                        target.pop(key, None)
                    else:
                        target[key] = deep_copy(value)

            patch_ss = dict(edit.get("service_settings") or {})
            merge(ep.secrets, {k: patch_ss.pop(k) for k in list(patch_ss) if k in SECRET_KEYS})
            merge(ep.service_settings, patch_ss)
            merge(ep.task_settings, edit.get("task_settings") or {})
            merge(ep.secrets, edit.get("secrets") or {})
            if "chunking_settings" in edit:
                if edit["chunking_settings"] is None:
                    ep.chunking_settings = None
                else:
                    ep.chunking_settings = ep.chunking_settings or {}
                    merge(ep.chunking_settings, edit["chunking_settings"])
            if "task_type" in edit:
                ep.task_type = str(edit["task_type"])
            if "service" in edit:
                ep.service = str(edit["service"])
            if ep.deployment_id is not None and (
                {"num_allocations", "adaptive_allocations"} & set(patch_ss)
            ):
                deployment = self.state.deployments.get(ep.deployment_id)
                if deployment is not None:
                    deployment.rescale(
                        ep.service_settings.get("num_allocations"),
                        deep_copy(ep.service_settings.get("adaptive_allocations")),
                    )
            return self.view(ep, live=True)
