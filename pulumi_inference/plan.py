"""Deciding, without any HTTP call, what a change of declaration does to the cluster.

- nothing, when the declaration equals the state;
- an in-place ``_update`` for keys the cluster changes in place on its version
  (``task_settings``, secret rotation, deployment allocations);
- a replacement for ``inference_id``, ``task_type``, ``service`` and every other setting;
  the old endpoint is deleted first when the id stays the same (the create would collide);
- a provider-only update (no HTTP call) for ``connection``, ``force_delete`` and the
  deployment-wait settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import catalogue
from .spec import PROVIDER_ONLY_KEYS, EndpointSpec, normalize_numbers


@dataclass
class Plan:
    replaces: list[str] = field(default_factory=list)
    service_settings_update: dict[str, Any] = field(default_factory=dict)
    task_settings_update: dict[str, Any] = field(default_factory=dict)
    chunking_settings_update: dict[str, Any] | None = None
    provider_only_changes: list[str] = field(default_factory=list)
    delete_before_replace: bool = False

    @property
    def update_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if self.service_settings_update:
            body["service_settings"] = self.service_settings_update
        if self.task_settings_update:
            body["task_settings"] = self.task_settings_update
        if self.chunking_settings_update is not None:
            body["chunking_settings"] = self.chunking_settings_update
        return body

    @property
    def changes(self) -> bool:
        return bool(self.replaces or self.update_body or self.provider_only_changes)

    @property
    def rescales_deployment(self) -> bool:
        return bool({"num_allocations", "adaptive_allocations"} & set(self.service_settings_update))


def _has_unknown(value: Any) -> bool:
    if value is catalogue.UNKNOWN:
        return True
    if isinstance(value, Mapping):
        return any(_has_unknown(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_has_unknown(item) for item in value)
    return False


def _differs(old: Any, new: Any) -> bool:
    return _has_unknown(new) or normalize_numbers(old) != normalize_numbers(new)


def plan_change(
    old: EndpointSpec,
    new: EndpointSpec,
    old_props: Mapping[str, Any],
    new_props: Mapping[str, Any],
) -> Plan:
    """Compare the stored endpoint (old outputs) with the new declaration (checked inputs)."""
    plan = Plan()
    version = old.cluster_version
    for key in ("inference_id", "task_type"):
        if _differs(getattr(old, key), getattr(new, key)):
            plan.replaces.append(key)
    if _has_unknown(new.service) or old.canonical_service != new.canonical_service:
        plan.replaces.append("service")

    updatable = catalogue.updatable_service_settings(new.service, version)
    secrets_unknown = new_props.get("secrets") is catalogue.UNKNOWN
    for key in sorted(set(old.service_settings) | set(new.service_settings)):
        before, after = old.service_settings.get(key), new.service_settings.get(key)
        if secrets_unknown and key in catalogue.SECRET_KEYS:
            continue  # judged below, as a rotation
        if not _differs(before, after):
            continue
        if key in updatable and key in new.service_settings:
            plan.service_settings_update[key] = after
        else:
            plan.replaces.append(_section_of(key, "service_settings", old_props, new_props))

    in_place = catalogue.task_settings_updatable(version)
    for key in sorted(set(old.task_settings) | set(new.task_settings)):
        before, after = old.task_settings.get(key), new.task_settings.get(key)
        if not _differs(before, after):
            continue
        if in_place and key in new.task_settings:
            plan.task_settings_update[key] = after
        else:  # a key cannot be removed in place: _update merges task settings
            plan.replaces.append("task_settings")

    if _differs(old.chunking_settings, new.chunking_settings):
        if catalogue.chunking_updatable(version) and new.chunking_settings:
            plan.chunking_settings_update = new.chunking_settings
        else:
            plan.replaces.append("chunking_settings")

    for key in PROVIDER_ONLY_KEYS:
        if _differs(getattr(old, key), getattr(new, key)):
            plan.provider_only_changes.append(key)

    if secrets_unknown:
        # Secret values not known until apply: at most a rotation, which updates in place.
        plan.provider_only_changes.append("secrets")

    plan.replaces = sorted(set(plan.replaces))
    plan.delete_before_replace = bool(plan.replaces) and "inference_id" not in plan.replaces
    return plan


def _section_of(
    key: str, section: str, old_props: Mapping[str, Any], new_props: Mapping[str, Any]
) -> str:
    """The top-level property that carries ``key``: ``secrets`` for moved secret values."""
    for props in (new_props, old_props):
        secrets = props.get("secrets")
        hidden = secrets.get(section) if isinstance(secrets, Mapping) else None
        if isinstance(hidden, Mapping) and key in hidden:
            return "secrets"
    return section
