"""Hand edits of stored endpoints (control plane and ``Emulator.edit_endpoint``), for drift
tests: they bypass every rule of ``_update``."""

from __future__ import annotations

from typing import Any

from ._errors import JsonDict, bad_request, not_found
from ._services import SECRET_KEYS
from ._store import State, deep_copy
from ._views import endpoint_view


def edit_endpoint(state: State, inference_id: str, edit: JsonDict) -> JsonDict:
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
    with state.lock:
        ep = state.endpoints.get(inference_id)
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
            deployment = state.deployments.get(ep.deployment_id)
            if deployment is not None:
                deployment.rescale(
                    ep.service_settings.get("num_allocations"),
                    deep_copy(ep.service_settings.get("adaptive_allocations")),
                )
        return endpoint_view(state, ep, live=True)
