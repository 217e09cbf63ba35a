"""``?timeout``: how long the cluster waits for what a create or update starts.

Sent only for an endpoint that deploys a model and waits for it (``wait_for_deployment``), as
its ``deployment_timeout``, so the cluster and the provider agree on how long a deployment may
take; and only to versions that read it (PUT 8.19+ and 9.1+, ``_update`` 9.5+: an older
cluster refuses an unknown parameter). Other endpoints keep the cluster's default (30 s, 120 s
for completions).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..client import InferenceClient
from ..errors import ClusterRejectedError
from ._availability import live_version
from ._desired import DesiredEndpoint
from ._versions import update_timeout_accepted


def cluster_wait(spec: DesiredEndpoint, accepted: bool) -> float | None:
    """Seconds to send as ``?timeout`` for ``spec``, or ``None`` (nothing sent)."""
    if not accepted or not (spec.deploys_model and spec.wait_for_deployment):
        return None
    return spec.deployment_timeout


def refuses_timeout(exc: ClusterRejectedError) -> bool:
    """The cluster does not know ``?timeout`` (its version was not known to be older)."""
    reason = exc.reason or ""
    return "unrecognized parameter" in reason and "[timeout]" in reason


def send_update(
    client: InferenceClient, spec: DesiredEndpoint, body: Mapping[str, Any]
) -> dict[str, Any]:
    """``_update``, with ``?timeout`` where the version takes it (and again without it
    when a cluster of unknown version turns out not to)."""
    wait = cluster_wait(spec, update_timeout_accepted(live_version(client)))
    secrets = spec.secret_values()
    try:
        return client.update_endpoint(
            spec.task_type, spec.inference_id, body, secrets, timeout=wait
        )
    except ClusterRejectedError as exc:
        if wait is None or not refuses_timeout(exc):
            raise
    return client.update_endpoint(spec.task_type, spec.inference_id, body, secrets)
