"""Diff: the offline plan, plus a warning when a replacement would break its users."""

from __future__ import annotations

import logging
from collections.abc import Callable

from ..client import InferenceClient
from ..errors import InferenceError
from ._availability import recorded_version_issues
from ._desired import DesiredEndpoint
from ._impact import replacement_impact
from ._plan import Plan, plan_change
from ._versions import CHUNKING_AFTER_UPDATE_RESET, update_resets_chunking

log = logging.getLogger("pulumi_inference")


def diff(
    old: DesiredEndpoint, new: DesiredEndpoint, connect: Callable[[], InferenceClient]
) -> Plan:
    """What changing ``old`` (state) into ``new`` (declaration) does.

    Calls the cluster only when the plan replaces the endpoint, read-only, to warn before
    review about pipelines and ``semantic_text`` indexes the replacement would break.
    """
    plan = plan_change(old, new)
    _refuse_unavailable(old, new, connect)
    impact = replacement_impact(connect, old, new, plan)
    if impact is not None:
        log.warning("%s", impact.message())
    if _update_resets_declared_chunking(plan, old, new):
        log.warning(
            "inference endpoint '%s': updating it in place on this cluster (Elasticsearch %s, "
            "before 9.4) also resets its chunking_settings to word/250/100, a cluster bug "
            "(elastic/elasticsearch#139574); documents indexed afterwards are chunked that way. "
            "Upgrade the cluster, or declare chunking_settings and replace the endpoint.",
            new.inference_id,
            ".".join(map(str, old.cluster_version or ())),
        )
    return plan


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


def _update_resets_declared_chunking(
    plan: Plan, old: DesiredEndpoint, new: DesiredEndpoint
) -> bool:
    """An in-place update (not a replacement) on a cluster whose ``_update`` resets chunking,
    of an endpoint whose declared chunking is not already what the reset leaves."""
    if plan.replaces or not plan.update_body:
        return False
    if not update_resets_chunking(new.task_type, old.cluster_version):
        return False
    return new.chunking_settings != dict(CHUNKING_AFTER_UPDATE_RESET)
