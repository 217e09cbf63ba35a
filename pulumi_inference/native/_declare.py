"""What the generated native ``InferenceEndpoint`` does with its arguments: props for the
engine, each secret key's value a Pulumi secret in place (``serviceSettings.api_key``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from .. import _program, catalogue
from .._program import left_out_value, plain_settings, warn_on_shared_model
from ..properties import NATIVE_RESOURCE_TYPE, names, of_kind, sensitive_sections
from ._registration import require_plugin
from ._schema import INPUT_NAMES


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


class LeftOutInputs(_program.LeftOutInputs):
    """The generated class's base (:class:`pulumi_inference._program.LeftOutInputs`): an
    input not given is not sent, and reads as the dynamic door's does (a boolean's default)."""


LeftOutInputs.reading(INPUT_NAMES)


def declare(
    resource: pulumi.CustomResource,
    resource_name: str,
    args: dict[str, Any],
    opts: pulumi.ResourceOptions | None,
) -> None:
    """Register ``resource`` with the engine from the generated class's arguments; an input
    without a value is not sent."""
    require_plugin()
    if opts is None or opts.id is None:
        warn_on_shared_model(resource_name, args["service"], args["service_settings"])
    sent = {name: value for name, value in args.items() if value is not None}
    left_out = {name: left_out_value(name, None) for name in args if name not in sent}
    _register(resource, resource_name, sent, left_out, opts)


def look_up(
    resource: pulumi.CustomResource,
    resource_name: str,
    id: pulumi.Input[str],
    opts: pulumi.ResourceOptions | None,
    state: dict[str, Any] | None = None,
) -> None:
    """Register ``resource`` as a read of the existing endpoint ``id``, qualified by
    ``state`` (the inputs the program gave ``get``): the provider's read fills the rest. A
    boolean not given reads as its default, as a declared endpoint's does."""
    require_plugin()
    opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
    given = {name: value for name, value in (state or {}).items() if value is not None}
    left_out = {
        name: left_out_value(name, None)
        for name in of_kind("boolean")
        if name in INPUT_NAMES and name not in given
    }
    asked = {name: given.get(name) for name in INPUT_NAMES if name not in left_out}
    _register(resource, resource_name, asked, left_out, opts)


def _register(
    resource: pulumi.CustomResource,
    resource_name: str,
    inputs: dict[str, Any],
    left_out: dict[str, Any],
    opts: pulumi.ResourceOptions | None,
) -> None:
    """``inputs`` sent (settings plain, secret keys marked) and every output asked for; each
    input ``left_out`` reads as the value it maps to."""
    props = dict(inputs)
    for name in of_kind("settings"):
        if props.get(name) is not None:
            props[name] = plain_settings(props[name])
    for name in sensitive_sections("keys"):
        if props.get(name) is not None:
            props[name] = _secret_keys_marked(props[name])
    if isinstance(resource, LeftOutInputs):
        resource._left_out = left_out
    outputs = dict.fromkeys(names("output"))
    pulumi.CustomResource.__init__(
        resource, NATIVE_RESOURCE_TYPE, resource_name, {**props, **outputs}, opts
    )
