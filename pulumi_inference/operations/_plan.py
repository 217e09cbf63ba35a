"""Deciding, without any HTTP call, what a change of declaration does to the cluster.

- nothing, when the declaration equals the state;
- an in-place ``_update`` for keys the cluster changes in place on its version
  (``task_settings``, secret rotation, deployment allocations);
- a replacement for ``inference_id``, ``task_type``, ``service`` and every other setting;
  the old endpoint is deleted first when the id stays the same (the create would collide);
- a provider-only update (no HTTP call) for ``connection``, ``force_delete`` and the
  deployment-wait settings.

Every difference is a :class:`Change` with its full property path, so a front end can show
each one (the native provider's detailed diff) or only the top-level names (the dynamic one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .. import catalogue
from .._nested import normalize_numbers
from .._pulumi_wire import UNKNOWN
from ..properties import PROVIDER_ONLY_KEYS
from ._desired import DesiredEndpoint
from ._versions import chunking_updatable, task_settings_updatable

ChangeKind = Literal["add", "delete", "update"]
Path = tuple[str, ...]

ROTATION_SECTION: Path = ("service_settings",)
"""Where a secret whose value (and key) is not known yet may rotate: the core names the
section, and each door says it in its own layout (the dynamic door's ``secrets``)."""


@dataclass(frozen=True)
class Change:
    """One changed property: ``path`` from the top of the canonical props
    (``("service_settings", "model_id")``). ``key_not_known``: a secret somewhere inside
    ``path`` may change, its key and value not known yet (a preview of secret Outputs)."""

    path: Path
    kind: ChangeKind
    replaces: bool
    key_not_known: bool = False

    @property
    def diff_kind(self) -> str:
        """The kind as Pulumi's provider protocol names it: ``UPDATE``, ``ADD_REPLACE``, ..."""
        return self.kind.upper() + ("_REPLACE" if self.replaces else "")

    @property
    def secret(self) -> bool:
        return self.key_not_known or any(key in catalogue.SECRET_KEYS for key in self.path)


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    service_settings_update: dict[str, Any] = field(default_factory=dict)
    task_settings_update: dict[str, Any] = field(default_factory=dict)
    chunking_settings_update: dict[str, Any] | None = None

    @property
    def replaces(self) -> list[str]:
        """Top-level properties whose change needs a replacement, sorted."""
        return sorted({change.path[0] for change in self.changes if change.replaces})

    @property
    def replacing_keys(self) -> list[str]:
        """The full paths of the changes that force the replacement (``service_settings.model_id``),
        sorted; a secret rotation whose key is not known yet is never one."""
        return sorted({".".join(c.path) for c in self.changes if c.replaces})

    @property
    def delete_before_replace(self) -> bool:
        """The old endpoint goes first when the id stays: the create would collide with it."""
        return bool(self.replaces) and "inference_id" not in self.replaces

    @property
    def provider_only_changes(self) -> list[str]:
        return [c.path[0] for c in self.changes if c.path[0] in PROVIDER_ONLY_KEYS]

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
    def has_changes(self) -> bool:
        return bool(self.changes)

    @property
    def rescales_deployment(self) -> bool:
        return bool({"num_allocations", "adaptive_allocations"} & set(self.service_settings_update))


def has_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, Mapping):
        return any(has_unknown(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(has_unknown(item) for item in value)
    return False


def _differs(old: Any, new: Any) -> bool:
    return has_unknown(new) or normalize_numbers(old) != normalize_numbers(new)


def _kind(before: Any, after: Any) -> ChangeKind:
    if before is None:
        return "add"
    if after is None:
        return "delete"
    return "update"


def plan_change(
    old: DesiredEndpoint,
    new: DesiredEndpoint,
    *,
    live_chunking: Mapping[str, Any] | None = None,
) -> Plan:
    """Compare the stored endpoint (old outputs) with the new declaration (checked inputs).

    ``live_chunking``: the endpoint's chunking as last recorded. Declaring, where the state
    declared none, exactly the chunking the endpoint already has changes nothing.
    """
    plan = Plan()
    version = old.cluster_version

    def change(path: Path, before: Any, after: Any, *, replaces: bool) -> None:
        plan.changes.append(Change(path, _kind(before, after), replaces))

    for key in ("inference_id", "task_type"):
        before, after = getattr(old, key), getattr(new, key)
        if _differs(before, after):
            change((key,), before, after, replaces=True)
    if has_unknown(new.service) or old.canonical_service != new.canonical_service:
        change(("service",), old.service, new.service, replaces=True)

    updatable = catalogue.updatable_service_settings(new.service, version)
    vouched = new.secrets_vouched_for(old.service_settings)
    for key in sorted(set(old.service_settings) | set(new.service_settings)):
        before, after = old.service_settings.get(key), new.service_settings.get(key)
        if (new.secrets_unknown or vouched) and key in catalogue.SECRET_KEYS:
            continue  # judged below as a rotation; or, vouched for, already on the cluster
        if not _differs(before, after):
            continue
        if key in updatable and key in new.service_settings:
            plan.service_settings_update[key] = after
            change(("service_settings", key), before, after, replaces=False)
        else:
            change(("service_settings", key), before, after, replaces=True)

    in_place = task_settings_updatable(version)
    for key in sorted(set(old.task_settings) | set(new.task_settings)):
        before, after = old.task_settings.get(key), new.task_settings.get(key)
        if not _differs(before, after):
            continue
        if in_place and key in new.task_settings:
            plan.task_settings_update[key] = after
            change(("task_settings", key), before, after, replaces=False)
        else:  # a key cannot be removed in place: _update merges task settings
            change(("task_settings", key), before, after, replaces=True)

    _plan_chunking(plan, old, new, live_chunking)

    for key in PROVIDER_ONLY_KEYS:
        before, after = getattr(old, key), getattr(new, key)
        if _differs(before, after):
            change((key,), before, after, replaces=False)

    if new.secrets_unknown:
        # Secret values not known until apply: at most a rotation, which updates in place.
        plan.changes.append(Change(ROTATION_SECTION, "update", replaces=False, key_not_known=True))
    return plan


def _plan_chunking(
    plan: Plan, old: DesiredEndpoint, new: DesiredEndpoint, live: Mapping[str, Any] | None
) -> None:
    """Chunking replaces (no release updates it in place), unless the declaration only
    catches up with what the endpoint has (``live``) where the state declared nothing."""
    declares_live = (
        old.chunking_settings is None
        and live is not None
        and not has_unknown(new.chunking_settings)
        and normalize_numbers(dict(live)) == new.chunking_settings
    )
    if not _differs(old.chunking_settings, new.chunking_settings) or declares_live:
        return
    in_place = chunking_updatable(old.cluster_version) and bool(new.chunking_settings)
    if in_place:
        plan.chunking_settings_update = new.chunking_settings
    before_chunking, after_chunking = old.chunking_settings or {}, new.chunking_settings or {}
    for key in sorted(set(before_chunking) | set(after_chunking)):
        before, after = before_chunking.get(key), after_chunking.get(key)
        if _differs(before, after):
            kind = _kind(before, after)
            plan.changes.append(Change(("chunking_settings", key), kind, not in_place))


def update_body(plan: Plan, spec: DesiredEndpoint, *, send_secrets: bool = False) -> dict[str, Any]:
    """The ``_update`` body of ``plan``: only the changed keys, plus every declared secret of
    ``service_settings`` whenever that object is sent (the cluster rebuilds the endpoint's
    secret settings from it and refuses one without them) or ``send_secrets`` asks for them
    (an adoption: the cluster never shows the secrets it holds)."""
    body = plan.update_body
    secrets = {
        key: value for key, value in spec.service_settings.items() if key in catalogue.SECRET_KEYS
    }
    if secrets and (send_secrets or "service_settings" in body):
        body["service_settings"] = {**body.get("service_settings", {}), **secrets}
    return body
