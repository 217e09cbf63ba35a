"""What a region policy change would deny, asked read-only before anyone approves it.

Elasticsearch decides with where each EIS endpoint's model runs: the cluster lists it as the
endpoint's ``metadata.regions`` (``GET /_inference/_all``), and a policy denies an endpoint
none of whose regions it allows. A PUT that denies an endpoint in use (named by an ingest
pipeline or a ``semantic_text`` field, as ``DELETE ...?dry_run=true`` reports) is refused
with 409 unless ``force``. The preview asks the same two questions and says what the apply
will meet. Endpoints without ``metadata.regions`` are not EIS endpoints: no policy denies them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .._naming import spelled
from ..client import LOOKUP_POLICY, InferenceClient
from ..errors import InferenceError
from ._access import preview_cluster
from ._availability import live_version
from ._identity import ClusterIdentity
from ._plan import has_unknown
from ._region_desired import DesiredRegionPolicy
from ._region_policy import SUBJECT, region_policy_refusal
from ._region_values import value_issues, vocabulary_of

log = logging.getLogger("pulumi_inference")


@dataclass(frozen=True)
class DeniedEndpoint:
    inference_id: str
    pipelines: tuple[str, ...]
    indexes: tuple[str, ...]

    @property
    def in_use(self) -> bool:
        return bool(self.pipelines or self.indexes)

    def describe(self) -> str:
        uses = [*(f"pipeline {p}" for p in self.pipelines), *(f"index {i}" for i in self.indexes)]
        return f"{self.inference_id} (used by {', '.join(uses)})" if uses else self.inference_id


@dataclass(frozen=True)
class PolicyImpact:
    """The endpoints the new policy denies; ``fails``: the apply is refused (no ``force``)."""

    denied: tuple[DeniedEndpoint, ...]
    force: bool

    @property
    def in_use(self) -> tuple[DeniedEndpoint, ...]:
        return tuple(d for d in self.denied if d.in_use)

    @property
    def fails(self) -> bool:
        return bool(self.in_use) and not self.force

    def message(self) -> str | None:
        if not self.denied:
            return None
        names = ", ".join(d.describe() for d in self.denied)
        text = (
            f"the inference region policy would deny {len(self.denied)} existing inference "
            f"endpoint(s), whose models run only outside it: {names}."
        )
        if self.fails:
            return (
                f"{text} The apply will FAIL: the cluster refuses a policy that denies endpoints "
                f"in use (409). Remove those uses, or set {spelled('force', True)} to apply it "
                "anyway (they will stop working)."
            )
        if self.in_use:
            return f"{text} {spelled('force', True)} applies it anyway: those in use stop working."
        return f"{text} None is in use, so the apply succeeds; they will refuse inference."


def _regions(endpoint: Mapping[str, Any]) -> list[Mapping[str, Any]] | None:
    metadata = endpoint.get("metadata")
    regions = metadata.get("regions") if isinstance(metadata, Mapping) else None
    if not isinstance(regions, list):
        return None
    return [r for r in regions if isinstance(r, Mapping)]


def region_policy_impact(
    client: InferenceClient,
    desired: DesiredRegionPolicy,
    endpoints: list[dict[str, Any]] | None = None,
) -> PolicyImpact:
    """Which live endpoints ``desired`` denies and which of those are in use (read-only);
    ``endpoints``: the cluster's listing, when the caller has it already."""
    denied = []
    for endpoint in client.list_endpoints() if endpoints is None else endpoints:
        regions = _regions(endpoint)
        if regions is None or desired.allows(regions):
            continue
        inference_id = str(endpoint.get("inference_id"))
        users = client.endpoint_users(
            str(endpoint.get("task_type")), inference_id, policy=LOOKUP_POLICY
        )
        denied.append(
            DeniedEndpoint(
                inference_id,
                tuple(users.pipelines) if users else (),
                tuple(users.indexes) if users else (),
            )
        )
    return PolicyImpact(tuple(sorted(denied, key=lambda d: d.inference_id)), desired.force)


def confirm_policy_cluster(
    connect: Callable[[], InferenceClient], recorded: Mapping[str, Any]
) -> None:
    """At preview, the cluster being applied to is the one the policy is on (``recorded``
    outputs name it): a wrong one fails the preview (``_access.preview_cluster``)."""
    try:
        client = connect()
    except InferenceError:
        return  # not known yet, or no cluster: the check says why
    preview_cluster(client, ClusterIdentity.recorded_in(recorded), SUBJECT)


def check_against_cluster(
    connect: Callable[[], InferenceClient],
    old: DesiredRegionPolicy | None,
    new: DesiredRegionPolicy,
) -> list[tuple[str, str]]:
    """The preview's questions to the cluster (read-only): can it have a region policy at
    all (a failure naming its version), does it know the geos, providers and regions the
    change names (a failure naming each value it does not, ``_region_values``), and what
    would this one deny (a warning)? A cluster that cannot be asked (or not named yet) is
    left to the apply, which will say why."""
    if has_unknown(new.props.get("connection")):
        return []  # the cluster is computed by the same program: not known yet
    try:
        client = connect()
        refusal = region_policy_refusal(live_version(client), client.cluster)
        if refusal is not None:
            key = "allowed_regions" if "allowed_regions" in new.body() else "allowed_geos"
            return [(key, refusal)]
        if not new.known() or (old is not None and old.policy_key() == new.policy_key()):
            return []
        endpoints = client.list_endpoints()
        issues = value_issues(new.props, vocabulary_of(endpoints), old.props if old else None)
        if issues:
            return issues
        message = region_policy_impact(client, new, endpoints).message()
    except InferenceError as exc:
        log.info("the inference region policy: could not check it against the cluster: %s", exc)
        return []
    if message is not None:
        log.warning("%s", message)
    return []
