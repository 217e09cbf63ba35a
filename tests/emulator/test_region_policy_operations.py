"""The region policy's client calls and operations against the emulator: the typed 409, the
version gate before anything is sent, adoption, drift, and what a preview says a change
would deny."""

from __future__ import annotations

import logging

import httpx
import pytest

from pulumi_inference import operations
from pulumi_inference._naming import naming
from pulumi_inference._published import docs_url
from pulumi_inference.client import InferenceClient, get_region_policy, put_region_policy
from pulumi_inference.connection import ClusterConnection
from pulumi_inference.emulator import Emulator, EmulatorConfig
from pulumi_inference.errors import (
    ConfigurationError,
    RegionPolicyDeniesEndpointsError,
    RegionPolicyExistsError,
    UnsupportedByClusterError,
)
from pulumi_inference.native._values import schema_naming
from pulumi_inference.operations import DesiredRegionPolicy

PATH = "/_inference/_region_policy"


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(version="9.5.0")


@pytest.fixture
def es(emulator: Emulator) -> InferenceClient:
    return InferenceClient(ClusterConnection(url=emulator.url))


def policy(**props: object) -> DesiredRegionPolicy:
    return DesiredRegionPolicy.from_props(props)


def in_use_us_endpoint(client: httpx.Client) -> None:
    body = {"service": "elastic", "service_settings": {"model_id": "rainbow-sprinkles"}}
    client.put("/_inference/chat_completion/us-llm", json=body)
    body = {"service": "elastic", "service_settings": {"model_id": ".elser-2"}}
    client.put("/_inference/sparse_embedding/elser-everywhere", json=body)
    client.put(
        "/_ingest/pipeline/chat", json={"processors": [{"inference": {"model_id": "us-llm"}}]}
    )


def test_the_409_is_a_typed_error_naming_endpoints_and_uses(
    es: InferenceClient, client: httpx.Client
) -> None:
    in_use_us_endpoint(client)
    with pytest.raises(RegionPolicyDeniesEndpointsError) as refused:
        put_region_policy(es, {"allowed_geos": ["eu"]}, force=False)
    assert refused.value.denied == ["us-llm"]
    assert refused.value.pipelines == ["us-llm:chat"]
    assert "force=True" in str(refused.value)
    assert get_region_policy(es) is None
    doc = put_region_policy(es, {"allowed_geos": ["eu"]}, force=True)
    assert doc.region_policy == {"allowed_geos": ["eu"]} and doc.created_at


def test_create_read_update_delete(es: InferenceClient, client: httpx.Client) -> None:
    created = operations.create_region_policy(es, policy(allowed_geos=["us", "eu"]))
    assert created.inputs == {"allowed_geos": ["us", "eu"]}
    assert created.outputs["cluster_version"] == "9.5.0" and created.outputs["created_at"]

    client.put(
        PATH, json={"region_policy": {"allowed_regions": [{"csp": "aws", "region": "eu-west-1"}]}}
    )
    read = operations.read_region_policy(es, {"allowed_geos": ["us", "eu"], "force": False})
    assert read is not None
    assert read.inputs == {
        "allowed_regions": [{"csp": "aws", "region": "eu-west-1"}],
        "force": False,
    }

    updated = operations.update_region_policy(
        es, policy(**read.inputs), policy(allowed_geos=["eu"]), read.outputs
    )
    assert updated.outputs["created_at"] == created.outputs["created_at"]
    assert updated.outputs["updated_at"]
    operations.delete_region_policy_of(es)
    assert operations.read_region_policy(es, {"allowed_geos": ["eu"]}) is None
    operations.delete_region_policy_of(es)  # already gone: fine


def test_an_existing_policy_is_refused_unless_adopted(
    es: InferenceClient, client: httpx.Client
) -> None:
    client.put(PATH, json={"region_policy": {"allowed_geos": ["us"]}})
    with pytest.raises(RegionPolicyExistsError, match="adopt_existing=True") as refused:
        operations.create_region_policy(es, policy(allowed_geos=["eu"]))
    # The published page (a pip user has no docs/), and the native door's YAML spelling.
    assert f"import it ({docs_url('docs/region-policy.md')})" in str(refused.value)
    with naming(schema_naming), pytest.raises(RegionPolicyExistsError, match="adoptExisting: true"):
        operations.create_region_policy(es, policy(allowed_geos=["eu"]))
    adopted = operations.create_region_policy(es, policy(allowed_geos=["eu"], adopt_existing=True))
    assert adopted.outputs["updated_at"]
    assert operations.import_region_policy(es).inputs == {"allowed_geos": ["eu"]}


def test_before_9_5_nothing_but_get_slash_is_sent(es: InferenceClient, emulator: Emulator) -> None:
    emulator.set_version("9.4.0")
    emulator.clear_requests()
    refused = r"9\.5\.0 or later; the cluster \(http://127\.0\.0\.1:\d+\) runs 9\.4\.0"
    with pytest.raises(UnsupportedByClusterError, match=refused):
        operations.create_region_policy(es, policy(allowed_geos=["eu"]))
    assert [(r["method"], r["path"]) for r in emulator.requests()] == [("GET", "/")]
    issues = operations.check_against_cluster(lambda: es, None, policy(allowed_geos=["eu"]))
    assert [path for path, _ in issues] == ["allowed_geos"]


def test_the_preview_names_what_it_would_deny_and_whether_the_apply_fails(
    es: InferenceClient, client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    in_use_us_endpoint(client)
    impact = operations.region_policy_impact(es, policy(allowed_geos=["eu"]))
    assert [d.inference_id for d in impact.denied] == ["us-llm"]  # ELSER runs in the EU too
    assert impact.fails
    with caplog.at_level(logging.WARNING, logger="pulumi_inference"):
        assert operations.check_against_cluster(lambda: es, None, policy(allowed_geos=["eu"])) == []
    assert "us-llm (used by pipeline chat)" in caplog.text and "will FAIL" in caplog.text
    forced = operations.region_policy_impact(es, policy(allowed_geos=["eu"], force=True))
    assert not forced.fails and "applies it anyway" in (forced.message() or "")
    assert operations.region_policy_impact(es, policy(allowed_geos=["us"])).denied == ()


def test_an_unchanged_policy_or_no_cluster_yet_asks_nothing(
    es: InferenceClient, emulator: Emulator
) -> None:
    emulator.clear_requests()
    same = policy(allowed_geos=["eu", "us"])
    assert (
        operations.check_against_cluster(lambda: es, policy(allowed_geos=["us", "eu"]), same) == []
    )
    assert not [r for r in emulator.requests() if r["path"] != "/"]

    def no_cluster() -> InferenceClient:
        raise ConfigurationError("no url")

    assert operations.check_against_cluster(no_cluster, None, same) == []
