"""Region policy values against what the cluster's EIS endpoints list (operations._region_values):
a geo, provider or region no endpoint runs in matches nothing, and the preview names it."""

from __future__ import annotations

from typing import Any

from pulumi_inference.operations._region_values import (
    DOCUMENTED_GEOS,
    value_issues,
    vocabulary_of,
)

ELSER = {
    "inference_id": ".elser-2-elastic",
    "metadata": {
        "regions": [
            {"csp": "aws", "region": "us-east-1", "geo": "us"},
            {"csp": "gcp", "region": "europe-west1", "geo": "eu"},
            {"csp": "gcp", "region": "me-central2", "geo": "mena"},
        ]
    },
}
LISTED = vocabulary_of([ELSER, {"inference_id": "not-eis", "service": "openai"}])
NOTHING_LISTED = vocabulary_of([{"inference_id": "not-eis"}])


def issues(props: dict[str, Any], old: dict[str, Any] | None = None) -> dict[str, str]:
    return dict(value_issues(props, LISTED, old))


def test_the_known_values_are_the_listed_ones_plus_the_documented_ones() -> None:
    assert LISTED.geos == DOCUMENTED_GEOS | {"mena"}
    assert LISTED.csps == {"aws", "gcp", "azure"}
    assert LISTED.regions == {"aws": {"us-east-1"}, "gcp": {"europe-west1", "me-central2"}}
    assert LISTED.listed and not NOTHING_LISTED.listed
    assert NOTHING_LISTED.geos == DOCUMENTED_GEOS and NOTHING_LISTED.regions == {}


def test_a_geo_no_endpoint_runs_in_is_named_with_the_known_ones() -> None:
    assert issues({"allowed_geos": ["us", "eu", "apac", "mena"]}) == {}
    found = issues({"allowed_geos": ["us", "mars"]})
    assert list(found) == ["allowed_geos[1]"]
    assert found["allowed_geos[1]"].startswith("'mars' is not a geographic area where")
    assert "Known geographic areas, as the cluster's EIS endpoints" in found["allowed_geos[1]"]
    assert "apac, eu, mena, us" in found["allowed_geos[1]"]
    assert "did you mean 'us'?" in issues({"allowed_geos": ["US"]})["allowed_geos[0]"]


def test_a_provider_or_a_listed_provider_s_region_is_checked() -> None:
    regions = [
        {"csp": "aws", "region": "us-east-1"},
        {"csp": "aws2", "region": "us-east-1"},
        {"csp": "aws", "region": "us-east-11"},
        {"csp": "azure", "region": "eastus"},  # no azure region listed: not judged
    ]
    found = issues({"allowed_regions": regions})
    assert sorted(found) == ["allowed_regions[1].csp", "allowed_regions[2].region"]
    assert "'aws2' is not a cloud provider" in found["allowed_regions[1].csp"]
    assert "did you mean 'aws'?" in found["allowed_regions[1].csp"]
    assert "'us-east-11' is not a aws region" in found["allowed_regions[2].region"]
    assert "did you mean 'us-east-1'?" in found["allowed_regions[2].region"]
    fallback = issues({"allowed_regions": regions[:1], "fallback_region": regions[2]})
    assert list(fallback) == ["fallback_region.region"]


def test_a_cluster_that_lists_nothing_knows_the_documented_values_only() -> None:
    (found,) = value_issues({"allowed_geos": ["mena"]}, NOTHING_LISTED)
    assert found[0] == "allowed_geos[0]"
    assert "as Elastic documents (this cluster lists no EIS endpoint yet)" in found[1]
    regions = [{"csp": "aws", "region": "anywhere-1"}]
    assert value_issues({"allowed_regions": regions}, NOTHING_LISTED) == []


def test_values_the_stored_policy_has_already_pass() -> None:
    """The cluster took them before (an existing stack's preview never breaks on them)."""
    old = {"allowed_geos": ["us", "mars"]}
    assert issues({"allowed_geos": ["mars", "us", "eu"]}, old) == {}
    assert list(issues({"allowed_geos": ["mars", "venus"]}, old)) == ["allowed_geos[1]"]
