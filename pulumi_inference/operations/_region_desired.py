"""The declared inference region policy (``InferenceRegionPolicy``): its props, checks and plan.

One policy per cluster (``PUT /_inference/_region_policy``, Elasticsearch 9.5+). Exactly one of
``allowed_geos`` (geographic areas: ``us``, ``eu``, ``apac``) or ``allowed_regions``
(``{"csp": "aws", "region": "us-east-1"}``), never empty, and the optional
``fallback_region`` Elasticsearch's REST tests send. Order and repetition carry no meaning to
the cluster, so the lists are compared as sets and a repeated entry is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._naming import spelled
from .._pulumi_wire import is_unknown
from ..properties import REGION_POLICY_PROPERTIES, names
from ._validation import _check_connection

POLICY_KEYS = names("settings", table=REGION_POLICY_PROPERTIES)
"""Sent to the cluster (the ``region_policy`` object)."""
PROVIDER_KEYS = names("provider", table=REGION_POLICY_PROPERTIES)
"""Steer the provider only; a change sends nothing."""
INPUT_KEYS = (*POLICY_KEYS, *PROVIDER_KEYS)
OUTPUT_KEYS = names("output", table=REGION_POLICY_PROPERTIES)
_FLAGS = tuple(p.name for p in REGION_POLICY_PROPERTIES if p.kind == "boolean")
REGION_POLICY_ID = "region_policy"
"""The resource id: there is one policy per cluster."""

_GEOS_HINT = "geographic areas such as ['us', 'eu'] (Elastic documents us, eu and apac)"
_REGION_HINT = "{'csp': 'aws', 'region': 'us-east-1'}"

Region = tuple[str, str]


def _region(value: Mapping[str, Any]) -> Region:
    return (str(value.get("csp")), str(value.get("region")))


@dataclass(frozen=True)
class DesiredRegionPolicy:
    """Canonical props of one ``InferenceRegionPolicy`` (values may be :data:`UNKNOWN`)."""

    props: Mapping[str, Any]

    @classmethod
    def from_props(cls, props: Mapping[str, Any]) -> DesiredRegionPolicy:
        return cls(dict(props))

    @property
    def connection(self) -> Mapping[str, Any] | None:
        value = self.props.get("connection")
        return value if isinstance(value, Mapping) else None

    @property
    def force(self) -> bool:
        return self.props.get("force") is True

    @property
    def adopt_existing(self) -> bool:
        return self.props.get("adopt_existing") is True

    def body(self) -> dict[str, Any]:
        """The ``region_policy`` object sent to the cluster."""
        return {key: self.props[key] for key in POLICY_KEYS if self.props.get(key) is not None}

    def known(self) -> bool:
        return not any(_has_unknown(self.props.get(key)) for key in POLICY_KEYS)

    def policy_key(self) -> tuple[Any, ...]:
        """What the cluster would enforce, independent of order."""
        geos = self.props.get("allowed_geos")
        regions = self.props.get("allowed_regions")
        fallback = self.props.get("fallback_region")
        return (
            frozenset(geos) if isinstance(geos, list) else None,
            frozenset(_region(r) for r in regions if isinstance(r, Mapping))
            if isinstance(regions, list)
            else None,
            _region(fallback) if isinstance(fallback, Mapping) else None,
        )

    def allows(self, regions: list[Mapping[str, Any]]) -> bool:
        """Whether an endpoint that runs in ``regions`` (``metadata.regions``) stays usable."""
        geos, pairs, _ = self.policy_key()
        if geos is not None:
            return any(r.get("geo") in geos for r in regions)
        return any(_region(r) in (pairs or frozenset()) for r in regions)


def _has_unknown(value: Any) -> bool:
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_unknown(v) for v in value)
    return False


def check_region_policy(props: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every problem with a region policy's canonical props, as (property path, the fix)."""
    geos, regions = props.get("allowed_geos"), props.get("allowed_regions")
    issues: list[tuple[str, str]] = []
    if geos is None and regions is None:
        issues.append(
            (
                "allowed_geos",
                f"set exactly one of {spelled('allowed_geos')} ({_GEOS_HINT}) or "
                f"{spelled('allowed_regions')} (a list of {_REGION_HINT}); neither is set",
            )
        )
    elif geos is not None and regions is not None:
        issues.append(
            (
                "allowed_regions",
                f"set only one of {spelled('allowed_geos')} or {spelled('allowed_regions')}: "
                "the cluster refuses both together",
            )
        )
    issues += _check_geos(geos) + _check_regions(regions)
    fallback = props.get("fallback_region")
    if fallback is not None and not is_unknown(fallback):
        issues += _check_region("fallback_region", fallback)
    for key in _FLAGS:
        value = props.get(key)
        if value is not None and not is_unknown(value) and not isinstance(value, bool):
            issues.append((key, f"expected true or false, got {type(value).__name__}"))
    issues += _check_connection(props.get("connection"))
    return issues


def _check_geos(geos: Any) -> list[tuple[str, str]]:
    if geos is None or is_unknown(geos):
        return []
    name = spelled("allowed_geos")
    if not isinstance(geos, list):
        return [("allowed_geos", f"expected a list of {_GEOS_HINT}, got {type(geos).__name__}")]
    if not geos:
        return [("allowed_geos", f"{name} must not be empty: list {_GEOS_HINT}")]
    issues = []
    seen: set[str] = set()
    for index, geo in enumerate(geos):
        if is_unknown(geo):
            continue
        if not isinstance(geo, str) or not geo.strip():
            issues.append((f"allowed_geos[{index}]", "expected a non-empty string, e.g. 'eu'"))
        elif geo in seen:
            issues.append((f"allowed_geos[{index}]", f"'{geo}' is listed twice in {name}"))
        else:
            seen.add(geo)
    return issues


def _check_regions(regions: Any) -> list[tuple[str, str]]:
    if regions is None or is_unknown(regions):
        return []
    name = spelled("allowed_regions")
    if not isinstance(regions, list):
        return [("allowed_regions", f"expected a list of {_REGION_HINT}")]
    if not regions:
        return [("allowed_regions", f"{name} must not be empty: list {_REGION_HINT} entries")]
    issues = []
    seen: set[Region] = set()
    for index, region in enumerate(regions):
        path = f"allowed_regions[{index}]"
        found = _check_region(path, region)
        issues += found
        if found or not isinstance(region, Mapping) or _has_unknown(region):
            continue
        if _region(region) in seen:
            issues.append((path, f"{region['csp']}/{region['region']} is listed twice in {name}"))
        seen.add(_region(region))
    return issues


def _check_region(path: str, region: Any) -> list[tuple[str, str]]:
    if is_unknown(region):
        return []
    if not isinstance(region, Mapping):
        return [(path, f"expected {_REGION_HINT}, got {type(region).__name__}")]
    issues = [
        (f"{path}.{key}", f"unknown field; a region has only 'csp' and 'region': {_REGION_HINT}")
        for key in region
        if key not in {"csp", "region"}
    ]
    for key in ("csp", "region"):
        value = region.get(key, None)
        if is_unknown(value):
            continue
        if not isinstance(value, str) or not value.strip():
            issues.append((f"{path}.{key}", f"'{key}' is required (a non-empty string)"))
    return issues


@dataclass(frozen=True)
class RegionPolicyPlan:
    """What a change of declaration does: ``changed`` property names; ``sends``: a PUT."""

    changed: tuple[str, ...]
    sends: bool

    @property
    def has_changes(self) -> bool:
        return bool(self.changed)


def plan_region_policy(old: DesiredRegionPolicy, new: DesiredRegionPolicy) -> RegionPolicyPlan:
    """Always in place: the PUT replaces the cluster's one policy; nothing is ever replaced."""
    old_key, new_key = old.policy_key(), new.policy_key()
    changed = [
        key
        for index, key in enumerate(POLICY_KEYS)
        if _has_unknown(new.props.get(key)) or old_key[index] != new_key[index]
    ]
    sends = bool(changed)
    for key in (*PROVIDER_KEYS, "connection"):
        if (old.props.get(key) or None) != (new.props.get(key) or None):
            changed.append(key)
    return RegionPolicyPlan(tuple(changed), sends)


def live_inputs(stored: Mapping[str, Any], live_policy: Mapping[str, Any]) -> dict[str, Any]:
    """The declaration as the cluster has it: each policy key from ``live_policy``, the rest
    as stored; a stored list equal to the live one but for order is kept (no false drift)."""
    inputs = {key: value for key, value in stored.items() if key not in POLICY_KEYS}
    stored_key = DesiredRegionPolicy.from_props(stored).policy_key()
    live_key = DesiredRegionPolicy.from_props(live_policy).policy_key()
    for index, key in enumerate(POLICY_KEYS):
        same = stored_key[index] == live_key[index]
        value = stored.get(key) if same else live_policy.get(key)
        if value is not None:
            inputs[key] = value
    return inputs
