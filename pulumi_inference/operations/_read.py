"""Read (refresh): the live endpoint as declared inputs and observed outputs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..client import InferenceClient
from ._deployment import with_target_allocations
from ._desired import DesiredEndpoint
from ._drift import live_inputs
from ._observed import Observed, cluster_version_of


@dataclass(frozen=True)
class ReadOutcome:
    """``inputs``: the stored inputs rewritten with live values (drift shows in the next
    diff; server defaults and secrets never do); ``observed``: what the cluster reports."""

    inputs: dict[str, Any]
    observed: Observed


def read(
    client: InferenceClient, spec: DesiredEndpoint, declared: Mapping[str, Any]
) -> ReadOutcome | None:
    """The endpoint as it is now, or ``None`` when it is gone.

    In a provider process serving many endpoints of the cluster, the answer comes from the
    cluster's one listing for the command (``client.reads``), else from its own request.

    ``declared`` are the stored inputs in the front end's own layout: the settings sections
    are projected onto the live endpoint and every other key is kept as it is.
    """
    live = client.reads.endpoint(spec.task_type, spec.inference_id)
    if live is None:
        return None
    view = live
    if _allocations_differ(spec, live):  # maybe a deployment still starting: its target counts
        view = with_target_allocations(client, spec, live, stats=client.reads.model_stats)
    inputs = live_inputs(declared, spec, view)
    return ReadOutcome(inputs, Observed.of(live, cluster_version_of(client, spec.inference_id)))


def _allocations_differ(spec: DesiredEndpoint, live: Mapping[str, Any]) -> bool:
    declared = spec.service_settings.get("num_allocations")
    settings = live.get("service_settings")
    return (
        declared is not None
        and isinstance(settings, Mapping)
        and settings.get("num_allocations") != declared
    )
