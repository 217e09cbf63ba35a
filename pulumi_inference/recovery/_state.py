"""What ``pulumi stack export`` says about a stack: its project, its pending operations, and
for each pending inference endpoint the declaration and the cluster it was sent to.

The export read here is taken with ``--show-secrets``: secret values are decrypted in memory
to reach the cluster and are never printed. The layouts read are the public state contracts
of docs/architecture.md: the dynamic resource's inputs (secret values gathered under
``secrets``, the cluster under ``connection``) and the native resource's camelCase inputs,
whose cluster is its provider's configuration.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._nested import deep_merge
from .._pulumi_wire import SIG_KEY
from ..connection import DYNAMIC_CONFIG_NAMESPACE
from ..properties import (
    DYNAMIC_RESOURCE_TYPE,
    NATIVE_PACKAGE,
    NATIVE_RESOURCE_TYPE,
    sensitive_sections,
)

_DYNAMIC_ONLY = ("__provider",)
(_SECRETS,) = sensitive_sections("whole")  # the dynamic state's ``secrets``


def plain(value: Any) -> Any:
    """An exported value with every ``--show-secrets`` secret replaced by its value."""
    if isinstance(value, Mapping):
        if SIG_KEY in value and "plaintext" in value:
            return plain(json.loads(value["plaintext"]))
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass(frozen=True)
class Pending:
    """One pending operation of the stack, as the export records it."""

    urn: str
    kind: str  # creating, updating, deleting, reading, importing
    type: str
    inputs: dict[str, Any]
    provider: str | None

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]

    @property
    def door(self) -> str | None:
        """``dynamic`` or ``native`` for an inference endpoint, else None."""
        return {DYNAMIC_RESOURCE_TYPE: "dynamic", NATIVE_RESOURCE_TYPE: "native"}.get(self.type)

    def declaration(self) -> dict[str, Any]:
        """The endpoint's canonical props (snake_case, each secret in its place)."""
        if self.door == "native":
            return {_snake(key): value for key, value in self.inputs.items()}
        props = {k: v for k, v in self.inputs.items() if k not in (*_DYNAMIC_ONLY, _SECRETS)}
        hidden = self.inputs.get(_SECRETS)
        if isinstance(hidden, Mapping):
            for section, values in hidden.items():
                if isinstance(values, Mapping):
                    base = props.get(section)
                    props[section] = deep_merge(base if isinstance(base, Mapping) else None, values)
        return props


@dataclass(frozen=True)
class StackState:
    """A stack's export: resources by URN and pending operations."""

    exported: dict[str, Any]

    @property
    def deployment(self) -> dict[str, Any]:
        deployment: dict[str, Any] = self.exported.get("deployment") or {}
        return deployment

    @property
    def resources(self) -> list[dict[str, Any]]:
        return list(self.deployment.get("resources") or [])

    def project(self) -> str | None:
        """The project the stack belongs to, from its URNs (None for an empty stack)."""
        for entry in [*self.resources, *(op["resource"] for op in self._ops())]:
            parts = str(entry.get("urn", "")).split("::")
            if len(parts) >= 2 and parts[0].startswith("urn:pulumi:"):
                return parts[1]
        return None

    def _ops(self) -> list[dict[str, Any]]:
        return list(self.deployment.get("pending_operations") or [])

    def pending(self) -> list[Pending]:
        found = []
        for op in self._ops():
            resource = op.get("resource") or {}
            found.append(
                Pending(
                    urn=str(resource.get("urn")),
                    kind=str(op.get("type")),
                    type=str(resource.get("type")),
                    inputs=plain(resource.get("inputs") or {}),
                    provider=resource.get("provider"),
                )
            )
        return found

    def live_urns(self) -> set[str]:
        """URNs of the resources the state holds (not those only marked for deletion)."""
        return {str(r["urn"]) for r in self.resources if not r.get("delete")}

    def provider_inputs(self, reference: str | None) -> dict[str, Any]:
        """The configuration of the provider ``urn::id`` (the native resource's cluster)."""
        if not reference:
            return {}
        urn = reference.rsplit("::", 1)[0]
        for resource in self.resources:
            if resource.get("urn") == urn:
                return dict(plain(resource.get("inputs") or {}))
        return {}


def cluster_source(
    pending: Pending, state: StackState, stack_config: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """``(declared connection, config, namespace)`` for ``resolve_connection``: the front
    end's own resolution, so recovery asks the cluster the run was sent to."""
    if pending.door == "native":
        prefix = f"{NATIVE_PACKAGE}:"
        config = {
            key[len(prefix) :]: value
            for key, value in stack_config.items()
            if key.startswith(prefix) and value is not None
        }
        provider = state.provider_inputs(pending.provider)
        config.update({key: value for key, value in provider.items() if value is not None})
        return {}, config, None
    connection = pending.declaration().get("connection")
    declared = dict(connection) if isinstance(connection, Mapping) else {}
    return declared, dict(stack_config), DYNAMIC_CONFIG_NAMESPACE
