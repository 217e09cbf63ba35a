"""``PUT /_inference/[{task_type}/]{inference_id}/_update``, step by step as Elasticsearch does it.

Order (RestUpdateInferenceModelAction, UpdateInferenceModelAction.Request,
TransportUpdateInferenceModelAction): path task type, one-segment path (8.17), body present,
id format (until the newest code), body fields, task type resolution, endpoint exists,
default endpoint (newest code), task type matches the endpoint, setting types, secrets,
unknown settings (newest code), then the deployment of an elasticsearch-service endpoint.
Every body error therefore comes before a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._version import Version
from ._errors import EsError, JsonDict, bad_request, validation_failed
from ._java import value_repr
from ._requests import (
    PRECONFIGURED_IDS,
    check_inference_id,
    integer_errors,
    parse_task_type,
    resolve_task_type,
    secret_errors,
    unknown_keys_error,
)
from ._services import (
    DEPLOYMENT_SERVICES,
    EMBEDDING_TASK_TYPES,
    LEGACY_CHUNKING,
    SECRET_KEYS,
    SERVICES,
)
from ._store import State, StoredEndpoint, deep_copy
from ._views import endpoint_view

# Versions where the update action changed (see the module README).
UPDATE_API: Version = (8, 17, 0)
ONE_SEGMENT_PATH: Version = (8, 18, 0)  # 8.17's REST handler required both path segments
MERGED_DEPLOYMENT_UPDATE: Version = (8, 18, 0)  # 8.17 took num_allocations only, always
CHUNKING_KEPT: Version = (9, 4, 0)  # before, the rebuilt endpoint lost its chunking settings
NEWEST: Version = (9, 5, 0)  # unknown settings refused, chunking_settings, default-id message

SCALING_KEYS = ("num_allocations", "adaptive_allocations")


@dataclass
class UpdateBody:
    """The three sections an update may carry (``None`` = absent or empty)."""

    task_type: str | None
    service_settings: JsonDict | None
    task_settings: JsonDict | None
    chunking_settings: JsonDict | None


def parse_body(body: Any, version: Version) -> UpdateBody:
    """Split the body like ``UpdateInferenceModelAction.Request`` does, or raise its error.

    Messages print what is left of the body as a Java HashMap; its capacity follows the
    original number of fields.
    """
    if not isinstance(body, dict) or not body:
        raise bad_request("Request body is empty")
    newest = version >= NEWEST
    rest = dict(body)

    def left() -> str:
        return value_repr(rest, len(body))

    task_type = None
    if "task_type" in rest:
        if not isinstance(rest["task_type"], str):
            raise EsError(
                400 if newest else 500,
                "status_exception",
                f"Failed to parse [task_type] in update request [{left()}]",
            )
        task_type = parse_task_type(rest.pop("task_type"))
    sections: dict[str, JsonDict | None] = {}
    names = ("service_settings", "task_settings") + (("chunking_settings",) if newest else ())
    for name in names:
        if name not in rest:
            continue
        if not isinstance(rest[name], dict):
            label = f"[{name}]" if newest else name.replace("_", " ")
            raise bad_request(f"Unable to parse {label} in the request [{left()}]")
        sections[name] = dict(rest.pop(name)) or None
    if rest:
        raise bad_request(
            "Request contained fields which cannot be updated, remove these fields and try "
            f"again [{left()}]"
        )
    return UpdateBody(
        task_type=task_type,
        service_settings=sections.get("service_settings"),
        task_settings=sections.get("task_settings"),
        chunking_settings=sections.get("chunking_settings"),
    )


@dataclass
class _Change:
    """The endpoint as the update would leave it, before anything is stored."""

    service_settings: JsonDict
    secrets: JsonDict
    task_settings: JsonDict
    chunking_settings: JsonDict | None
    scaling: JsonDict

    def differs_from(self, ep: StoredEndpoint) -> bool:
        return (
            self.service_settings != ep.service_settings
            or self.secrets != ep.secrets
            or self.task_settings != ep.task_settings
            or self.chunking_settings != ep.chunking_settings
        )


class Updater:
    """Answers ``_update`` from the shared :class:`State`."""

    def __init__(self, state: State) -> None:
        self.state = state

    def update(
        self, task_type: str | None, inference_id: str, body: Any, raw_body: bytes
    ) -> JsonDict:
        version = self.state.settings.version_tuple
        path_task = parse_task_type(task_type) if task_type is not None else None
        if path_task is None and version < ONE_SEGMENT_PATH:
            raise bad_request("Inference ID must be provided in the path")
        if not raw_body:
            raise EsError(400, "parse_exception", "request body is required")
        if version < NEWEST:  # the request's own id check, dropped by the newest code
            check_inference_id(inference_id)
        parsed = parse_body(body, version)
        # The one-segment path gives no task type, so the body must.
        resolved = resolve_task_type(path_task, parsed.task_type)
        with self.state.lock:
            ep = self.state.endpoints.get(inference_id)
            default = inference_id in PRECONFIGURED_IDS and version >= (8, 16, 0)
            if ep is None and not default:
                raise EsError(
                    404,
                    "resource_not_found_exception",
                    f"The inference endpoint [{inference_id}] does not exist and cannot be updated",
                )
            if default or inference_id.startswith("."):
                raise bad_request(f"Default endpoint [{inference_id}] cannot be updated")
            assert ep is not None
            if resolved != ep.task_type:
                raise bad_request("Task type must match the task type of the existing endpoint")
            change = self._change(ep, parsed, version)
            if ep.service in DEPLOYMENT_SERVICES:
                self._update_deployment(ep, change, raw_body, version)
            ep.service_settings = change.service_settings
            ep.secrets = change.secrets
            ep.task_settings = change.task_settings
            ep.chunking_settings = change.chunking_settings
            return endpoint_view(self.state, ep, live=False)

    def _change(self, ep: StoredEndpoint, parsed: UpdateBody, version: Version) -> _Change:
        ss = parsed.service_settings or {}
        ts = parsed.task_settings or {}
        cs = parsed.chunking_settings
        errors = integer_errors(ss, ts, cs)
        if errors:
            raise validation_failed(errors)
        rule = SERVICES.get(ep.service)
        newest = version >= NEWEST
        secrets = deep_copy(ep.secrets)
        # The secret settings are rebuilt from service_settings whenever it is sent.
        if ss and ep.secrets and rule is not None:
            lenient = newest and ep.service == "openai"  # OAuth-era parser keeps old secrets
            errors = [] if lenient else secret_errors(rule, ss)
            if errors:
                raise validation_failed(errors)
            secrets.update({k: deep_copy(v) for k, v in ss.items() if k in SECRET_KEYS})
        deployment_service = ep.service in DEPLOYMENT_SERVICES
        updatable = set(SECRET_KEYS)
        if deployment_service:
            updatable |= {*SCALING_KEYS, "num_threads"}
        if newest:
            updatable.add("rate_limit")
            fixed = {k: v for k, v in ss.items() if k not in updatable}
            if fixed:
                raise unknown_keys_error(ep.service, fixed, version)
        known_task_keys = rule.task_keys if rule is not None else None
        if newest and known_task_keys is not None:
            unknown = {k: v for k, v in ts.items() if k not in known_task_keys}
            if unknown:
                raise unknown_keys_error(ep.service, unknown, version)

        service_settings = deep_copy(ep.service_settings)
        if newest and "rate_limit" in ss:
            service_settings["rate_limit"] = deep_copy(ss["rate_limit"])
        scaling = {k: ss[k] for k in SCALING_KEYS if k in ss} if deployment_service else {}
        if version < MERGED_DEPLOYMENT_UPDATE:
            scaling = {k: v for k, v in scaling.items() if k == "num_allocations"}
        _apply_scaling(service_settings, scaling)

        task_settings = deep_copy(ep.task_settings)
        for key, value in ts.items():
            if known_task_keys is not None and key not in known_task_keys:
                continue  # older parsers drop what they do not know
            if value is None:
                if newest:
                    task_settings.pop(key, None)
            else:
                task_settings[key] = deep_copy(value)

        chunking = deep_copy(ep.chunking_settings)
        if cs is not None:
            chunking = deep_copy(cs)  # replaced, never merged
        elif version < CHUNKING_KEPT and ep.task_type in EMBEDDING_TASK_TYPES:
            chunking = dict(LEGACY_CHUNKING)
        return _Change(service_settings, secrets, task_settings, chunking, scaling)

    def _update_deployment(
        self, ep: StoredEndpoint, change: _Change, raw_body: bytes, version: Version
    ) -> None:
        """What the in-cluster update does before the endpoint is stored."""
        deployments = self.state.deployments
        inference_id = ep.inference_id
        if version < MERGED_DEPLOYMENT_UPDATE:
            # 8.17 always went through the ML update, with the endpoint id as deployment id.
            deployment = deployments.get(inference_id)
            if deployment is None:
                raise _no_trained_model(inference_id)
            if not _is_int(change.scaling.get("num_allocations")):
                raw = raw_body.decode("utf-8", "replace")
                raise bad_request(f"Failed to parse [num_allocations] of update request [{raw}]")
        else:
            if not change.differs_from(ep):
                return  # nothing changes: answered without touching the deployment
            deployment_id = ep.deployment_id or inference_id
            deployment = deployments.get(deployment_id)
            if deployment is None:
                raise _no_trained_model(inference_id)
            if deployment_id != inference_id:
                if deployment_id in self.state.endpoints:
                    raise EsError(
                        409,
                        "status_exception",
                        f"Cannot update inference endpoint [{inference_id}] for model deployment "
                        f"[{deployment_id}] as it was created by another inference endpoint. The "
                        f"model can only be updated using inference endpoint id "
                        f"[{deployment_id}].",
                    )
                raise EsError(
                    409,
                    "status_exception",
                    f"Cannot update inference endpoint [{inference_id}] using model deployment "
                    f"[{deployment_id}]. The model deployment must be updated through the "
                    "trained models API.",
                )
        if change.scaling:
            settings = change.service_settings
            deployment.duration = self.state.settings.deployment_seconds
            deployment.rescale(
                settings.get("num_allocations"), deep_copy(settings.get("adaptive_allocations"))
            )


def _apply_scaling(settings: JsonDict, scaling: JsonDict) -> None:
    """``num_allocations`` and ``adaptive_allocations`` replace each other unless both are sent."""
    if "adaptive_allocations" in scaling:
        settings["adaptive_allocations"] = deep_copy(scaling["adaptive_allocations"])
    if "num_allocations" in scaling:
        settings["num_allocations"] = scaling["num_allocations"]
        if "adaptive_allocations" not in scaling:
            settings.pop("adaptive_allocations", None)
    elif "adaptive_allocations" in scaling:
        settings.pop("num_allocations", None)


def _no_trained_model(inference_id: str) -> EsError:
    return EsError(
        404,
        "resource_not_found_exception",
        f"Requested model ID [{inference_id}] does not have a matching trained model and thus "
        "cannot be updated.",
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
