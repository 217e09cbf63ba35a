"""The inference region policy against the cluster: version gate, create, read, update,
delete and import. Every call first makes sure the cluster has the API (9.5+ or Serverless),
so nothing is sent to an older one but the read-only ``GET /``."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._naming import spelled
from .._published import docs_url
from .._version import Version, format_version
from ..client import (
    InferenceClient,
    RegionPolicyDocument,
    delete_region_policy,
    get_region_policy,
    put_region_policy,
)
from ..errors import ClusterRejectedError, RegionPolicyExistsError, UnsupportedByClusterError
from ._access import require_manage
from ._availability import version_in
from ._identity import ClusterIdentity, confirm_cluster
from ._region_desired import INPUT_KEYS, DesiredRegionPolicy, live_inputs

log = logging.getLogger("pulumi_inference")

REGION_POLICY_SINCE: Version = (9, 5, 0)


def version_text(client: InferenceClient) -> str:
    """The cluster's version as state records it (``serverless`` for Serverless)."""
    return format_version(client.cluster_version())


def region_policy_refusal(version: Version | None, cluster: str) -> str | None:
    """Why a cluster of ``version`` cannot have a region policy, in the words of the other
    version refusals; ``None`` when it can (``None``: Serverless or not read, counts as
    current, as everywhere else)."""
    if version is None or tuple(version) >= REGION_POLICY_SINCE:
        return None
    return (
        "InferenceRegionPolicy (the /_inference/_region_policy API) needs Elasticsearch "
        f"{format_version(REGION_POLICY_SINCE)} or later; the cluster ({cluster}) runs "
        f"{format_version(version)}"
    )


SUBJECT = "the inference region policy"


def require_region_policy_api(
    client: InferenceClient, recorded: Mapping[str, Any] | None = None
) -> tuple[str, ClusterIdentity]:
    """The cluster's version and identity, confirmed to be the one ``recorded`` outputs name
    (``_identity``); raises, naming it, when the cluster predates the API."""
    on = ClusterIdentity.recorded_in(recorded or {})
    cluster = confirm_cluster(client, on, SUBJECT)
    version = version_text(client)
    refusal = region_policy_refusal(version_in(client.cluster_info()), client.cluster)
    if refusal is not None:
        raise UnsupportedByClusterError(
            f"{refusal}. Upgrade the cluster, or declare the policy only for clusters of 9.5 "
            "or later.",
            needs=format_version(REGION_POLICY_SINCE),
            cluster_version=version,
        )
    return version, cluster if cluster.known else on


@dataclass(frozen=True)
class PolicyState:
    """What state records of the live policy: the declaration as the cluster has it, and
    the cluster's bookkeeping (``created_at``...) with its version."""

    inputs: dict[str, Any]
    outputs: dict[str, Any]


def _outputs(doc: RegionPolicyDocument, version: str, cluster: ClusterIdentity) -> dict[str, Any]:
    return {
        "created_at": doc.created_at,
        "created_by": doc.created_by,
        "updated_at": doc.updated_at,
        "updated_by": doc.updated_by,
        "cluster_version": version,
        **cluster.outputs(),
    }


def _declared(props: Mapping[str, Any]) -> dict[str, Any]:
    """The policy's own inputs (never the connection: each door keeps it in its own layout)."""
    return {key: props[key] for key in INPUT_KEYS if key in props}


def create_region_policy(client: InferenceClient, desired: DesiredRegionPolicy) -> PolicyState:
    """Put the policy; one already on the cluster is taken over only with ``adopt_existing``."""
    version, cluster = require_region_policy_api(client)
    existing = get_region_policy(client)
    if existing is not None and not desired.adopt_existing:
        raise RegionPolicyExistsError(
            f"the inference region policy on {client.cluster}: the cluster already has one "
            f"({existing.region_policy}, created {existing.created_at}) that this stack does "
            "not manage, and there is one policy per cluster. Set "
            f"{spelled('adopt_existing', True)} to take it over (it is then replaced by this "
            f"declaration), or import it ({docs_url('docs/region-policy.md')})."
        )
    if existing is not None:
        log.info("the inference region policy: adopting the existing policy on %s", client.cluster)
    doc = put_region_policy(client, desired.body(), force=desired.force)
    return PolicyState(_declared(desired.props), _outputs(doc, version, cluster))


def read_region_policy(
    client: InferenceClient, stored: Mapping[str, Any], recorded: Mapping[str, Any] | None = None
) -> PolicyState | None:
    """The live policy (drift applied to the declaration), or ``None`` when it is gone from
    the cluster it is on (``recorded``: the outputs state holds; never another's word)."""
    version, cluster = require_region_policy_api(client, recorded)
    doc = get_region_policy(client)
    if doc is None:
        return None
    inputs = live_inputs(_declared(stored), doc.region_policy)
    return PolicyState(inputs, _outputs(doc, version, cluster))


def update_region_policy(
    client: InferenceClient,
    old: DesiredRegionPolicy,
    new: DesiredRegionPolicy,
    recorded: Mapping[str, Any],
) -> PolicyState:
    """Put the new policy when what the cluster enforces changes; else only record inputs."""
    if old.policy_key() == new.policy_key():
        if old.connection != new.connection:  # stored only once it answers and can apply
            require_region_policy_api(client, recorded)
            require_manage(client, SUBJECT)
        kept = ("created_at", "created_by", "updated_at", "updated_by", "cluster_version")
        outputs = {key: recorded.get(key) for key in kept}
        return PolicyState(_declared(new.props), {**outputs, **_recorded_cluster(recorded)})
    version, cluster = require_region_policy_api(client, recorded)
    doc = put_region_policy(client, new.body(), force=new.force)
    return PolicyState(_declared(new.props), _outputs(doc, version, cluster))


def _recorded_cluster(recorded: Mapping[str, Any]) -> dict[str, str]:
    return ClusterIdentity.recorded_in(recorded).outputs()


def delete_region_policy_of(
    client: InferenceClient, recorded: Mapping[str, Any] | None = None
) -> None:
    """Delete the policy, on the cluster ``recorded`` outputs name only; already gone is
    success."""
    require_region_policy_api(client, recorded)
    if not delete_region_policy(client):
        log.info("the inference region policy on %s was already gone", client.cluster)


def import_region_policy(client: InferenceClient) -> PolicyState:
    """``pulumi import``: the live policy as a program would declare it; absent is an error."""
    version, cluster = require_region_policy_api(client)
    doc = get_region_policy(client)
    if doc is None:
        raise ClusterRejectedError(
            f"the inference region policy on {client.cluster}: there is none to import "
            "(GET /_inference/_region_policy answered 404); declare one instead.",
            status=404,
            error_type="resource_not_found_exception",
        )
    return PolicyState(live_inputs({}, doc.region_policy), _outputs(doc, version, cluster))
