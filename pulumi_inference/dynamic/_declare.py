"""What the generated ``InferenceEndpoint`` does with its arguments: props for the engine.

Typed settings become dicts, and every value under a secret key
(``service_settings.api_key``, ``connection.password``, ...) moves into the ``secrets``
property, which is always a Pulumi secret. The rest of ``service_settings`` stays readable in
``pulumi preview --diff``; the provider merges the two back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic

from .._program import plain_settings, warn_on_shared_model
from .._secrets import split_secrets
from ..connection import Connection
from ..properties import OUTPUT_KEYS, of_kind
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
    props.update(dict.fromkeys(OUTPUT_KEYS))
    warn_on_shared_model(resource_name, args["service"], args["service_settings"])
    opts = pulumi.ResourceOptions.merge(
        opts, pulumi.ResourceOptions(additional_secret_outputs=[SECRETS])
    )
    pulumi.dynamic.Resource.__init__(
        resource, InferenceEndpointProvider(), resource_name, _secrets_apart(props), opts
    )


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
