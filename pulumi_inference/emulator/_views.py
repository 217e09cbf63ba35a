"""How the cluster shows endpoints: stored ones, the preconfigured ones, and task-type errors.

Shared by the route families that answer with endpoints (GET, PUT, ``_update``, DELETE) and
by the control plane.
"""

from __future__ import annotations

from ._errors import EsError, JsonDict, bad_request
from ._requests import preconfigured_endpoints
from ._store import State, StoredEndpoint, deep_copy


def preconfigured(state: State) -> list[JsonDict]:
    """The default endpoints the cluster shows without their being created (8.16+)."""
    if state.settings.version_tuple < (8, 16, 0):
        return []
    return preconfigured_endpoints(state.settings.linux_x86)


def endpoint_view(state: State, ep: StoredEndpoint, *, live: bool) -> JsonDict:
    """The endpoint as GET shows it (``live``: the deployment's current allocation count)."""
    settings = deep_copy(ep.service_settings)
    if live and ep.deployment_id is not None:
        deployment = state.deployments.get(ep.deployment_id)
        if deployment is not None:
            settings["num_allocations"] = deployment.allocation_count()
    out: JsonDict = {
        "inference_id": ep.inference_id,
        "task_type": ep.task_type,
        "service": ep.service,
        "service_settings": settings,
    }
    if ep.task_settings or state.settings.version_tuple < (8, 16, 0):
        out["task_settings"] = deep_copy(ep.task_settings)
    if ep.chunking_settings is not None:
        out["chunking_settings"] = deep_copy(ep.chunking_settings)
    return out


def task_mismatch(requested: str, actual: str) -> EsError:
    return bad_request(
        f"Requested task type [{requested}] does not match the inference endpoint's task "
        f"type [{actual}]"
    )
