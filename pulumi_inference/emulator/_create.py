"""``PUT /_inference/[{task_type}/]{inference_id}``: validate, add server defaults, store,
and start (or attach to) the deployment of an elasticsearch-service endpoint."""

from __future__ import annotations

import re
import time

from .._version import Version
from ._deployments import Deployment
from ._errors import EsError, Response, bad_request, unrecognized_parameters
from ._faults import Faults
from ._request import Request
from ._requests import (
    PRECONFIGURED_IDS,
    ParsedEndpoint,
    apply_defaults,
    canonical_service,
    parse_put,
    parse_task_type,
)
from ._services import DEPLOYMENT_SERVICES, ELSER_MODEL, ELSER_MODEL_LINUX
from ._store import Settings, State, StoredEndpoint, deep_copy
from ._views import endpoint_view

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


PUT_TIMEOUT_SINCE = ((8, 19, 0), (9, 1, 0))
"""``?timeout`` on PUT: 8.19 on 8.x, 9.1 on 9.x (``INFERENCE_ADD_TIMEOUT_PUT_ENDPOINT``)."""
UPDATE_TIMEOUT_SINCE = (9, 5, 0)
"""``?timeout`` on ``_update``: 9.5."""


def _knows_put_timeout(version: Version) -> bool:
    eight, nine = PUT_TIMEOUT_SINCE
    return version >= nine or (version[0] == 8 and version >= eight)


def check_timeout_parameter(req: Request, settings: Settings, *, update: bool) -> None:
    """Before anything is done: a version whose request does not declare ``timeout``
    refuses it as an unrecognized parameter; one that does (Serverless too) parses it as a
    time value."""
    if "timeout" not in req.query:
        return
    version = settings.version_tuple
    known = version >= UPDATE_TIMEOUT_SINCE if update else _knows_put_timeout(version)
    known = known or settings.serverless
    if not known:
        raise unrecognized_parameters(req.path, ["timeout"])
    parse_timeout(req.query["timeout"], "30s")


class EndpointCreator:
    """Creates endpoints; deployment faults (``never_ready``, ``deployment_timeout``) act here."""

    def __init__(self, state: State, faults: Faults) -> None:
        self.state = state
        self.faults = faults

    def put(self, task_type: str | None, inference_id: str, req: Request) -> Response:
        path_task = parse_task_type(task_type) if task_type is not None else None
        settings = self.state.settings
        with self.state.lock:
            version = settings.version_tuple
            reserved = PRECONFIGURED_IDS if version >= (8, 16, 0) else frozenset()
            parsed = parse_put(inference_id, path_task, req.body, version, reserved)
            attached = self._attach(parsed)
            self._refuse_trained_model_ids(inference_id)
            apply_defaults(parsed, version, settings.linux_x86)
            if inference_id in self.state.endpoints:
                raise EsError(
                    400,
                    "resource_already_exists_exception",
                    f"Inference endpoint [{inference_id}] already exists",
                )
            ep = _stored_endpoint(parsed, version)
            waiter: Deployment | None = None
            timed_out = False
            if attached is not None:
                ep.deployment_id = attached.deployment_id
            elif parsed.service in DEPLOYMENT_SERVICES:
                waiter, timed_out = self._start_deployment(parsed, req.path)
                ep.deployment_id = inference_id
            self.state.endpoints[inference_id] = ep
            answer = endpoint_view(self.state, ep, live=False)
        default_timeout = "120s" if parsed.task_type in {"completion", "chat_completion"} else "30s"
        label, seconds = parse_timeout(req.query.get("timeout"), default_timeout)
        if waiter is not None and not timed_out and settings.put_waits_for_deployment:
            timed_out = not _wait_started(waiter, seconds)
        if timed_out:
            raise EsError(
                408,
                "status_exception",
                f"Timed out after [{label}] waiting for model deployment to start. Use the "
                "trained model stats API to track the state of the deployment.",
            )
        return Response(200, answer)

    def _attach(self, parsed: ParsedEndpoint) -> Deployment | None:
        """The existing deployment named by ``deployment_id``, its settings put in front."""
        ss = parsed.service_settings
        if parsed.service not in DEPLOYMENT_SERVICES or "deployment_id" not in ss:
            return None
        dep_id = str(ss["deployment_id"])
        attached = self.state.deployments.get(dep_id)
        if attached is None:
            raise EsError(404, "resource_not_found_exception", f"Cannot find deployment [{dep_id}]")
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
        parsed.service_settings = {**new, **{k: v for k, v in ss.items() if k not in new}}
        return attached

    def _refuse_trained_model_ids(self, inference_id: str) -> None:
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

    def _start_deployment(self, parsed: ParsedEndpoint, path: str) -> tuple[Deployment, bool]:
        """Start the endpoint's own deployment; also whether a fault times the PUT out."""
        settings = self.state.settings
        ss = parsed.service_settings
        never = self.faults.take("never_ready", "PUT", path) is not None
        timed_out = self.faults.take("deployment_timeout", "PUT", path) is not None
        model = ss.get("model_id") or (ELSER_MODEL_LINUX if settings.linux_x86 else ELSER_MODEL)
        waiter = self.state.deployments.add(
            Deployment(
                deployment_id=parsed.inference_id,
                model_id=str(model),
                num_threads=int(ss.get("num_threads", 1)),
                num_allocations=ss.get("num_allocations"),
                adaptive_allocations=deep_copy(ss.get("adaptive_allocations")),
                duration=settings.deployment_seconds,
                never_ready=never,
                owner=parsed.inference_id,
            )
        )
        return waiter, timed_out


def _stored_endpoint(parsed: ParsedEndpoint, version: Version) -> StoredEndpoint:
    return StoredEndpoint(
        inference_id=parsed.inference_id,
        task_type=parsed.task_type,
        service=canonical_service(parsed.service, version),
        service_settings=parsed.service_settings,
        secrets=parsed.secrets,
        task_settings=parsed.task_settings,
        chunking_settings=parsed.chunking_settings,
    )


def _wait_started(waiter: Deployment, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not waiter.is_started() and time.monotonic() < deadline:
        time.sleep(0.02)
    return waiter.is_started()
