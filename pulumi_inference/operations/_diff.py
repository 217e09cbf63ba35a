"""Diff: the offline plan, checked against the cluster the plan will be applied to.

The cluster is the one the *new* declaration (or the provider configuration being applied)
names, never the one stored by the last ``up``: a rotated key is checked as it will be used,
and a key that cannot apply the plan fails it here. Where that connection is not known yet
(the program computes it), the preview says so and asks nothing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from .. import catalogue
from .._nested import normalize_numbers
from ..client import InferenceClient
from ..errors import InferenceError
from ._access import preview_cluster, require_manage
from ._adoption import adoption_notice, note_replaced_in_place
from ._availability import recorded_version_issues
from ._cluster import ConnectionNotKnown
from ._desired import DesiredEndpoint
from ._identity import MOVE_ENV, ClusterIdentity, moves
from ._impact import replacement_impact
from ._observed import Observed
from ._plan import Change, Plan, plan_change
from ._versions import CHUNKING_AFTER_UPDATE_RESET, update_changes_chunking

log = logging.getLogger("pulumi_inference")

MOVE_PATH = ("cluster_uuid",)
"""The change a move to another cluster shows, per endpoint."""


def diff(
    old: DesiredEndpoint,
    new: DesiredEndpoint,
    connect: Callable[[], InferenceClient],
    recorded: Observed | None = None,
    *,
    resource: str | None = None,
) -> Plan:
    """What changing ``old`` (state) into ``new`` (declaration) does.

    ``connect`` gives the cluster the plan is applied to (``new``'s connection, or the
    provider configuration being applied). It is asked, read-only and once per process,
    whether it is the cluster state recorded (``recorded``, with its chunking, for the
    warning) and whether the credentials can apply the plan; for a replacement, which
    pipelines and ``semantic_text`` indexes it would break. ``resource``: the engine's
    name of the resource (its URN), which the check of a replacement's inputs that follows
    is given too (``_adoption``).
    """
    live_chunking = recorded.chunking_settings if recorded is not None else None
    plan = plan_change(old, new, live_chunking=live_chunking)
    _show_reset_chunking(plan, old, new, recorded)
    subject = f"inference endpoint '{old.inference_id}'"
    client = _applying_client(connect)
    if client is not None:
        on = recorded.cluster if recorded is not None else ClusterIdentity()
        live = preview_cluster(client, on, subject)
        if live is not None and moves(on, live):
            _plan_move(plan, client, new, on, live)
        if plan.delete_before_replace and resource is not None:
            note_replaced_in_place(resource, client.cluster)
        _refuse_unavailable(client, old, new)
        if plan.replaces or plan.update_body or _stores_a_new_connection(plan):
            require_manage(client, subject)
        impact = replacement_impact(lambda: client, old, new, plan)
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


def _applying_client(connect: Callable[[], InferenceClient]) -> InferenceClient | None:
    """The cluster the plan is applied to; ``None`` when it is not known yet (said so) or
    cannot be worked out (the check has said why)."""
    try:
        return connect()
    except ConnectionNotKnown as exc:
        log.info("%s", exc)
    except InferenceError:
        pass
    return None


def _stores_a_new_connection(plan: Plan) -> bool:
    """A changed ``connection`` is stored for every later command (delete included): the
    credentials it holds must be able to apply, or a later destroy would fail."""
    return "connection" in plan.provider_only_changes


def _plan_move(
    plan: Plan,
    client: InferenceClient,
    new: DesiredEndpoint,
    recorded: ClusterIdentity,
    live: ClusterIdentity,
) -> None:
    """A move to another cluster (``PULUMI_INFERENCE_MOVE_TO_CLUSTER``): shown per endpoint,
    with what ``up`` does there. It cannot go with a replacement: move first."""
    where = f"inference endpoint '{new.inference_id}'"
    if plan.replaces:
        raise InferenceError(
            f"{where}: moving to {live.described()} ({MOVE_ENV}) and replacing it "
            f"({', '.join(plan.replaces)} changed) cannot be one step: move the stack with the "
            "declaration unchanged first, then change it"
        )
    plan.changes.append(Change(MOVE_PATH, "update", replaces=False))
    there = adoption_notice(client, new, new.declared_props())
    then = there if there is not None else "it is not there yet: `pulumi up` creates it there"
    log.warning(
        "%s MOVES from %s to %s on %s (%s); %s",
        where,
        recorded.described(),
        live.described(),
        client.cluster,
        MOVE_ENV,
        then,
    )


def _show_reset_chunking(
    plan: Plan, old: DesiredEndpoint, new: DesiredEndpoint, recorded: Observed | None
) -> None:
    """An endpoint whose program leaves chunking to the cluster (its default), but which
    chunks as an ``_update`` of Elasticsearch 8.17 to 9.3 leaves it (word/250/100, the reset
    of an adoption or of any in-place update): every preview says so, as a warning on it,
    until it is resolved. Nothing is planned for it: no ``_update`` of those versions takes
    chunking_settings, and replacing an endpoint is for the user to choose (declaring the
    default chunking plans it); declaring the chunking as it now is ends the warning with no
    change."""
    if recorded is None or old.chunking_settings or new.chunking_settings:
        return
    if plan.replaces or not isinstance(new.task_type, str):
        return
    live, default = recorded.chunking_settings, catalogue.default_chunking_settings(new.task_type)
    reset = dict(CHUNKING_AFTER_UPDATE_RESET)
    if live is None or default is None or default == reset or normalize_numbers(live) != reset:
        return
    log.warning(
        "inference endpoint '%s' chunks as %s, NOT as its program says (chunking_settings left "
        "out: the cluster's default, %s): an _update on Elasticsearch 8.17 to 9.3 reset it "
        "(elastic/elasticsearch#139574), and no _update of those versions sets it back. To "
        "keep it, declare chunking_settings=%s (this warning then stops; nothing changes). To "
        "restore the default, declare chunking_settings=%s: the plan then replaces the "
        "endpoint (deleting it first; reindex what was indexed since, if it matters).",
        new.inference_id,
        _chunking_text(reset),
        _chunking_text(default),
        json.dumps(reset),
        json.dumps(default),
    )


def _chunking_text(chunking: Mapping[str, Any]) -> str:
    return "/".join(str(value) for value in chunking.values())


def _refuse_unavailable(
    client: InferenceClient, old: DesiredEndpoint, new: DesiredEndpoint
) -> None:
    """When the check could not read the cluster's version, what the version state recorded
    cannot accept fails the preview here (nothing is asked of the cluster)."""
    if old.cluster_version is None:
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
