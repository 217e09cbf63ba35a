"""What the generated native ``InferenceRegionPolicy`` does with its arguments: the plugin's
resource registered with every input as the program gave it, camelCase on the wire."""

from __future__ import annotations

from typing import Any

import pulumi

from .._naming import camel
from ..properties import NATIVE_REGION_POLICY_TYPE
from ._region_policy import REGION_OUTPUTS
from ._registration import require_plugin

CAMEL = {name: camel(name) for name in REGION_OUTPUTS}
"""The region policy's property names: snake_case -> schema camelCase."""
SNAKE = {value: key for key, value in CAMEL.items()}


def declare_region_policy(
    resource: pulumi.CustomResource,
    resource_name: str,
    args: dict[str, Any],
    opts: pulumi.ResourceOptions | None,
) -> None:
    """Register ``resource`` (after checking the engine will find the plugin)."""
    require_plugin()
    props: dict[str, Any] = {**dict.fromkeys(REGION_OUTPUTS), **args}
    pulumi.CustomResource.__init__(resource, NATIVE_REGION_POLICY_TYPE, resource_name, props, opts)
