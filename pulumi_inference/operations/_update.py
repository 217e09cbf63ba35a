"""Update: ``_update`` with only the changed keys; a change only Pulumi sees calls nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import catalogue
from .._version import parse_version
from ..client import InferenceClient
from ..errors import ClusterRejectedError, InferenceError
from ._deployment import wait_until_ready
from ._desired import DesiredEndpoint
from ._observed import Observed, cluster_version_of
from ._plan import Plan, plan_change
from ._timeout import send_update
from ._versions import task_settings_updatable


def update_body(plan: Plan, spec: DesiredEndpoint, *, send_secrets: bool = False) -> dict[str, Any]:
    """The ``_update`` body of ``plan``: only the changed keys, plus every declared secret of
    ``service_settings`` whenever that object is sent (the cluster rebuilds the endpoint's
    secret settings from it and refuses one without them) or ``send_secrets`` asks for them
    (an adoption: the cluster never shows the secrets it holds)."""
    body = plan.update_body
    secrets = {
        key: value for key, value in spec.service_settings.items() if key in catalogue.SECRET_KEYS
    }
    if secrets and (send_secrets or "service_settings" in body):
        body["service_settings"] = {**body.get("service_settings", {}), **secrets}
    return body


def update(
    connect: Callable[[], InferenceClient],
    old: DesiredEndpoint,
    new: DesiredEndpoint,
    recorded: Observed,
) -> Observed:
    """Apply the in-place part of the change from ``old`` (state) to ``new`` (declaration).

    ``recorded`` is what state holds of the live endpoint; it is returned unchanged (and the
    cluster never called) when only Pulumi-side settings changed.
    """
    plan = plan_change(old, new)
    if plan.replaces:
        raise InferenceError(
            f"inference endpoint '{new.inference_id}': {', '.join(plan.replaces)} cannot "
            "change in place; this change needs a replacement (run `pulumi refresh` and "
            "`pulumi up` again)"
        )
    if not plan.update_body:
        return recorded
    client = connect()
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
    return Observed.of(live, version)
