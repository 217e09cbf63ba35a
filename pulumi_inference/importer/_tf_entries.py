"""The stack config of a program converted from ``.tf`` files: the stack's cluster, each
block's own cluster URL, every variable the endpoints use, and secrets moved out of the
files. A value nobody can tell here (a sensitive variable without a state) is left for the
user: its ``pulumi config set`` line is printed with a placeholder."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._naming import camel
from ..connection import ClusterConnection
from ._render import Door
from ._tf_config import TerraformConfig
from ._tf_expr import Arr, NotKnown, evaluate
from ._tf_plan import ConfigEntry, stack_cluster_entries
from ._tf_program import Converted

_PROVIDER_FIELDS = {
    "api_key": "apiKey",
    "username": "username",
    "password": "password",
    "bearer_token": "bearerToken",
}
_PROVIDER_SECRETS = frozenset({"api_key", "password", "bearer_token"})


def config_entries(
    config: TerraformConfig,
    converted: Converted,
    env: Mapping[str, Any],
    default: ClusterConnection | None,
    door: Door,
) -> list[ConfigEntry]:
    entries = (
        stack_cluster_entries(default, door)
        if default is not None
        else _provider_entries(config, env, door)
    )
    entries += [ConfigEntry(k, v, secret=False) for k, v in converted.extra_config.items()]
    entries += _variable_entries(config, converted)
    entries += [ConfigEntry(k, v, secret=True) for k, v in converted.extra_secrets.items()]
    return entries


def _provider_entries(
    config: TerraformConfig, env: Mapping[str, Any], door: Door
) -> list[ConfigEntry]:
    """The provider block's ``elasticsearch`` settings, where their values are known."""
    namespace = door.config_namespace
    provider = config.provider or {}
    endpoints = provider.get("endpoints")
    url = None
    if isinstance(endpoints, Arr) and endpoints.items:
        url = _known(endpoints.items[0], env)
    entries = [ConfigEntry(f"{namespace}:url", url, secret=False)]
    for name, key in _PROVIDER_FIELDS.items():
        if name in provider:
            value = _known(provider[name], env)
            entries.append(ConfigEntry(f"{namespace}:{key}", value, name in _PROVIDER_SECRETS))
    return entries


def _known(expr: Any, env: Mapping[str, Any]) -> Any:
    try:
        return evaluate(expr, env)
    except NotKnown:
        return None


def _variable_entries(config: TerraformConfig, converted: Converted) -> list[ConfigEntry]:
    """A variable is set when it is a secret with a known value, or when its value is known
    and differs from its default (the default is in the program); one without a value and
    without a default is left for the user."""
    entries = []
    for name in converted.used:
        variable = config.variables.get(name)
        secret = name in converted.secret_variables
        value = converted.variables.get(name)
        default = variable.default if variable is not None and variable.has_default else None
        has_default = variable is not None and variable.has_default
        if value is not None and (secret or not has_default or value != default):
            entries.append(ConfigEntry(camel(name), value, secret))
        elif not has_default and value is None:
            entries.append(ConfigEntry(camel(name), None, secret))
    return entries
