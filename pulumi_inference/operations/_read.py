"""Read (refresh): the live endpoint as declared inputs and observed outputs.

The cluster is confirmed first to be the one state recorded (``_identity``): a server that is
not Elasticsearch, or another cluster, fails the refresh, and an endpoint leaves the state
("deleted") only when its own cluster says it is gone. A refusal says what a plain refresh
connects with (``_stored``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..client import InferenceClient
from ..errors import AuthenticationError, AuthorizationError, InferenceError, WrongClusterError
from ._deployment import with_target_allocations
from ._desired import DesiredEndpoint
from ._drift import live_inputs
from ._identity import MOVE_ENV, ClusterIdentity, confirm_cluster, moves
from ._observed import Observed, cluster_version_of
from ._stored import refused_with_hint, wrong_with_hint

log = logging.getLogger("pulumi_inference")


@dataclass(frozen=True)
class ReadOutcome:
    """``inputs``: the stored inputs rewritten with live values (drift shows in the next
    diff; server defaults and secrets never do); ``observed``: what the cluster reports."""

    inputs: dict[str, Any]
    observed: Observed


def read(
    client: InferenceClient,
    spec: DesiredEndpoint,
    declared: Mapping[str, Any],
    recorded: Observed | None = None,
) -> ReadOutcome | None:
    """The endpoint as it is now, or ``None`` when it is gone.

    In a provider process serving many endpoints of the cluster, the answer comes from the
    cluster's one listing for the command (``client.reads``), else from its own request.

    ``declared`` are the stored inputs in the front end's own layout: the settings sections
    are projected onto the live endpoint and every other key is kept as it is. ``recorded``:
    what state holds of it (the cluster it lives on); ``None`` for a first read (an import).
    """
    on = recorded.cluster if recorded is not None else ClusterIdentity()
    subject = f"inference endpoint '{spec.inference_id}'"
    try:
        cluster = confirm_cluster(client, on, subject)
        live = client.reads.endpoint(spec.task_type, spec.inference_id)
    except (AuthenticationError, AuthorizationError) as refused:
        raise refused_with_hint(client, refused) from None
    except WrongClusterError as wrong:
        raise wrong_with_hint(client, wrong) from None
    if live is None:
        return _not_there(client, subject, declared, recorded, cluster)
    view = live
    if _allocations_differ(spec, live):  # maybe a deployment still starting: its target counts
        view = with_target_allocations(client, spec, live, stats=client.reads.model_stats)
    inputs = live_inputs(declared, spec, view)
    version = cluster_version_of(client, spec.inference_id)
    return ReadOutcome(inputs, Observed.of(live, version, cluster if cluster.known else on))


def _not_there(
    client: InferenceClient,
    subject: str,
    declared: Mapping[str, Any],
    recorded: Observed | None,
    cluster: ClusterIdentity,
) -> ReadOutcome | None:
    """Gone (``None``), when the cluster it lives on says so; kept as recorded while a move
    has not brought it to the new cluster yet; refused when which cluster answered is not
    known (no ``monitor``) and state recorded one."""
    if recorded is None or not recorded.cluster.known:
        return None
    if moves(recorded.cluster, cluster):
        log.warning(
            "%s is not on %s (%s) yet: the refresh keeps it as recorded; `pulumi up` moves it (%s)",
            subject,
            cluster.described(),
            client.cluster,
            MOVE_ENV,
        )
        return ReadOutcome(dict(declared), recorded)
    if cluster.known:
        return None
    raise InferenceError(
        f"{subject} is not found on {client.cluster}, but which cluster answered cannot be read "
        f"(GET / needs the `monitor` cluster privilege), so it is not taken for deleted from "
        f"{recorded.cluster.described()}: refresh with credentials that hold `monitor`; if it "
        "was deleted, `pulumi state delete <its URN>` forgets it"
    )


def _allocations_differ(spec: DesiredEndpoint, live: Mapping[str, Any]) -> bool:
    declared = spec.service_settings.get("num_allocations")
    settings = live.get("service_settings")
    return (
        declared is not None
        and isinstance(settings, Mapping)
        and settings.get("num_allocations") != declared
    )
