"""The region policy's offline checks and plan (operations._region_desired), no cluster."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_inference._pulumi_wire import UNKNOWN
from pulumi_inference.operations import (
    DesiredRegionPolicy,
    check_region_policy,
    plan_region_policy,
)
from pulumi_inference.operations._region_desired import live_inputs
from pulumi_inference.operations._region_policy import region_policy_refusal

EU = {"csp": "aws", "region": "eu-west-1"}
US = {"csp": "aws", "region": "us-east-1"}


def paths(props: dict[str, Any]) -> list[str]:
    return [path for path, _ in check_region_policy(props)]


def test_a_geo_or_a_region_policy_is_valid() -> None:
    assert check_region_policy({"allowed_geos": ["us", "eu"]}) == []
    assert check_region_policy({"allowed_regions": [EU], "fallback_region": EU}) == []


def test_exactly_one_of_the_two_lists() -> None:
    (neither,) = check_region_policy({})
    assert neither[0] == "allowed_geos" and "exactly one of" in neither[1]
    (both,) = check_region_policy({"allowed_geos": ["us"], "allowed_regions": [EU]})
    assert both[0] == "allowed_regions" and "only one of" in both[1]


@pytest.mark.parametrize(
    ("props", "path", "words"),
    [
        ({"allowed_geos": []}, "allowed_geos", "must not be empty"),
        ({"allowed_regions": []}, "allowed_regions", "must not be empty"),
        ({"allowed_geos": "us"}, "allowed_geos", "expected a list"),
        ({"allowed_geos": ["us", ""]}, "allowed_geos[1]", "non-empty string"),
        ({"allowed_geos": ["us", "us"]}, "allowed_geos[1]", "listed twice"),
        ({"allowed_regions": [EU, dict(EU)]}, "allowed_regions[1]", "listed twice"),
        ({"allowed_regions": [{"csp": "aws"}]}, "allowed_regions[0].region", "required"),
        ({"allowed_regions": [{**EU, "zone": "a"}]}, "allowed_regions[0].zone", "unknown field"),
        ({"allowed_geos": ["us"], "fallback_region": "us"}, "fallback_region", "expected"),
        ({"allowed_geos": ["us"], "force": "yes"}, "force", "true or false"),
    ],
)
def test_each_mistake_names_its_field(props: dict[str, Any], path: str, words: str) -> None:
    issues = dict(check_region_policy(props))
    assert path in issues, issues
    assert words in issues[path]


def test_values_not_known_yet_are_not_judged() -> None:
    assert check_region_policy({"allowed_geos": UNKNOWN}) == []
    assert check_region_policy({"allowed_regions": [UNKNOWN, EU]}) == []


def test_reordering_is_no_change_and_a_new_area_updates_in_place() -> None:
    old = DesiredRegionPolicy.from_props({"allowed_geos": ["us", "eu"]})
    assert not plan_region_policy(
        old, DesiredRegionPolicy.from_props({"allowed_geos": ["eu", "us"]})
    ).has_changes
    plan = plan_region_policy(old, DesiredRegionPolicy.from_props({"allowed_geos": ["eu"]}))
    assert plan.changed == ("allowed_geos",) and plan.sends


def test_switching_from_geos_to_regions_changes_both_keys() -> None:
    old = DesiredRegionPolicy.from_props({"allowed_geos": ["eu"]})
    plan = plan_region_policy(old, DesiredRegionPolicy.from_props({"allowed_regions": [EU]}))
    assert set(plan.changed) == {"allowed_geos", "allowed_regions"} and plan.sends


def test_force_alone_changes_state_but_sends_nothing() -> None:
    old = DesiredRegionPolicy.from_props({"allowed_geos": ["eu"]})
    plan = plan_region_policy(
        old, DesiredRegionPolicy.from_props({"allowed_geos": ["eu"], "force": True})
    )
    assert plan.changed == ("force",) and not plan.sends


def test_drift_takes_the_cluster_s_policy_but_keeps_the_declared_order() -> None:
    stored = {"allowed_geos": ["us", "eu"], "force": True}
    assert live_inputs(stored, {"allowed_geos": ["eu", "us"]}) == stored
    edited = live_inputs(stored, {"allowed_regions": [US]})
    assert edited == {"allowed_regions": [US], "force": True}


def test_which_endpoints_a_policy_allows() -> None:
    us_only = [{"csp": "aws", "region": "us-east-1", "geo": "us"}]
    assert DesiredRegionPolicy.from_props({"allowed_geos": ["us"]}).allows(us_only)
    assert not DesiredRegionPolicy.from_props({"allowed_geos": ["eu"]}).allows(us_only)
    assert DesiredRegionPolicy.from_props({"allowed_regions": [US]}).allows(us_only)
    assert not DesiredRegionPolicy.from_props({"allowed_regions": [EU]}).allows(us_only)


@pytest.mark.parametrize(
    ("version", "refused"),
    [((8, 18, 2), True), ((9, 4, 9), True), ((9, 5, 0), False), ((10, 0, 0), False), (None, False)],
)
def test_the_version_gate_names_the_cluster_s_version(
    version: tuple[int, int, int] | None, refused: bool
) -> None:
    """``None``: Serverless, or a version that could not be read, counts as current."""
    refusal = region_policy_refusal(version, "http://es:9200")
    assert (refusal is not None) == refused
    if refusal is not None and version is not None:
        running = ".".join(map(str, version))
        assert refusal.endswith(f"9.5.0 or later; the cluster (http://es:9200) runs {running}")
