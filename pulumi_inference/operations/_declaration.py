"""An existing endpoint as a person would have declared it, for ``pulumi import`` and the
``pulumi-inference import`` command: what the cluster added on its own is left out.

Left out: a value the cluster computes or fills in when it is not declared, where it equals
the server's own default for the service, task type and model (``catalogue``'s
``service_setting_default``: a ``rate_limit`` equal to the service's, the model's native
``dimensions``, the service's ``similarity``, a task setting the cluster shows undeclared),
the default chunking of embedding task types, and the live ``num_allocations`` of a
deployment that scales adaptively. A value that differs is someone's choice and is written;
one the catalogue cannot judge is written too, with a note (what to check before ``up``).
The secrets are not known: the cluster never returns them, so a program must declare them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import catalogue
from .._nested import normalize_numbers
from ..client import InferenceClient
from ..errors import ConfigurationError, EndpointNotFoundError
from ._deployment import target_allocations
from ._desired import deployment_id_of
from ._identity import ClusterIdentity, confirm_cluster
from ._observed import Observed, cluster_version_of

PRECONFIGURED_PREFIX = "."


def _kept_or_dropped(
    service: str, task_type: str, settings: dict[str, Any], notes: list[str]
) -> None:
    """Leave out of ``settings`` each key the cluster added itself (its value is the
    server's default); keep a value someone chose, and one the catalogue cannot judge, with
    a note saying why."""
    fields = catalogue.get_service(service)
    set_by_user = settings.pop("dimensions_set_by_user", None)
    for key in sorted(catalogue.server_managed_service_keys(service, {})):
        if key not in settings:
            continue
        field = fields.field("service_settings", key) if fields is not None else None
        if field is not None and field.response_only:
            settings.pop(key)  # the cluster refuses it in a request: nobody declared it
            continue
        if key == "dimensions" and isinstance(set_by_user, bool):
            if not set_by_user:
                settings.pop(key)
            continue
        default = catalogue.service_setting_default(service, task_type, key, settings)
        if default is catalogue.NO_DEFAULT:
            notes.append(
                f"service_settings.{key} is kept as the cluster shows it ({settings[key]!r}): "
                f"whether it was set or is the default of {service} is not known here. If "
                "nobody set it, removing it changes nothing now, but keeping it keeps the "
                "endpoint the same when it is ever recreated"
            )
        elif normalize_numbers(settings[key]) == normalize_numbers(default):
            settings.pop(key)


def _service_settings(
    service: str,
    task_type: str,
    live: Mapping[str, Any],
    target: int | None,
    notes: list[str],
) -> dict[str, Any]:
    settings = dict(live)
    _kept_or_dropped(service, task_type, settings, notes)
    adaptive = settings.get("adaptive_allocations")
    if isinstance(adaptive, Mapping) and adaptive.get("enabled"):
        settings.pop("num_allocations", None)  # GET shows the live count, not a declaration
    elif target is not None and "num_allocations" in settings:
        settings["num_allocations"] = target  # the target, not a count still scaling
    return settings


def _task_settings(service: str, task_type: str, live: Mapping[str, Any]) -> dict[str, Any]:
    """The live task settings without those equal to what the cluster shows undeclared."""
    return {
        key: value
        for key, value in live.items()
        if normalize_numbers(value)
        != normalize_numbers(catalogue.task_setting_default(service, task_type, key))
    }


def declaration_of(live: Mapping[str, Any], stats: Mapping[str, Any] | None) -> dict[str, Any]:
    """Canonical props declaring ``live`` (a GET of the endpoint), secrets left out.

    ``stats``: the deployment's trained model stats, for an ``elasticsearch`` endpoint.
    """
    return declared_with_notes(live, stats)[0]


def declared_with_notes(
    live: Mapping[str, Any], stats: Mapping[str, Any] | None
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """:func:`declaration_of`, and what to check in it before ``pulumi up``: each value kept
    because the catalogue cannot tell whether someone set it."""
    inference_id = str(live["inference_id"])
    service = str(live["service"])
    task_type = str(live["task_type"])
    deployment_id = deployment_id_of(inference_id, live.get("service_settings"))
    notes: list[str] = []
    declared: dict[str, Any] = {
        "inference_id": inference_id,
        "task_type": task_type,
        "service": service,
        "service_settings": _service_settings(
            service,
            task_type,
            live.get("service_settings") or {},
            target_allocations(stats, str(deployment_id)),
            notes,
        ),
    }
    task_settings = _task_settings(service, task_type, live.get("task_settings") or {})
    if task_settings:
        declared["task_settings"] = task_settings
    chunking = live.get("chunking_settings")
    if chunking and dict(chunking) != catalogue.default_chunking_settings(task_type):
        declared["chunking_settings"] = dict(chunking)
    return declared, tuple(notes)


@dataclass(frozen=True)
class ExistingEndpoint:
    """An endpoint found on the cluster: its declaration (secrets unknown) and live state."""

    declaration: dict[str, Any]
    observed: Observed
    notes: tuple[str, ...] = ()
    """Values kept in the declaration that the catalogue could not tell from defaults."""


def existing_endpoint(client: InferenceClient, inference_id: str) -> ExistingEndpoint | None:
    """The endpoint ``inference_id`` as a program would declare it, or None if absent (on a
    server confirmed to be Elasticsearch: a 404 of another server is not "absent")."""
    cluster = confirm_cluster(client, ClusterIdentity(), f"inference endpoint '{inference_id}'")
    live = client.find_endpoint(inference_id)
    if live is None:
        return None
    stats = None
    if catalogue.deploys_model(str(live.get("service"))):
        deployment_id = deployment_id_of(inference_id, live.get("service_settings"))
        stats = client.trained_model_stats(deployment_id)
    declaration, notes = declared_with_notes(live, stats)
    observed = Observed.of(live, cluster_version_of(client, inference_id), cluster)
    return ExistingEndpoint(declaration, observed, notes)


def terraform_id(import_id: str) -> tuple[str | None, str]:
    """``<cluster_uuid>/<inference_id>`` (Terraform's id of the endpoint, elastic/elasticstack)
    as its two halves; a bare inference id (which never holds a ``/``) as ``(None, id)``."""
    uuid, sep, inference_id = import_id.partition("/")
    return (uuid, inference_id) if sep else (None, import_id)


def _check_cluster_uuid(client: InferenceClient, uuid: str, inference_id: str) -> None:
    """Terraform's id names its cluster: importing it from another one is refused."""
    found = client.cluster_info().get("cluster_uuid")
    if found != uuid:
        raise ConfigurationError(
            f"import id '{uuid}/{inference_id}' is Terraform's id of an endpoint on cluster "
            f"{uuid}, and {client.cluster} is cluster {found}: point the provider at that "
            f"cluster, or import by the inference id alone ('{inference_id}')"
        )


def import_endpoint(client: InferenceClient, import_id: str) -> ExistingEndpoint:
    """``pulumi import``: the endpoint as a program would declare it; refused when absent.

    ``import_id``: the inference id, or Terraform's ``<cluster_uuid>/<inference_id>``, whose
    cluster uuid must be the cluster's (``GET /``)."""
    uuid, inference_id = terraform_id(import_id)
    if uuid is not None:
        _check_cluster_uuid(client, uuid, inference_id)
    found = existing_endpoint(client, inference_id)
    if found is None:
        raise EndpointNotFoundError(
            f"inference endpoint '{inference_id}' does not exist on {client.cluster}; check "
            "the id (GET /_inference/_all lists them) and the provider's url",
            status=404,
        )
    return found
