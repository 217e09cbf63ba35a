"""What the generated ``InferenceEndpoint`` does with its arguments: props for the engine.

Typed settings become dicts, and every value under a secret key
(``service_settings.api_key``, ``connection.password``, ...) moves into the ``secrets``
property, which is always a Pulumi secret. The rest of ``service_settings`` stays readable in
``pulumi preview --diff``; the provider merges the two back. An input left at its default is
not sent (the provider reads an absent one as its default), so state does not store it. Every
resource tells its provider when the program previews (``_layout.PREVIEWING``): the engine
does not, and without it the provider takes the check for an ``up``'s.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

import pulumi
import pulumi.dynamic

from .. import _program
from .._program import left_out_value, plain_settings, warn_on_shared_model
from .._secrets import split_secrets
from ..connection import Connection
from ..properties import (
    DYNAMIC_RESOURCE_TYPE,
    INPUT_KEYS,
    OUTPUT_KEYS,
    holds_its_default,
    of_kind,
)
from ._layout import PREVIEWING, SECRET_SECTIONS, SECRETS
from ._provider import InferenceEndpointProvider
from ._reliances import REGISTRATION, lost


def declare(
    resource: pulumi.dynamic.Resource,
    resource_name: str,
    args: dict[str, Any],
    opts: pulumi.ResourceOptions | None,
) -> None:
    """Register ``resource`` with the engine from the generated class's arguments."""
    props = _plain(args)
    warn_on_shared_model(resource_name, args["service"], args["service_settings"])
    opts = pulumi.ResourceOptions.merge(
        opts, pulumi.ResourceOptions(additional_secret_outputs=[SECRETS])
    )
    props = _secrets_apart(props)
    left_out = {
        name: left_out_value(name, value)
        for name, value in props.items()
        if value is None or holds_its_default(name, value)
    }
    registered = {name: value for name, value in props.items() if name not in left_out}
    if pulumi.runtime.is_dry_run():
        registered[PREVIEWING] = props[PREVIEWING] = True
    if isinstance(resource, LeftOutInputs):
        resource._left_out = left_out
        _register(resource, resource_name, {**registered, **dict.fromkeys(OUTPUT_KEYS)}, opts)
    else:
        _register(resource, resource_name, {**props, **dict.fromkeys(OUTPUT_KEYS)}, opts)


def look_up(
    resource: pulumi.dynamic.Resource,
    resource_name: str,
    id: pulumi.Input[str],
    opts: pulumi.ResourceOptions | None,
    state: dict[str, Any],
) -> None:
    """Register ``resource`` as a read of the existing endpoint ``id``, qualified by
    ``state`` (the inputs the program gave ``get``): the provider's read fills the rest. A
    boolean not given reads as its default, as a declared endpoint's does."""
    props = _secrets_apart(
        _plain({name: state.get(name) for name in INPUT_KEYS if name != SECRETS})
    )
    left_out = {
        name: left_out_value(name, None) for name in of_kind("boolean") if props[name] is None
    }
    if isinstance(resource, LeftOutInputs):
        resource._left_out = left_out
    registered = {name: value for name, value in props.items() if name not in left_out}
    opts = pulumi.ResourceOptions.merge(
        opts, pulumi.ResourceOptions(id=id, additional_secret_outputs=[SECRETS])
    )
    _register(resource, resource_name, {**registered, **dict.fromkeys(OUTPUT_KEYS)}, opts)


def _plain(args: dict[str, Any]) -> dict[str, Any]:
    """The arguments as plain props: typed settings and ``Connection`` become dicts."""
    props = dict(args)
    for name in of_kind("settings"):
        if name in props:
            props[name] = plain_settings(props[name])
    for name in of_kind("connection"):
        value = props.get(name)
        props[name] = plain_settings(value.to_props() if isinstance(value, Connection) else value)
    return props


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
    Where Pulumi no longer offers what this needs, its own constructor registers, one frame
    deeper (:data:`._reliances.REGISTRATION`, said once).
    """
    provider = InferenceEndpointProvider()
    registration = _registration()
    if registration is None:
        pulumi.dynamic.Resource.__init__(resource, provider, resource_name, props, opts)
        return
    provider_key, serialize_provider = registration
    props[provider_key] = serialize_provider(provider)
    pulumi.CustomResource.__init__(resource, DYNAMIC_RESOURCE_TYPE, resource_name, props, opts)


@functools.cache
def _registration() -> tuple[str, Callable[[Any], str]] | None:
    """``pulumi.dynamic.dynamic``'s key of the pickled provider and its serializer, probed
    once per process: ``None`` (and a warning) when a Pulumi release moved them."""
    try:
        import pulumi.dynamic.dynamic as module
    except ImportError:
        return registration_in(None)
    return registration_in(module)


def registration_in(module: Any) -> tuple[str, Callable[[Any], str]] | None:
    """What :func:`_register` needs of ``module`` (Pulumi's ``pulumi.dynamic.dynamic``)."""
    key = getattr(module, "PROVIDER_KEY", None)
    serialize = getattr(module, "serialize_provider", None)
    if key != "__provider" or not callable(serialize):
        lost(REGISTRATION, warn=pulumi.log.warn)
        return None
    return key, serialize


class LeftOutInputs(_program.LeftOutInputs):
    """The generated class's base (:class:`pulumi_inference._program.LeftOutInputs`)."""


LeftOutInputs.reading(INPUT_KEYS)


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
