"""``/_ml/trained_models``: deployment stats, and starting or stopping a deployment.

Deployments started here belong to no endpoint (``owner=None``); an endpoint may attach to
one with ``deployment_id``, and stopping a deployment in use needs ``force``.
"""

from __future__ import annotations

import time

from ._deployments import Deployment
from ._errors import EsError, JsonDict, Response, bad_request
from ._request import Request
from ._store import State


class TrainedModels:
    def __init__(self, state: State) -> None:
        self.state = state

    def stats(self, ident: str) -> Response:
        with self.state.lock:
            body = self.state.deployments.stats_body(
                ident, serverless=self.state.settings.serverless
            )
        if body is None:
            raise EsError(
                404,
                "resource_not_found_exception",
                f"No known trained model with model_id [{ident}]",
            )
        return Response(200, body)

    def start_deployment(
        self,
        model_id: str,
        *,
        deployment_id: str | None = None,
        num_allocations: int | None = 1,
        num_threads: int = 1,
        adaptive_allocations: JsonDict | None = None,
    ) -> Deployment:
        """Start a deployment the way the trained models API does (not owned by an endpoint)."""
        dep_id = deployment_id or model_id
        with self.state.lock:
            if self.state.deployments.get(dep_id) is not None:
                raise EsError(
                    409,
                    "status_exception",
                    "Could not start model deployment because an existing deployment with the "
                    f"same id [{dep_id}] exist",
                )
            return self.state.deployments.add(
                Deployment(
                    deployment_id=dep_id,
                    model_id=model_id,
                    num_threads=num_threads,
                    num_allocations=num_allocations,
                    adaptive_allocations=adaptive_allocations,
                    duration=self.state.settings.deployment_seconds,
                )
            )

    def finish_deployment(self, deployment_id: str) -> Deployment:
        """Make a deployment ready now (the control plane's hold-and-release of a start)."""
        with self.state.lock:
            deployment = self._known(deployment_id)
            deployment.finish()
            return deployment

    def scale_to_zero(self, deployment_id: str) -> Deployment:
        """Adaptive allocations back at their minimum now, as after a real cluster's idle
        period (the next inference call finds zero allocations and wakes one)."""
        with self.state.lock:
            deployment = self._known(deployment_id)
            deployment.scale_to_zero()
            return deployment

    def _known(self, deployment_id: str) -> Deployment:
        deployment = self.state.deployments.get(deployment_id)
        if deployment is None:
            raise EsError(
                404,
                "resource_not_found_exception",
                f"No known trained model with model_id [{deployment_id}]",
            )
        return deployment

    def start(self, model_id: str, req: Request) -> Response:
        body = req.body if isinstance(req.body, dict) else {}

        def number(name: str, default: int | None) -> int | None:
            raw = req.query.get(name, body.get(name))
            if raw is None:
                return default
            try:
                return int(raw)
            except (TypeError, ValueError):
                raise bad_request(
                    f"[{name}] must be an integer", "illegal_argument_exception"
                ) from None

        adaptive = body.get("adaptive_allocations")
        deployment = self.start_deployment(
            model_id,
            deployment_id=req.query.get("deployment_id"),
            num_allocations=number("number_of_allocations", None if adaptive else 1),
            num_threads=number("threads_per_allocation", 1) or 1,
            adaptive_allocations=adaptive if isinstance(adaptive, dict) else None,
        )
        return Response(
            200,
            {
                "assignment": {
                    "task_parameters": {
                        "model_id": deployment.model_id,
                        "deployment_id": deployment.deployment_id,
                        "number_of_allocations": deployment.target,
                        "threads_per_allocation": deployment.num_threads,
                        "priority": "normal",
                        "queue_capacity": 1024,
                    },
                    "assignment_state": "starting",
                    "start_time": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                }
            },
        )

    def stop(self, ident: str, req: Request) -> Response:
        force = req.flag("force")
        with self.state.lock:
            deployment = self.state.deployments.get(ident)
            if deployment is None:
                raise EsError(
                    404,
                    "resource_not_found_exception",
                    f"No known trained model with model_id [{ident}]",
                )
            users = sorted(
                e.inference_id for e in self.state.endpoints.values() if e.deployment_id == ident
            )
            if users and not force:
                raise EsError(
                    409,
                    "status_exception",
                    f"Cannot stop deployment [{ident}] as it is used by inference endpoint(s) "
                    f"[{', '.join(users)}]. Use force to stop the deployment.",
                )
            self.state.deployments.remove(ident)
        return Response(200, {"stopped": True})
