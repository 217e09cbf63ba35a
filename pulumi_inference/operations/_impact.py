"""What a planned replacement would break, asked read-only before anyone approves it.

A replacement deletes the old endpoint. When ingest pipelines or ``semantic_text`` fields use
it, that delete is refused (without ``force_delete``), or it succeeds and leaves them pointing
at an endpoint with another model (with it). A preview should say so before review, not the
apply after it: ``DELETE ...?dry_run=true`` lists the users without deleting anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from .._naming import spelled
from ..client import LOOKUP_POLICY, InferenceClient
from ..errors import InferenceError
from ._desired import DesiredEndpoint
from ._plan import Plan
from ._versions import dry_run_available

log = logging.getLogger("pulumi_inference")


@dataclass(frozen=True)
class ReplacementImpact:
    inference_id: str
    replaced_by: str
    reasons: tuple[str, ...]
    pipelines: tuple[str, ...]
    indexes: tuple[str, ...]
    force_delete: bool
    force_delete_in_this_change: bool

    def message(self) -> str:
        users = []
        if self.pipelines:
            users.append(f"ingest pipelines {list(self.pipelines)}")
        if self.indexes:
            users.append(f"semantic_text fields of indexes {list(self.indexes)}")
        used_by = " and ".join(users)
        verb = "changes" if len(self.reasons) == 1 else "change"
        what = (
            f"replacing inference endpoint '{self.inference_id}' "
            f"(because {', '.join(self.reasons)} {verb})"
        )
        if self.replaced_by != self.inference_id:
            renamed = (
                f" They name '{self.inference_id}', not the new id '{self.replaced_by}': point "
                "them at the new id first."
            )
        else:
            renamed = ""
        forced = spelled("force_delete", True)
        if not self.force_delete:
            later = (
                f" ({forced} set in this same change does not apply to this delete: the old "
                "endpoint is deleted with its recorded settings; apply it first)"
                if self.force_delete_in_this_change
                else ""
            )
            return (
                f"{what} will FAIL: it is used by {used_by}, and the cluster refuses to delete "
                f"an endpoint in use{later}.{renamed} Remove those uses first, or set {forced} "
                "and reindex afterwards (documents already indexed hold embeddings of the old "
                "endpoint)."
            )
        return (
            f"{what} will BREAK SEARCH: it is used by {used_by}; {spelled('force_delete')} "
            "deletes it anyway, and they then use an endpoint with other settings (or none), "
            f"while the documents already indexed hold embeddings of the old one.{renamed} "
            "Reindex them after the change."
        )


def _spelled_path(key: str) -> str:
    """``service_settings.model_id`` with the top-level name as the door spells it; the keys
    inside settings keep the cluster's names in both doors."""
    top, dot, rest = key.partition(".")
    return spelled(top) + dot + rest


def replacement_impact(
    connect: Callable[[], InferenceClient], old: DesiredEndpoint, new: DesiredEndpoint, plan: Plan
) -> ReplacementImpact | None:
    """Who uses the endpoint a replacement would delete; no call when nothing is replaced.

    Never raises: a look-up that fails (no privilege, cluster away) only says so in the log.
    """
    if not plan.replaces:
        return None
    subject = f"inference endpoint '{old.inference_id}'"
    if not dry_run_available(old.cluster_version):
        log.info(
            "%s: not checked for pipelines or indexes that use it before the replacement (the "
            "cluster's version is unknown or older than 8.15; run `pulumi refresh` to record it)",
            subject,
        )
        return None
    try:
        client = connect()
        users = client.endpoint_users(old.task_type, old.inference_id, policy=LOOKUP_POLICY)
    except InferenceError as exc:
        log.warning(
            "%s: NOT CHECKED for ingest pipelines or semantic_text indexes that use it before "
            "the replacement: the look-up failed (%s). If any use it, the apply will fail (or, "
            "with %s, break search). The look-up is a read-only DELETE ...?dry_run=true, which "
            "needs the manage_inference privilege; or check the pipelines and mappings yourself.",
            subject,
            exc,
            spelled("force_delete", True),
        )
        return None
    if users is None or not (users.pipelines or users.indexes):
        return None
    return ReplacementImpact(
        inference_id=old.inference_id,
        replaced_by=new.inference_id if isinstance(new.inference_id, str) else "(not known yet)",
        reasons=tuple(_spelled_path(key) for key in plan.replacing_keys),
        pipelines=tuple(users.pipelines),
        indexes=tuple(users.indexes),
        force_delete=old.force_delete,
        force_delete_in_this_change=new.force_delete and not old.force_delete,
    )
