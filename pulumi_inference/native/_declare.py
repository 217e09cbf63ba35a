"""What the generated native ``InferenceEndpoint`` does with its arguments: props for the
engine, each secret key's value a Pulumi secret in place (``serviceSettings.api_key``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from .. import catalogue
from .._program import plain_settings, warn_on_shared_model
from ..properties import NATIVE_RESOURCE_TYPE, names, of_kind, sensitive_sections
from ._registration import require_plugin
from ._schema import OUTPUT_NAMES


def _secret_keys_marked(settings: Any) -> Any:
    """A settings dict with each secret key's value made a Pulumi secret, nothing else."""
    if not isinstance(settings, Mapping):
        return settings
    return {
        key: pulumi.Output.secret(value)
        if key in catalogue.SECRET_KEYS
        else _secret_keys_marked(value)
        for key, value in settings.items()
    }


def declare(
    resource: pulumi.CustomResource,
    resource_name: str,
    args: dict[str, Any],
    opts: pulumi.ResourceOptions | None,
) -> None:
    """Register ``resource`` with the engine from the generated class's arguments."""
    require_plugin()
    props = dict(args)
    for name in of_kind("settings"):
        if name in props:
            props[name] = plain_settings(props[name])
    for name in sensitive_sections("keys"):
        props[name] = _secret_keys_marked(props[name])
    props.update(dict.fromkeys(names("output")))
    if opts is None or opts.id is None:
        warn_on_shared_model(resource_name, args["service"], args["service_settings"])
    pulumi.CustomResource.__init__(resource, NATIVE_RESOURCE_TYPE, resource_name, props, opts)


def look_up(
    resource: pulumi.CustomResource,
    resource_name: str,
    id: pulumi.Input[str],
    opts: pulumi.ResourceOptions | None,
) -> None:
    """Register ``resource`` as a read of the existing endpoint ``id``."""
    require_plugin()
    opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
    props: dict[str, Any] = dict.fromkeys(OUTPUT_NAMES)
    pulumi.CustomResource.__init__(resource, NATIVE_RESOURCE_TYPE, resource_name, props, opts)
