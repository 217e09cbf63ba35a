"""An existing endpoint as a person would have declared it, for ``pulumi import`` and the
``pulumi-inference import`` command: what the cluster added on its own is left out.

Left out: the keys the cluster computes or fills in when they are not declared
(``dimensions`` unless the user set them, ``similarity``, ``element_type``, a ``rate_limit``
equal to the service's default, ...), the default chunking of embedding task types, and the
live ``num_allocations`` of a deployment that scales adaptively. The secrets are not known:
the cluster never returns them, so a program must declare them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import catalogue
from ..client import InferenceClient
from ..errors import EndpointNotFoundError
from ._deployment import target_allocations
from ._desired import deployment_id_of
from ._observed import Observed, cluster_version_of

PRECONFIGURED_PREFIX = "."


def _service_settings(
    service: str, task_type: str, live: Mapping[str, Any], target: int | None
) -> dict[str, Any]:
    settings = dict(live)
    set_by_user = settings.pop("dimensions_set_by_user", None) is True
    for key in catalogue.server_managed_service_keys(service, {}):
        if key == "dimensions" and set_by_user:
            continue
        if key == "rate_limit" and settings.get(key) != _default_rate_limit(service, task_type):
            continue  # a rate limit someone chose
        settings.pop(key, None)
    adaptive = settings.get("adaptive_allocations")
    if isinstance(adaptive, Mapping) and adaptive.get("enabled"):
        settings.pop("num_allocations", None)  # GET shows the live count, not a declaration
    elif target is not None and "num_allocations" in settings:
        settings["num_allocations"] = target  # the target, not a count still scaling
    return settings


def _default_rate_limit(service: str, task_type: str) -> dict[str, int] | None:
    default = catalogue.rate_limit_default(service, task_type)
    return {"requests_per_minute": default} if default is not None else None


def declaration_of(live: Mapping[str, Any], stats: Mapping[str, Any] | None) -> dict[str, Any]:
    """Canonical props declaring ``live`` (a GET of the endpoint), secrets left out.

    ``stats``: the deployment's trained model stats, for an ``elasticsearch`` endpoint.
    """
    inference_id = str(live["inference_id"])
    service = str(live["service"])
    task_type = str(live["task_type"])
    deployment_id = deployment_id_of(inference_id, live.get("service_settings"))
    declared: dict[str, Any] = {
        "inference_id": inference_id,
        "task_type": task_type,
        "service": service,
        "service_settings": _service_settings(
            service,
            task_type,
            live.get("service_settings") or {},
            target_allocations(stats, str(deployment_id)),
        ),
    }
    if live.get("task_settings"):
        declared["task_settings"] = dict(live["task_settings"])
    chunking = live.get("chunking_settings")
    if chunking and dict(chunking) != catalogue.default_chunking_settings(task_type):
        declared["chunking_settings"] = dict(chunking)
    return declared


@dataclass(frozen=True)
class ExistingEndpoint:
    """An endpoint found on the cluster: its declaration (secrets unknown) and live state."""

    declaration: dict[str, Any]
    observed: Observed


def existing_endpoint(client: InferenceClient, inference_id: str) -> ExistingEndpoint | None:
    """The endpoint ``inference_id`` as a program would declare it, or None if absent."""
    live = client.find_endpoint(inference_id)
    if live is None:
        return None
    stats = None
    if catalogue.deploys_model(str(live.get("service"))):
        deployment_id = deployment_id_of(inference_id, live.get("service_settings"))
        stats = client.trained_model_stats(deployment_id)
    return ExistingEndpoint(
        declaration_of(live, stats), Observed.of(live, cluster_version_of(client, inference_id))
    )


def import_endpoint(client: InferenceClient, inference_id: str) -> ExistingEndpoint:
    """``pulumi import``: the endpoint as a program would declare it; refused when absent."""
    found = existing_endpoint(client, inference_id)
    if found is None:
        raise EndpointNotFoundError(
            f"inference endpoint '{inference_id}' does not exist on {client.cluster}; check "
            "the id (GET /_inference/_all lists them) and the provider's url",
            status=404,
        )
    return found
