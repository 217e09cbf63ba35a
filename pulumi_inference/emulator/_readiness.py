"""Whether an endpoint on ML nodes (elasticsearch and elser services) can answer now.

As the ML plugin's ``TransportInternalInferModelAction`` decides it:

- its deployment has an allocation: yes;
- adaptive allocations resting at zero: one allocation starts and, on a default build, the call
  answers 409 ``Trained model deployment [id] is not allocated to any nodes; starting deployment
  of one allocation`` (try again once it is up); on Serverless (``ml_scale_from_zero``) the call
  waits for it, up to its ``timeout``;
- any other deployment without an allocation (starting, or held by ``never_ready``): 409
  ``... is not allocated to any nodes``;
- no deployment: a preconfigured endpoint starts its own and waits for it (408 past the
  ``timeout``), as ``maybeStartDeployment`` does; another answers 404 ``Could not find trained
  model [id]`` (its deployment was stopped).
"""

from __future__ import annotations

import time

from ._answers import Target
from ._deployments import Deployment
from ._errors import EsError
from ._store import State, deep_copy


def _not_allocated(deployment_id: str, suffix: str = "") -> EsError:
    return EsError(
        409,
        "status_exception",
        f"Trained model deployment [{deployment_id}] is not allocated to any nodes{suffix}",
    )


def start_timed_out(label: str) -> EsError:
    return EsError(
        408,
        "status_exception",
        f"Timed out after [{label}] waiting for model deployment to start. Use the trained model "
        "stats API to track the state of the deployment.",
    )


def _wait_allocated(deployment: Deployment, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while deployment.allocation_count() == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    return deployment.allocation_count() > 0


def ensure_allocated(state: State, target: Target, *, label: str, seconds: float) -> None:
    """Return when ``target`` can answer; raise what Elasticsearch answers otherwise."""
    if not target.on_ml_nodes:
        return
    deployment_id = target.deployment_id or target.inference_id
    with state.lock:
        deployment = state.deployments.get(deployment_id)
        if deployment is None:
            if not target.preconfigured:
                raise EsError(
                    404,
                    "resource_not_found_exception",
                    f"Could not find trained model [{deployment_id}]",
                )
            deployment = _start_preconfigured(state, target)
        elif deployment.allocation_count() > 0:
            return
        elif deployment.adaptive_at_zero:
            deployment.scale_from_zero()
            if not state.settings.serverless:
                raise _not_allocated(deployment_id, "; starting deployment of one allocation")
        else:
            raise _not_allocated(deployment_id)
    if not _wait_allocated(deployment, seconds):
        raise start_timed_out(label)


def _start_preconfigured(state: State, target: Target) -> Deployment:
    ss = target.service_settings
    return state.deployments.add(
        Deployment(
            deployment_id=target.inference_id,
            model_id=target.model,
            num_threads=int(ss.get("num_threads", 1)),
            num_allocations=ss.get("num_allocations"),
            adaptive_allocations=deep_copy(ss.get("adaptive_allocations")),
            duration=state.settings.deployment_seconds,
            owner=target.inference_id,
            floor=1,
        )
    )
