"""Region policy changes in a preview, for the review: what the cluster will allow before and
after. A policy is no secret, and where inference may run is what its reviewer must read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..policy import REGION_POLICY_TYPES, region_policy_of
from ._preview import Step


@dataclass(frozen=True)
class RegionPolicyChange:
    name: str
    op: str
    before: str
    after: str


def allowed(inputs: Mapping[str, Any]) -> str:
    """``geos us, eu`` / ``regions aws/eu-west-1`` / ``-`` (none)."""
    policy = region_policy_of("", "", inputs)
    if isinstance(policy.allowed_geos, list):
        return "geos " + ", ".join(map(str, policy.allowed_geos))
    if isinstance(policy.allowed_regions, list):
        regions = [
            f"{r.get('csp')}/{r.get('region')}" if isinstance(r, Mapping) else str(r)
            for r in policy.allowed_regions
        ]
        return "regions " + ", ".join(regions)
    return "-"


def is_region_policy(step: Step) -> bool:
    return step.type in REGION_POLICY_TYPES


def region_change(step: Step, op: str) -> RegionPolicyChange:
    before = allowed(step.old_inputs) if op != "create" else "-"
    after = allowed(step.new_inputs) if op != "delete" else "- (nearest-region routing)"
    return RegionPolicyChange(step.name, op, before, after)
