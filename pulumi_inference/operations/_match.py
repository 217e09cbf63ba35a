"""Whether an endpoint on the cluster is the one a declaration describes (crash recovery).

A run killed after its create was sent leaves an endpoint the state does not record. It may
be taken into the state only when it is exactly what the program declares: the same task
type, and no difference that the next preview would show as an update or a replacement.
Secrets cannot be compared (the cluster never returns them) and keys the cluster adds on its
own are not differences, as in a refresh.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..client import InferenceClient
from ..plan import plan_change
from ..spec import EndpointSpec
from ._read import read


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
    spec = EndpointSpec.from_props(declared)
    live = client.find_endpoint(spec.inference_id)
    if live is None:
        return Comparison(spec.inference_id, exists=False)
    if str(live.get("task_type")) != spec.task_type:
        return Comparison(spec.inference_id, exists=True, differences=("task_type",))
    found = read(client, spec, declared)
    if found is None:  # deleted between the two requests
        return Comparison(spec.inference_id, exists=False)
    plan = plan_change(EndpointSpec.from_props(found.inputs), spec)
    paths = tuple(sorted({".".join(str(part) for part in c.path) for c in plan.changes}))
    return Comparison(spec.inference_id, exists=True, differences=paths)
