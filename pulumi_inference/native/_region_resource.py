"""The Python SDK class of ``elasticsearch-inference:index:InferenceRegionPolicy``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from .._naming import camel
from ..properties import NATIVE_REGION_POLICY_TYPE
from ._region_policy import REGION_OUTPUTS
from ._registration import require_plugin

_CAMEL = {name: camel(name) for name in REGION_OUTPUTS}
_SNAKE = {value: key for key, value in _CAMEL.items()}


class InferenceRegionPolicy(pulumi.CustomResource):
    """The cluster's inference region policy, served by the ``elasticsearch-inference`` plugin.

    Same arguments as :class:`pulumi_inference.InferenceRegionPolicy` except ``connection``:
    the cluster is the provider's. ``pulumi import
    elasticsearch-inference:index:InferenceRegionPolicy <name> region_policy`` adopts one.
    """

    allowed_geos: pulumi.Output[list[str] | None]
    allowed_regions: pulumi.Output[list[dict[str, str]] | None]
    fallback_region: pulumi.Output[dict[str, str] | None]
    force: pulumi.Output[bool | None]
    adopt_existing: pulumi.Output[bool | None]
    created_at: pulumi.Output[str]
    created_by: pulumi.Output[str | None]
    updated_at: pulumi.Output[str | None]
    updated_by: pulumi.Output[str | None]
    cluster_version: pulumi.Output[str]
    cluster_uuid: pulumi.Output[str | None]
    cluster_name: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        *,
        allowed_geos: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None,
        allowed_regions: pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]] | None = None,
        fallback_region: pulumi.Input[Mapping[str, Any]] | None = None,
        force: pulumi.Input[bool] | None = None,
        adopt_existing: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        require_plugin()
        props: dict[str, Any] = dict.fromkeys(REGION_OUTPUTS)
        props.update(
            allowed_geos=allowed_geos,
            allowed_regions=allowed_regions,
            fallback_region=fallback_region,
            force=force,
            adopt_existing=adopt_existing,
        )
        super().__init__(NATIVE_REGION_POLICY_TYPE, resource_name, props, opts)

    def translate_input_property(self, prop: str) -> str:
        return _CAMEL.get(prop, prop)

    def translate_output_property(self, prop: str) -> str:
        return _SNAKE.get(prop, prop)
