"""Whether an endpoint on the cluster is the one a declaration describes (crash recovery).

A run killed after its create was sent leaves an endpoint that the state does not record. It
may be taken into the state only when it is exactly what the program declares, judged as a
create whose answer was lost is judged: the same task type and service, every declared
setting as declared, a deployment counted by the allocations it is heading for (one still
starting reports fewer). Secrets cannot be compared (the cluster never returns them), and
keys the cluster adds on its own are not differences.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._version import parse_version
from ..client import InferenceClient
from ..properties import INPUT_KEYS
from ._deployment import with_target_allocations
from ._desired import DesiredEndpoint
from ._drift import live_inputs, matches_declaration
from ._observed import cluster_version_of
from ._plan import Plan, plan_change, update_body
from ._versions import CHUNKING_AFTER_UPDATE_RESET, update_resets_chunking


def plan_from_live(
    spec: DesiredEndpoint, declared: Mapping[str, Any], view: Mapping[str, Any]
) -> Plan:
    """What turning the endpoint as the cluster shows it (``view``, a deployment counted by its
    target allocations) into the declaration (``spec``, from canonical props ``declared``) takes."""
    inputs = {key: declared[key] for key in INPUT_KEYS if key in declared}
    found = DesiredEndpoint.from_props(live_inputs(inputs, spec, view))
    return plan_change(found, spec)


def adoption_plan(
    client: InferenceClient,
    spec: DesiredEndpoint,
    declared: Mapping[str, Any],
    live: Mapping[str, Any],
) -> Plan:
    """What adopting ``live`` takes (``plan_from_live``), except for a declared chunking that
    the adoption's own ``_update`` leaves: the word/250/100 of 8.17-9.3's reset
    (elastic/elasticsearch#139574), declared so ahead of it as ``pulumi-inference import``
    writes it there. That is no difference: after the adoption the endpoint is as declared."""
    plan = plan_from_live(spec, declared, with_target_allocations(client, spec, live))
    chunking = [change for change in plan.changes if change.path[0] == "chunking_settings"]
    if not chunking or spec.chunking_settings != dict(CHUNKING_AFTER_UPDATE_RESET):
        return plan
    rest = [change for change in plan.changes if change not in chunking]
    left = Plan(rest, plan.service_settings_update, plan.task_settings_update)
    sends = update_body(left, spec, send_secrets=not spec.secrets_vouched_for())
    version = parse_version(cluster_version_of(client, spec.inference_id))
    if sends and update_resets_chunking(spec.task_type, version):
        return left
    return plan


@dataclass(frozen=True)
class Comparison:
    """``exists``: an endpoint with this id is on the cluster; ``differences``: the property
    paths where it departs from the declaration (empty when it matches)."""

    inference_id: str
    exists: bool
    differences: tuple[str, ...] = ()

    @property
    def matches(self) -> bool:
        return self.exists and not self.differences


def compare_with_cluster(client: InferenceClient, declared: Mapping[str, Any]) -> Comparison:
    """The endpoint ``declared`` (canonical props) against what the cluster holds."""
    live = client.find_endpoint(str(declared["inference_id"]))
    return compare_with_endpoint(client, declared, live)


def compare_with_endpoint(
    client: InferenceClient, declared: Mapping[str, Any], live: Mapping[str, Any] | None
) -> Comparison:
    """:func:`compare_with_cluster` with the endpoint already read (``live``, as a GET or
    a listing shows it; None when absent): a deployment's stats are still asked for."""
    spec = DesiredEndpoint.from_props(declared)
    if live is None:
        return Comparison(spec.inference_id, exists=False)
    view = with_target_allocations(client, spec, dict(live))
    if matches_declaration(spec, view):
        return Comparison(spec.inference_id, exists=True)
    paths = {
        ".".join(str(part) for part in change.path)
        for change in plan_from_live(spec, declared, view).changes
    }
    return Comparison(
        spec.inference_id, exists=True, differences=tuple(sorted(paths)) or ("its settings",)
    )
