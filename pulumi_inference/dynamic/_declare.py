"""What the generated ``InferenceEndpoint`` does with its arguments: props for the engine.

Typed settings become dicts, and every value under a secret key
(``service_settings.api_key``, ``connection.password``, ...) moves into the ``secrets``
property, which is always a Pulumi secret. The rest of ``service_settings`` stays readable in
``pulumi preview --diff``; the provider merges the two back. An input left at its default is
not sent (the provider reads an absent one as its default), so state does not store it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic

from .._program import plain_settings, warn_on_shared_model
from .._secrets import split_secrets
from ..connection import Connection
from ..properties import (
    DYNAMIC_RESOURCE_TYPE,
    INPUT_KEYS,
    OUTPUT_KEYS,
    defaults,
    holds_its_default,
    of_kind,
)
from ._layout import SECRET_SECTIONS, SECRETS
from ._provider import InferenceEndpointProvider


def declare(
    resource: pulumi.dynamic.Resource,
    resource_name: str,
    args: dict[str, Any],
    opts: pulumi.ResourceOptions | None,
) -> None:
    """Register ``resource`` with the engine from the generated class's arguments."""
    props = dict(args)
    for name in of_kind("settings"):
        if name in props:
            props[name] = plain_settings(props[name])
    for name in of_kind("connection"):
        value = props.get(name)
        props[name] = plain_settings(value.to_props() if isinstance(value, Connection) else value)
    warn_on_shared_model(resource_name, args["service"], args["service_settings"])
    opts = pulumi.ResourceOptions.merge(
        opts, pulumi.ResourceOptions(additional_secret_outputs=[SECRETS])
    )
    props = _secrets_apart(props)
    left_out = {
        name: defaults()[name] if value is not None else None
        for name, value in props.items()
        if value is None or holds_its_default(name, value)
    }
    registered = {name: value for name, value in props.items() if name not in left_out}
    if isinstance(resource, LeftOutInputs):
        resource._left_out = left_out
        _register(resource, resource_name, {**registered, **dict.fromkeys(OUTPUT_KEYS)}, opts)
    else:
        _register(resource, resource_name, {**props, **dict.fromkeys(OUTPUT_KEYS)}, opts)


def _register(
    resource: pulumi.dynamic.Resource,
    resource_name: str,
    props: dict[str, Any],
    opts: pulumi.ResourceOptions,
) -> None:
    """What ``pulumi.dynamic.Resource.__init__`` does, from one call less deep.

    Pulumi records in state the program's call stack below the third ``__init__`` frame from
    the top; registering from here makes that frame the generated class's own, so each
    resource's ``stackTrace`` starts at the user's line, not at two frames of this library.
    The pickle names a stateless class and captures no Output, so it is stored plain, not as
    a secret (the provider's ``serialize_as_secret_always``): 100 bytes instead of 260.
    """
    provider = InferenceEndpointProvider()
    try:
        from pulumi.dynamic.dynamic import PROVIDER_KEY, serialize_provider
    except ImportError:  # an SDK laid out otherwise: its own constructor, one frame deeper
        pulumi.dynamic.Resource.__init__(resource, provider, resource_name, props, opts)
        return
    props[PROVIDER_KEY] = serialize_provider(provider)
    pulumi.CustomResource.__init__(resource, DYNAMIC_RESOURCE_TYPE, resource_name, props, opts)


class LeftOutInputs:
    """The generated class's base: an input the program leaves out reads as before.

    An input that is ``None`` or holds its default is not registered, so state does not
    store it, and the engine makes no Output for it: a program waits on every Output it made
    (Pulumi's ``wait_for_rpcs`` goes over them all whenever one resolves), so each one per
    endpoint costs a fleet's program time. Its attribute is made when first read: the
    default (or ``None``) once the resource is registered, depending on the resource as the
    engine's Output did.
    """

    _left_out: dict[str, Any] = {}


def _read_left_out(name: str) -> property:
    def read(resource: LeftOutInputs) -> Any:
        registered = resource.__dict__.get(name)  # where Pulumi puts each property's Output
        if registered is not None or name not in resource._left_out:
            return registered
        key = f"_{name}_left_out"
        if key not in resource.__dict__:
            value = resource._left_out[name]
            urn: pulumi.Output[str] = resource.__dict__["urn"]
            resource.__dict__[key] = urn.apply(lambda _: value)
        return resource.__dict__[key]

    return property(read, doc=f"``{name}``: what the program declared, registered or not.")


for _name in INPUT_KEYS:
    setattr(LeftOutInputs, _name, _read_left_out(_name))


def _secrets_apart(props: dict[str, Any]) -> dict[str, Any]:
    """Every value under a secret key moved into the always-secret ``secrets`` property."""
    secrets: dict[str, Any] = {}
    for section, secret_keys in SECRET_SECTIONS.items():
        props[section], hidden = _split(props[section], secret_keys)
        if hidden is not None:
            secrets[section] = hidden
    props[SECRETS] = pulumi.Output.secret(secrets) if secrets else None
    return props


def _split(value: Any, secret_keys: frozenset[str]) -> tuple[Any, Any]:
    """(public, secret) parts of a settings input; the secret part is ``None`` when empty."""
    if value is None:
        return None, None
    if isinstance(value, Mapping):
        public, secret = split_secrets(value, secret_keys)
        return public, (secret or None)
    whole = pulumi.Output.from_input(value)
    public_part = whole.apply(lambda v: split_secrets(plain_settings(v) or {}, secret_keys)[0])
    secret_part = whole.apply(lambda v: split_secrets(plain_settings(v) or {}, secret_keys)[1])
    return public_part, secret_part
