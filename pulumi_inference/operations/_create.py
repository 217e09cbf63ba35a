"""Create: exactly one endpoint, never an overwrite, never someone else's endpoint taken.

An existing endpoint with the declared id is taken over only when this very call provably
made it (the create's answer was lost on the way back and the endpoint now matches), or when
the program asks for it (``adopt_existing``). Two stacks that declare the same id on one
cluster therefore never share an endpoint silently: the second is refused.

A model deployment that is not ready in ``deployment_timeout`` is rolled back: the endpoint
this call created is deleted again before the error, so nothing is left on the cluster that
no stack manages, and the next ``pulumi up`` simply creates it again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from .._naming import spelled
from .._version import parse_version
from ..client import Created, CreateOutcome, InferenceClient, PossiblyAppliedError
from ..errors import (
    ClusterRejectedError,
    DeploymentTimeoutError,
    EndpointAlreadyExistsError,
    InferenceError,
)
from ._availability import live_version
from ._deployment import wait_until_ready, with_target_allocations
from ._desired import DesiredEndpoint
from ._drift import matches_declaration
from ._identity import ClusterIdentity, confirm_cluster
from ._match import adoption_plan
from ._observed import Observed, cluster_version_of
from ._plan import update_body
from ._timeout import cluster_wait, refuses_timeout, send_update
from ._versions import put_timeout_accepted, task_settings_updatable

log = logging.getLogger("pulumi_inference")

_ATTEMPTS = 5


def create(client: InferenceClient, spec: DesiredEndpoint, props: Mapping[str, Any]) -> Observed:
    """Create the endpoint of ``spec`` (canonical ``props`` are the declaration as given), on a
    server confirmed first to be Elasticsearch (its cluster is recorded)."""
    subject = f"inference endpoint '{spec.inference_id}'"
    cluster = confirm_cluster(client, ClusterIdentity(), subject)
    live, created_here = _put(client, spec, props)
    if spec.deploys_model and spec.wait_for_deployment:
        try:
            wait_until_ready(client, spec)
        except DeploymentTimeoutError as timeout:
            if created_here:
                raise _rolled_back(client, spec, timeout) from None
            raise
    return Observed.of(live, cluster_version_of(client, spec.inference_id), cluster)


def _put(
    client: InferenceClient, spec: DesiredEndpoint, props: Mapping[str, Any]
) -> tuple[dict[str, Any], bool]:
    """The endpoint as the cluster has it, and whether this call created it."""
    if spec.adopt_existing:
        # Look before writing: adopting an endpoint sends only what must change.
        existing = client.find_endpoint(spec.inference_id)
        if existing is not None:
            return _adopt(client, spec, props, existing), False
    answer_lost = False
    for _ in range(_ATTEMPTS):
        try:
            outcome = _send_put(client, spec)
        except PossiblyAppliedError:
            answer_lost = True
            existing = client.get_endpoint(spec.task_type, spec.inference_id)
            if existing is None:
                continue  # never applied: send it again
            return _existing(client, spec, props, existing, answer_lost=True)
        except EndpointAlreadyExistsError:
            existing = client.get_endpoint(spec.task_type, spec.inference_id)
            if existing is None:
                continue  # deleted in between: create it now
            return _existing(client, spec, props, existing, answer_lost=answer_lost)
        if isinstance(outcome, Created):
            return outcome.endpoint, True
        # 408: the cluster stored the endpoint and gave up waiting for the deployment.
        log.info(
            "inference endpoint '%s': the cluster stopped waiting for the deployment to start "
            "(408); the endpoint is stored, waiting for the deployment",
            spec.inference_id,
        )
        stored = client.get_endpoint(spec.task_type, spec.inference_id)
        if stored is None:
            raise InferenceError(
                f"inference endpoint '{spec.inference_id}' on {client.cluster}: the cluster "
                f"answered 408 ({outcome.reason}) and did not store the endpoint; run "
                "`pulumi up` again, or look at the cluster's ML nodes"
            )
        return stored, True
    raise InferenceError(
        f"inference endpoint '{spec.inference_id}' on {client.cluster}: the create kept "
        "losing its answer and the endpoint never appeared; check the cluster's health"
    )


def _send_put(client: InferenceClient, spec: DesiredEndpoint) -> CreateOutcome:
    """The PUT, with ``?timeout`` where the version takes it (and again without it when a
    cluster of unknown version turns out not to)."""
    wait = cluster_wait(spec, put_timeout_accepted(live_version(client)))
    body, secrets = spec.request_body(), spec.secret_values()
    try:
        return client.put_endpoint(spec.task_type, spec.inference_id, body, secrets, timeout=wait)
    except ClusterRejectedError as exc:
        if wait is None or not refuses_timeout(exc):
            raise
    return client.put_endpoint(spec.task_type, spec.inference_id, body, secrets)


def _existing(
    client: InferenceClient,
    spec: DesiredEndpoint,
    props: Mapping[str, Any],
    existing: dict[str, Any],
    *,
    answer_lost: bool,
) -> tuple[dict[str, Any], bool]:
    """An endpoint with the declared id is there: ours, adopted on request, or refused."""
    if answer_lost and matches_declaration(spec, with_target_allocations(client, spec, existing)):
        log.info("inference endpoint '%s': created (its answer was lost)", spec.inference_id)
        return existing, True
    if spec.adopt_existing:
        return _adopt(client, spec, props, existing), False
    raise already_exists(client, spec)


def _adopt(
    client: InferenceClient,
    spec: DesiredEndpoint,
    props: Mapping[str, Any],
    existing: Mapping[str, Any],
) -> dict[str, Any]:
    """``adopt_existing``: take over an endpoint made elsewhere, never replacing it.

    What differs and can change in place is updated; the declared secrets are sent, since
    the cluster never shows the ones it holds, unless ``adopt_secrets_digest`` vouches for
    them (``_secrets_digest``). Anything else that differs refuses.
    """
    plan = adoption_plan(client, spec, props, existing)
    where = f"inference endpoint '{spec.inference_id}' on {client.cluster}"
    if plan.replaces:
        raise EndpointAlreadyExistsError(
            f"{where}: {spelled('adopt_existing')} refuses the existing endpoint, which differs "
            f"from the declaration in {', '.join(plan.replaces)} (settings that cannot change in "
            "place). It was left untouched: declare it as it is, or delete it yourself.",
            status=400,
            error_type="resource_already_exists_exception",
            reason=f"Inference endpoint [{spec.inference_id}] already exists",
        )
    vouched = spec.secrets_vouched_for()
    body = update_body(plan, spec, send_secrets=not vouched)
    sent = ", ".join(_sent_paths(body)) or "nothing (it matches the declaration" + (
        f"; {spelled('adopt_secrets_digest')} vouches for its secrets)" if vouched else ")"
    )
    if not body:
        log.info("%s: ADOPTED, not created; sent: %s", where, sent)
        return dict(existing)
    version = parse_version(cluster_version_of(client, spec.inference_id))
    if not task_settings_updatable(version):
        raise InferenceError(
            f"{where}: {spelled('adopt_existing')} needs to update the endpoint to the declaration "
            "(settings or secrets), and this cluster has no _update API (8.17+). Delete the "
            "endpoint and let `pulumi up` create it, or adopt it on a newer cluster."
        )
    adopted = send_update(client, spec, body)
    log.info("%s: ADOPTED, not created; sent: %s", where, sent)
    return adopted


def _sent_paths(body: Mapping[str, Any]) -> list[str]:
    return [f"{section}.{key}" for section, keys in body.items() for key in sorted(keys)]


def already_exists(client: InferenceClient, spec: DesiredEndpoint) -> EndpointAlreadyExistsError:
    return EndpointAlreadyExistsError(
        f"inference endpoint '{spec.inference_id}' already exists on {client.cluster} and is "
        "not managed by this stack (another stack or tool made it, or it differs from the "
        "declaration). It was left untouched. Pick another inference_id; or, if this endpoint "
        "is meant to be managed here (made by hand, by Terraform, or left by an interrupted "
        f"`pulumi up` of this stack), set {spelled('adopt_existing', True)} to take it over; or "
        f"delete it (DELETE /_inference/{spec.task_type}/{spec.inference_id}) if nothing uses it.",
        status=400,
        error_type="resource_already_exists_exception",
        reason=f"Inference endpoint [{spec.inference_id}] already exists",
    )


def _rolled_back(
    client: InferenceClient, spec: DesiredEndpoint, timeout: DeploymentTimeoutError
) -> DeploymentTimeoutError:
    """Delete the endpoint this create made, so that no unmanaged endpoint is left behind."""
    try:
        client.delete_endpoint(spec.task_type, spec.inference_id, force=False)
    except InferenceError as exc:
        outcome = (
            f"Removing it again failed ({exc}), so it is still on the cluster and no stack "
            f"manages it: delete it, or set {spelled('adopt_existing', True)} for the next "
            "`pulumi up`."
        )
    else:
        outcome = (
            "The endpoint this create made was deleted again (rolled back), so nothing is left "
            "behind; the next `pulumi up` creates it again."
        )
    log.info(
        "inference endpoint '%s': deployment not ready in time; %s", spec.inference_id, outcome
    )
    return DeploymentTimeoutError(
        f"{timeout} {outcome}",
        inference_id=timeout.inference_id,
        last_state=timeout.last_state,
    )
