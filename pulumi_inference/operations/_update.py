"""Update: ``_update`` with only the changed keys; a change only Pulumi sees calls nothing.

Before anything is sent, the cluster is confirmed to be the one state recorded
(``_identity``). A changed ``connection`` is checked before it is stored (the cluster takes
the credentials and they can apply), so a refused or read-only key never reaches the state,
whatever ``PULUMI_INFERENCE_PREVIEW_CHECK`` says: that setting governs the preview only.
A move to another cluster (``PULUMI_INFERENCE_MOVE_TO_CLUSTER``) takes the endpoint over
there, as an adoption does, or creates it there when it is not.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from .._version import parse_version
from ..client import InferenceClient
from ..errors import ClusterRejectedError, InferenceError
from ._access import require_storable
from ._create import create
from ._deployment import wait_until_ready
from ._desired import DesiredEndpoint
from ._identity import ClusterIdentity, confirm_cluster, moves, moving_to
from ._observed import Observed, cluster_version_of
from ._plan import Plan, plan_change, update_body
from ._timeout import send_update
from ._versions import task_settings_updatable

__all__ = ["update", "update_body"]


def update(
    connect: Callable[[], InferenceClient],
    old: DesiredEndpoint,
    new: DesiredEndpoint,
    recorded: Observed,
) -> Observed:
    """Apply the in-place part of the change from ``old`` (state) to ``new`` (declaration).

    ``recorded`` is what state holds of the live endpoint; it is returned unchanged (and the
    cluster never called) when only Pulumi-side settings other than the connection changed.
    """
    plan = plan_change(old, new, live_chunking=recorded.chunking_settings)
    if plan.replaces:
        raise InferenceError(
            f"inference endpoint '{new.inference_id}': {', '.join(plan.replaces)} cannot "
            "change in place; this change needs a replacement (run `pulumi refresh` and "
            "`pulumi up` again)"
        )
    new_connection = "connection" in plan.provider_only_changes
    if not plan.update_body and not new_connection and moving_to() is None:
        return recorded
    client = connect()
    subject = f"inference endpoint '{new.inference_id}'"
    cluster = confirm_cluster(client, recorded.cluster, subject)
    if moves(recorded.cluster, cluster):
        return create(client, dataclasses.replace(new, adopt_existing=True), new.declared_props())
    if new_connection:
        require_storable(client, subject)  # the credentials it stores can apply
    if not plan.update_body:
        return recorded.on(cluster)
    return _send(client, plan, new, recorded, cluster)


def _send(
    client: InferenceClient,
    plan: Plan,
    new: DesiredEndpoint,
    recorded: Observed,
    cluster: ClusterIdentity,
) -> Observed:
    version = cluster_version_of(client, new.inference_id) or recorded.cluster_version
    if not task_settings_updatable(parse_version(version)):
        raise InferenceError(
            f"inference endpoint '{new.inference_id}' on {client.cluster}: the cluster "
            f"runs {version}, which has no _update API (8.17+). Run `pulumi refresh` so "
            "the plan knows the version; it will then replace the endpoint instead."
        )
    try:
        live = send_update(client, new, update_body(plan, new))
    except ClusterRejectedError as refused:
        if "no handler found" not in (refused.reason or ""):
            raise
        # Only when the version was unknown (GET / needs `monitor`) does this reach a cluster
        # older than 8.17; a refresh cannot tell the plan either, so say what can.
        raise InferenceError(
            f"inference endpoint '{new.inference_id}' on {client.cluster}: the cluster has no "
            "_update API (Elasticsearch before 8.17), so this change cannot be made in place, "
            "and its version could not be read to plan a replacement instead (GET / needs the "
            "`monitor` cluster privilege). Grant `monitor` to the credentials and run "
            "`pulumi refresh`, or replace the endpoint: `pulumi up --replace <its URN>`."
        ) from None
    if plan.rescales_deployment and new.deploys_model and new.wait_for_deployment:
        wait_until_ready(client, new)
    return Observed.of(live, version, cluster).on(
        recorded.cluster if not cluster.known else cluster
    )
