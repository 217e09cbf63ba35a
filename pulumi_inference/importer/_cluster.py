"""Reading the cluster: every endpoint as a person would have declared it.

One ``GET /_inference/_all``, plus the trained model stats of each model deployment (the
allocation target of a fixed-size deployment is in the stats, not in the endpoint), turned
into declarations by :func:`pulumi_inference.operations.declared_with_notes`.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import catalogue
from .._version import Version
from ..client import InferenceClient
from ..errors import AuthorizationError
from ..operations import PRECONFIGURED_PREFIX, declared_with_notes, deployment_id_of


@dataclass(frozen=True)
class Found:
    """An endpoint to write: its declaration, and whether the cluster made it itself."""

    declaration: dict[str, Any]
    preconfigured: bool = False
    notes: tuple[str, ...] = ()
    """Values kept that the catalogue could not tell from the cluster's defaults."""
    adopt_secrets_digest: str | None = None
    """The digest of the secrets the cluster provably holds: adopting sends none."""
    connection: str | None = None
    """The program's variable naming its cluster (a Connection, natively a Provider), or
    None for the stack's own cluster."""
    exists: bool = True
    """False: not on the cluster (it is created; natively, not imported)."""

    @property
    def inference_id(self) -> str:
        return str(self.declaration["inference_id"])


@dataclass(frozen=True)
class Skipped:
    inference_id: str
    reason: str


@dataclass
class Inventory:
    cluster: str
    version: Version | None  # None: not readable (GET / needs the `monitor` privilege)
    found: list[Found] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


NOT_MATCHED = "does not match --match"
PRECONFIGURED = "preconfigured by the cluster (--include-preconfigured reads it into the program)"


def read_cluster(
    client: InferenceClient, *, match: Sequence[str] = (), include_preconfigured: bool = False
) -> Inventory:
    """Every endpoint of the cluster behind ``client``, sorted by id, filtered."""
    inventory = Inventory(cluster=client.cluster, version=_version(client))
    if inventory.version is None:
        inventory.warnings.append(
            "the cluster's version could not be read (GET / needs the `monitor` cluster "
            "privilege), so the program assumes a current cluster (8.17+)"
        )
    endpoints = sorted(client.list_endpoints(), key=lambda e: str(e.get("inference_id")))
    for live in endpoints:
        inference_id = str(live.get("inference_id"))
        preconfigured = inference_id.startswith(PRECONFIGURED_PREFIX)
        if match and not any(fnmatch.fnmatchcase(inference_id, glob) for glob in match):
            inventory.skipped.append(Skipped(inference_id, NOT_MATCHED))
        elif preconfigured and not include_preconfigured:
            inventory.skipped.append(Skipped(inference_id, PRECONFIGURED))
        elif not all(isinstance(live.get(key), str) for key in ("task_type", "service")):
            inventory.skipped.append(
                Skipped(inference_id, "the cluster's answer lacks its task_type or service")
            )
        else:
            stats = _stats(client, live, inventory)
            declaration, notes = declared_with_notes(live, stats)
            inventory.found.append(Found(declaration, preconfigured, notes))
    return inventory


def _version(client: InferenceClient) -> Version | None:
    try:
        return client.cluster_version()
    except AuthorizationError:
        return None


def _stats(client: InferenceClient, live: dict[str, Any], inventory: Inventory) -> Any:
    """The deployment's stats, for its allocation target; None when not a deployment."""
    if not catalogue.deploys_model(str(live["service"])):
        return None
    settings = live.get("service_settings") or {}
    deployment_id = deployment_id_of(str(live["inference_id"]), settings)
    try:
        return client.trained_model_stats(deployment_id)
    except AuthorizationError:
        inventory.warnings.append(
            f"{live['inference_id']}: the credentials cannot read the deployment's stats "
            "(monitor_ml or manage_ml is needed), so num_allocations is the live count, "
            "which may still be scaling"
        )
        return None
