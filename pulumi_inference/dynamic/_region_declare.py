"""What the generated ``InferenceRegionPolicy`` does with its arguments: props for the engine.

As for ``InferenceEndpoint``, the connection's secret values move into the always-secret
``secrets`` property; the policy itself is not secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic

from .._program import plain_settings
from .._secrets import split_secrets
from ..connection import SECRET_CONNECTION_FIELDS, Connection
from ..operations import REGION_POLICY_OUTPUT_KEYS
from ._layout import SECRETS
from ._region_provider import InferenceRegionPolicyProvider


def declare_region_policy(
    resource: pulumi.dynamic.Resource,
    resource_name: str,
    args: dict[str, Any],
    opts: pulumi.ResourceOptions | None,
) -> None:
    """Register ``resource`` with the engine from the generated class's arguments."""
    connection = args.get("connection")
    declared = plain_settings(
        connection.to_props() if isinstance(connection, Connection) else connection
    )
    public, hidden = _split_connection(declared)
    props: dict[str, Any] = {
        **args,
        "connection": public,
        SECRETS: pulumi.Output.secret({"connection": hidden}) if hidden else None,
        **dict.fromkeys(REGION_POLICY_OUTPUT_KEYS),
    }
    opts = pulumi.ResourceOptions.merge(
        opts, pulumi.ResourceOptions(additional_secret_outputs=[SECRETS])
    )
    provider = InferenceRegionPolicyProvider()
    pulumi.dynamic.Resource.__init__(resource, provider, resource_name, props, opts)


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
