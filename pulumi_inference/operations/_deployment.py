"""Waiting for the model deployment behind an ``elasticsearch``/``elser`` endpoint."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .._naming import spelled
from ..client import InferenceClient
from ..errors import ClusterUnavailableError, ClusterUnreachableError, DeploymentTimeoutError
from ._desired import DesiredEndpoint

log = logging.getLogger("pulumi_inference")

PROGRESS = {"ephemeral": True}
"""``extra`` of a deployment's progress lines: the engine shows each on its resource's row while
it happens and leaves them out of the Diagnostics it prints at the end (an ``up`` printed each
one up to three times: its row, the row of the resource's completion, Diagnostics)."""

FIRST_POLL = 1.0
MAX_POLL = 15.0
BACKOFF = 1.5


@dataclass(frozen=True)
class DeploymentStatus:
    ready: bool
    summary: str


def _allocation_floor(settings: Mapping[str, Any]) -> int | None:
    """Minimum allocations of an adaptive deployment, when adaptive allocations are on."""
    adaptive = settings.get("adaptive_allocations")
    if isinstance(adaptive, Mapping) and adaptive.get("enabled"):
        return int(adaptive.get("min_number_of_allocations") or 0)
    return None


def read_status(
    stats: Mapping[str, Any] | None, deployment_id: str, settings: Mapping[str, Any]
) -> DeploymentStatus:
    if not stats:
        return DeploymentStatus(False, "no deployment yet")
    for model in stats.get("trained_model_stats", []):
        deployment = model.get("deployment_stats") or {}
        if deployment.get("deployment_id") not in (deployment_id, None):
            continue
        if not deployment:
            continue
        state = deployment.get("state")
        allocation = deployment.get("allocation_status")
        if state is None and allocation is None:  # Serverless reports neither
            return DeploymentStatus(True, "deployed (serverless)")
        allocation = allocation or {}
        count = allocation.get("allocation_count", 0)
        target = allocation.get("target_allocation_count", count)
        allocation_state = allocation.get("state", "unknown")
        summary = f"state {state}, {allocation_state}, allocations {count}/{target}"
        if state != "started":
            return DeploymentStatus(False, summary)
        floor = _allocation_floor(settings)
        if floor == 0 and count == 0:
            return DeploymentStatus(True, summary + " (adaptive, resting at 0)")
        ready = allocation_state == "fully_allocated" and count == target
        return DeploymentStatus(ready, summary)
    return DeploymentStatus(False, f"deployment '{deployment_id}' not reported yet")


def target_allocations(stats: Mapping[str, Any] | None, deployment_id: str) -> int | None:
    """The allocation count a deployment is heading for, from its trained model stats."""
    for model in (stats or {}).get("trained_model_stats", []):
        deployment = model.get("deployment_stats") or {}
        if deployment.get("deployment_id") != deployment_id:
            continue
        allocation = deployment.get("allocation_status") or {}
        target = allocation.get("target_allocation_count")
        if isinstance(target, int):
            return target
    return None


def with_target_allocations(
    client: InferenceClient,
    spec: DesiredEndpoint,
    live: Mapping[str, Any],
    *,
    stats: Callable[[str], Mapping[str, Any] | None] | None = None,
) -> dict[str, Any]:
    """``live`` with ``service_settings.num_allocations`` set to the deployment's target.

    GET reports the *current* allocation count, so an endpoint whose deployment is still
    starting (after a 408, a deployment timeout or a lost answer) shows fewer allocations
    than declared. Compare this view, not ``live``, with the declaration when deciding
    whether an existing endpoint is the one we created. Unchanged when the endpoint deploys
    no model of its own or declares no ``num_allocations``. ``stats`` reads the deployment's
    stats (default: ``client.trained_model_stats``).
    """
    settings = live.get("service_settings")
    if (
        not spec.deploys_model
        or "num_allocations" not in spec.service_settings
        or spec.service_settings.get("deployment_id")
        or not isinstance(settings, Mapping)
    ):
        return dict(live)
    read_stats = stats or client.trained_model_stats
    target = target_allocations(read_stats(spec.deployment_id), spec.deployment_id)
    if target is None:
        return dict(live)
    return {**live, "service_settings": {**settings, "num_allocations": target}}


def wait_until_ready(
    client: InferenceClient,
    spec: DesiredEndpoint,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Poll deployment stats with backoff until ready or ``spec.deployment_timeout``.

    Ready: ``state`` started, allocation ``fully_allocated`` and ``allocation_count`` equal
    to its target (an adaptive deployment with a minimum of 0 may rest at 0 allocations).
    Polls after 1 s, then 1.5 times longer each time up to 15 s, never past the timeout.
    A progress line goes to the ``pulumi_inference`` logger whenever the state changes. The
    cluster being briefly unreachable or overloaded while polling does not end the wait.
    """
    timeout = float(spec.deployment_timeout)
    deadline = clock() + timeout
    delay = FIRST_POLL
    last = "not checked yet"
    subject = f"inference endpoint '{spec.inference_id}'"
    deployment_id = spec.deployment_id
    while True:
        try:
            stats = client.trained_model_stats(deployment_id)
        except (ClusterUnreachableError, ClusterUnavailableError) as exc:
            status = DeploymentStatus(False, f"{last} (stats unavailable: {type(exc).__name__})")
            log.info(
                "%s: could not read the deployment's stats (%s); still waiting",
                subject,
                exc,
                extra=PROGRESS,
            )
        else:
            status = read_status(stats, deployment_id, spec.service_settings)
            if status.summary != last:
                log.info("%s: deployment %s", subject, status.summary, extra=PROGRESS)
                last = status.summary
        if status.ready:
            return
        remaining = deadline - clock()
        if remaining <= 0:
            raise DeploymentTimeoutError(
                f"{subject} on {client.cluster}: the model deployment '{deployment_id}' was "
                f"not ready after {_duration(timeout)} (last seen: {last}). "
                f"Look at GET /_ml/trained_models/{deployment_id}/_stats (allocation_status, "
                "reason, nodes) and at free memory and processors on the ML nodes (or ML "
                f"autoscaling). Raise {spelled('deployment_timeout')} to wait longer, or set "
                f"{spelled('wait_for_deployment', False)}.",
                inference_id=spec.inference_id,
                last_state=last,
            )
        sleep(min(delay, remaining))
        delay = min(delay * BACKOFF, MAX_POLL)


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"
