"""``InferenceRegionPolicy``: the cluster's one inference region policy, as a program declares it.

Like ``InferenceEndpoint``, the connection's secret values move into the always-secret
``secrets`` property; the policy itself is not secret.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi.dynamic

from .._program import plain_settings
from .._secrets import split_secrets
from ..connection import SECRET_CONNECTION_FIELDS, Connection
from ..operations import REGION_POLICY_OUTPUT_KEYS
from ..properties import DYNAMIC_MODULE, REGION_POLICY_RESOURCE_NAME
from ._layout import SECRETS
from ._region_provider import InferenceRegionPolicyProvider


class InferenceRegionPolicy(
    pulumi.dynamic.Resource, module=DYNAMIC_MODULE, name=REGION_POLICY_RESOURCE_NAME
):
    """Where Elastic Inference Service may run inference (``PUT /_inference/_region_policy``,
    Elasticsearch 9.5+ and Serverless). One per cluster.

    :param allowed_geos: geographic areas, e.g. ``["us", "eu"]`` (exactly one of this or
        ``allowed_regions``).
    :param allowed_regions: cloud regions, e.g. ``[{"csp": "aws", "region": "eu-west-1"}]``.
    :param fallback_region: optional ``{"csp": ..., "region": ...}``, as Elasticsearch accepts.
    :param force: apply the policy even if it denies inference endpoints that ingest pipelines
        or ``semantic_text`` fields use (they stop working); without it the cluster refuses.
    :param adopt_existing: take over a policy the cluster already has (made by hand or by
        Kibana) instead of failing; it is replaced by this declaration.
    :param connection: where the cluster is (as for ``InferenceEndpoint``).
    """

    allowed_geos: pulumi.Output[list[str] | None]
    allowed_regions: pulumi.Output[list[dict[str, str]] | None]
    fallback_region: pulumi.Output[dict[str, str] | None]
    force: pulumi.Output[bool]
    adopt_existing: pulumi.Output[bool]
    connection: pulumi.Output[dict[str, Any] | None]
    created_at: pulumi.Output[str]
    """When the cluster's policy was first created (kept across updates)."""
    updated_at: pulumi.Output[str | None]
    created_by: pulumi.Output[str | None]
    updated_by: pulumi.Output[str | None]
    cluster_version: pulumi.Output[str]
    cluster_uuid: pulumi.Output[str | None]
    """The cluster_uuid of the cluster the policy is on; every command checks it first."""
    cluster_name: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        *,
        allowed_geos: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None,
        allowed_regions: pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]] | None = None,
        fallback_region: pulumi.Input[Mapping[str, Any]] | None = None,
        force: pulumi.Input[bool] = False,
        adopt_existing: pulumi.Input[bool] = False,
        connection: Connection | pulumi.Input[Mapping[str, pulumi.Input[Any]]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare the cluster's region policy (the arguments are described on the class)."""
        declared = plain_settings(
            connection.to_props() if isinstance(connection, Connection) else connection
        )
        public, hidden = _split_connection(declared)
        props: dict[str, Any] = {
            "allowed_geos": allowed_geos,
            "allowed_regions": allowed_regions,
            "fallback_region": fallback_region,
            "force": force,
            "adopt_existing": adopt_existing,
            "connection": public,
            SECRETS: pulumi.Output.secret({"connection": hidden}) if hidden else None,
            **dict.fromkeys(REGION_POLICY_OUTPUT_KEYS),
        }
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=[SECRETS])
        )
        super().__init__(InferenceRegionPolicyProvider(), resource_name, props, opts)


def _split_connection(value: Any) -> tuple[Any, Any]:
    if value is None:
        return None, None
    if isinstance(value, Mapping):
        public, secret = split_secrets(value, SECRET_CONNECTION_FIELDS)
        return public, (secret or None)
    whole = pulumi.Output.from_input(value)
    return (
        whole.apply(lambda v: split_secrets(v or {}, SECRET_CONNECTION_FIELDS)[0]),
        whole.apply(lambda v: split_secrets(v or {}, SECRET_CONNECTION_FIELDS)[1] or None),
    )
