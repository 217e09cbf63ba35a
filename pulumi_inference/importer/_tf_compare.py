"""Terraform's record against the cluster, read once: what is gone, what differs.

Terraform never re-reads ``service_settings`` after a create, so its state goes stale when
someone changes an endpoint by hand. Each cluster the state names is read once (``GET /``
and ``GET /_inference/_all``, plus a deployment's stats where one is compared); each
endpoint is then judged as an adoption would judge it (:func:`operations.compare_with_endpoint`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import catalogue
from .._secrets import redact
from .._version import Version
from ..client import InferenceClient, client_for
from ..connection import ClusterConnection
from ..errors import AuthorizationError, InferenceError
from ..operations import compare_with_endpoint, declared_with_notes, deployment_id_of


@dataclass
class ClusterView:
    """One cluster as the import read it; ``problem`` says why it could not be read."""

    label: str
    client: InferenceClient | None = None
    version: Version | None = None
    uuid: str | None = None
    live: dict[str, dict[str, Any]] = field(default_factory=dict)
    problem: str | None = None

    @property
    def read(self) -> bool:
        return self.problem is None and self.client is not None


def read_cluster_view(connection: ClusterConnection) -> ClusterView:
    """The cluster's version, uuid and endpoints; a failure is kept as ``problem``."""
    view = ClusterView(connection.display_url)
    try:
        client = client_for(connection)
        try:
            info = client.cluster_info()
            view.version = client.cluster_version()
            uuid = info.get("cluster_uuid")
            view.uuid = uuid if isinstance(uuid, str) else None
        except AuthorizationError:
            pass  # GET / needs `monitor`: the version and uuid stay unknown
        endpoints = client.list_endpoints()
    except InferenceError as error:
        view.problem = redact(str(error), connection.secret_values())
        return view
    view.client = client
    view.live = {str(e.get("inference_id")): e for e in endpoints}
    return view


@dataclass(frozen=True)
class Judgement:
    """How one endpoint of the state stands on its cluster: ``matches`` (the digest may be
    written) and, if not, the lines to check before ``pulumi up``. ``read_back``: the
    endpoint as ``pulumi import`` reads it (``operations.declared_with_notes``), when it
    is on the cluster; ``exists``: False when it is gone (it will be created)."""

    matches: bool
    checks: tuple[str, ...] = ()
    read_back: dict[str, Any] | None = None
    read_back_notes: tuple[str, ...] = ()
    exists: bool = True


def judge(view: ClusterView, declared: Mapping[str, Any], recorded_uuid: str | None) -> Judgement:
    """``declared`` (canonical props, Terraform's secrets in place) against ``view``."""
    inference_id = str(declared["inference_id"])
    if not view.read or view.client is None:
        return Judgement(False, (f"{view.label} could not be read, so nothing was compared",))
    if recorded_uuid and view.uuid and recorded_uuid != view.uuid:
        return Judgement(
            False,
            (
                f"Terraform recorded it on cluster {recorded_uuid}, and {view.label} is cluster "
                f"{view.uuid}: check that this is the cluster Terraform manages it on",
            ),
        )
    live = view.live.get(inference_id)
    try:
        comparison = compare_with_endpoint(view.client, declared, live)
    except InferenceError as error:
        return Judgement(False, (f"could not be compared with {view.label} ({error})",))
    if not comparison.exists or live is None:
        return Judgement(
            False,
            (
                f"in Terraform's state but gone from {view.label}: `pulumi up` creates it "
                "again, as the state records it (secrets included)",
            ),
            exists=False,
        )
    read_back, notes = _read_back(view.client, live)
    if comparison.matches:
        return Judgement(True, read_back=read_back, read_back_notes=notes)
    shown = [_difference(path, declared, live) for path in comparison.differences]
    check = (
        f"differs from Terraform's state on {view.label} (the state is stale: Terraform "
        f"never re-reads service_settings): {'; '.join(shown)}. The program declares the "
        "state's values: the preview of `pulumi up` says what the adoption will change, "
        "and its secrets are sent"
    )
    return Judgement(False, (check,), read_back=read_back, read_back_notes=notes)


def _read_back(
    client: InferenceClient, live: Mapping[str, Any]
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The endpoint as ``pulumi import`` declares it (a deployment counted by its target)."""
    stats = None
    if catalogue.deploys_model(str(live.get("service"))):
        settings = live.get("service_settings") or {}
        deployment = deployment_id_of(str(live["inference_id"]), settings)
        try:
            stats = client.trained_model_stats(deployment)
        except AuthorizationError:
            stats = None
    return declared_with_notes(live, stats)


def _difference(path: str, declared: Mapping[str, Any], live: Mapping[str, Any]) -> str:
    parts = path.split(".")
    if any(part in catalogue.SECRET_KEYS for part in parts):
        return f"{path} (secret)"
    return f"{path}: state {_at(declared, parts)}, cluster {_at(live, parts)}"


def _at(value: Any, parts: list[str]) -> str:
    for part in parts:
        value = value.get(part) if isinstance(value, Mapping) else None
    return "(none)" if value is None else json.dumps(value, sort_keys=True)
