"""Diff: the offline plan, plus a warning when a replacement would break its users."""

from __future__ import annotations

import logging
from collections.abc import Callable

from .. import catalogue
from ..client import InferenceClient
from ..errors import InferenceError
from ._access import require_manage
from ._adoption import note_replaced_in_place
from ._availability import recorded_version_issues
from ._desired import DesiredEndpoint
from ._impact import replacement_impact
from ._observed import Observed
from ._plan import Plan, plan_change
from ._versions import update_changes_chunking

log = logging.getLogger("pulumi_inference")


def diff(
    old: DesiredEndpoint,
    new: DesiredEndpoint,
    connect: Callable[[], InferenceClient],
    recorded: Observed | None = None,
    *,
    resource: str | None = None,
) -> Plan:
    """What changing ``old`` (state) into ``new`` (declaration) does.

    Calls the cluster only when the plan replaces the endpoint, read-only, to warn before
    review about pipelines and ``semantic_text`` indexes the replacement would break.
    ``recorded``: what state holds of the live endpoint (its chunking, for the warning).
    ``resource``: the engine's name of the resource (its URN), which the check of a
    replacement's inputs that follows is given too (``_adoption``).
    """
    plan = plan_change(old, new)
    _refuse_unavailable(old, new, connect)
    if plan.delete_before_replace and resource is not None:
        _note_replaced_in_place(resource, connect)
    if plan.replaces or plan.update_body:
        _require_manage(old, connect)
    impact = replacement_impact(connect, old, new, plan)
    if impact is not None:
        log.warning("%s", impact.message())
    if _update_changes_live_chunking(plan, old, new, recorded):
        log.warning(
            "inference endpoint '%s': updating it in place on this cluster (Elasticsearch %s, "
            "before 9.4) also resets its chunking_settings to word/250/100, a cluster bug "
            "(elastic/elasticsearch#139574); documents indexed afterwards are chunked that way. "
            "Upgrade the cluster, or declare chunking_settings and replace the endpoint.",
            new.inference_id,
            ".".join(map(str, old.cluster_version or ())),
        )
    return plan


def _note_replaced_in_place(resource: str, connect: Callable[[], InferenceClient]) -> None:
    try:
        client = connect()
    except InferenceError:
        return
    note_replaced_in_place(resource, client.cluster)


def _require_manage(old: DesiredEndpoint, connect: Callable[[], InferenceClient]) -> None:
    """A plan that changes the cluster, with credentials that cannot: one line, now."""
    try:
        client = connect()
    except InferenceError:
        return
    require_manage(client, f"inference endpoint '{old.inference_id}'")


def _refuse_unavailable(
    old: DesiredEndpoint, new: DesiredEndpoint, connect: Callable[[], InferenceClient]
) -> None:
    """When the check could not read the cluster's version, what the version state recorded
    cannot accept fails the preview here (nothing is asked of the cluster)."""
    if old.cluster_version is None:
        return
    try:
        client = connect()
    except InferenceError:
        return
    issues = recorded_version_issues(client, new, old.cluster_version)
    if issues:
        raise InferenceError(f"inference endpoint '{new.inference_id}': {issues[0][1]}")


def _update_changes_live_chunking(
    plan: Plan, old: DesiredEndpoint, new: DesiredEndpoint, recorded: Observed | None
) -> bool:
    """An in-place update (not a replacement) on a cluster whose ``_update`` resets chunking,
    of an endpoint whose live chunking (as recorded, else as declared, else the default) is
    not already what the reset leaves."""
    if plan.replaces or not plan.update_body:
        return False
    live = recorded.chunking_settings if recorded is not None else None
    if live is None:
        live = old.chunking_settings or catalogue.default_chunking_settings(new.task_type)
    return update_changes_chunking(new.task_type, old.cluster_version, live)
