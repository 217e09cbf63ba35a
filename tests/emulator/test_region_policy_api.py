"""The emulator's `/_inference/_region_policy` against Elasticsearch's own REST tests for it
(x-pack/plugin/inference/src/yamlRestTest/.../170_region_policy_crud.yml) and its transport
action (the 409 for endpoints in use, ``?force``); earlier versions answer as for any id."""

from __future__ import annotations

import re

import httpx
import pytest

from pulumi_inference.emulator import Emulator, EmulatorConfig

PATH = "/_inference/_region_policy"
NO_POLICY = "No region policy is configured for this deployment"
ISO_MILLIS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(version="9.5.0", deployment_seconds=0.05)


def put(client: httpx.Client, policy: object, **params: str) -> httpx.Response:
    return client.put(PATH, json={"region_policy": policy}, params=params)


def test_put_allowed_regions_with_fallback_answers_the_document(client: httpx.Client) -> None:
    regions = [{"csp": "aws", "region": "us-east-1"}, {"csp": "aws", "region": "eu-west-1"}]
    fallback = {"csp": "aws", "region": "us-east-1"}
    answer = put(client, {"allowed_regions": regions, "fallback_region": fallback})
    assert answer.status_code == 200
    body = answer.json()
    assert body["region_policy"] == {"allowed_regions": regions, "fallback_region": fallback}
    assert ISO_MILLIS.match(body["created_at"])
    assert not {"created_by", "updated_at", "updated_by"} & set(body)  # security off
    assert client.get(PATH).json() == body


def test_put_replaces_and_keeps_created_at(client: httpx.Client) -> None:
    first = put(client, {"allowed_geos": ["us"]}).json()
    second = put(client, {"allowed_regions": [{"csp": "azure", "region": "eastus"}]}).json()
    got = client.get(PATH).json()
    assert got == second
    assert "allowed_geos" not in got["region_policy"]
    assert got["created_at"] == first["created_at"]
    assert ISO_MILLIS.match(got["updated_at"])


def test_get_and_delete_without_a_policy_answer_404(client: httpx.Client) -> None:
    for method in ("GET", "DELETE"):
        answer = client.request(method, PATH)
        assert answer.status_code == 404
        assert answer.json()["error"]["type"] == "resource_not_found_exception"
        assert answer.json()["error"]["reason"] == NO_POLICY


def test_delete_acknowledges_and_then_there_is_none(client: httpx.Client) -> None:
    put(client, {"allowed_geos": ["us"]})
    assert client.delete(PATH).json() == {"acknowledged": True}
    assert client.get(PATH).status_code == 404


@pytest.mark.parametrize(
    ("body", "reason", "cause"),
    [
        ({"allowed_geos": ["us"]}, r"unknown field \[allowed_geos\]", None),
        (
            {
                "region_policy": {
                    "allowed_geos": ["us"],
                    "allowed_regions": [{"csp": "a", "region": "b"}],
                }
            },
            r"failed to parse field \[region_policy\]",
            "not allowed together",
        ),
        (
            {"region_policy": {"allowed_geos": []}},
            r"\[region_policy\.allowed_geos\] must not be empty",
            None,
        ),
        (
            {"region_policy": {"allowed_regions": []}},
            r"\[region_policy\.allowed_regions\] must not be empty",
            None,
        ),
    ],
)
def test_refusals_match_the_rest_tests(
    client: httpx.Client, body: object, reason: str, cause: str | None
) -> None:
    answer = client.put(PATH, json=body)
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert re.search(reason, error["reason"])
    if cause is not None:
        assert cause in error["caused_by"]["reason"]
    assert client.get(PATH).status_code == 404  # nothing stored


def _eis_endpoint_in_use(client: httpx.Client) -> None:
    body = {"service": "elastic", "service_settings": {"model_id": "rainbow-sprinkles"}}
    assert client.put("/_inference/chat_completion/us-llm", json=body).status_code == 200
    pipeline = {"processors": [{"inference": {"model_id": "us-llm"}}]}
    assert client.put("/_ingest/pipeline/chat", json=pipeline).status_code == 200


def test_a_policy_denying_an_endpoint_in_use_is_refused_unless_forced(
    client: httpx.Client,
) -> None:
    _eis_endpoint_in_use(client)
    regions = client.get("/_inference/us-llm").json()["endpoints"][0]["metadata"]["regions"]
    assert {r["geo"] for r in regions} == {"us"}
    assert put(client, {"allowed_geos": ["us"]}).status_code == 200  # allows it

    refused = put(client, {"allowed_geos": ["eu"]})
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["type"] == "status_exception"
    assert error["reason"].startswith(
        "Cannot put the region policy because it would deny access to the following in-use "
        "inference endpoints: [us-llm]."
    )
    assert error["denied_endpoint_ids"] == ["us-llm"]
    assert error["referencing_pipelines"] == ["us-llm:chat"]
    assert client.get(PATH).json()["region_policy"] == {"allowed_geos": ["us"]}  # unchanged

    assert put(client, {"allowed_geos": ["eu"]}, force="true").status_code == 200
    shown = client.get("/_inference/us-llm").json()["endpoints"][0]["metadata"]
    assert shown["denied_by_region_policy"] is True


def test_a_denied_endpoint_nothing_uses_does_not_block(client: httpx.Client) -> None:
    body = {"service": "elastic", "service_settings": {"model_id": "rainbow-sprinkles"}}
    client.put("/_inference/chat_completion/idle-llm", json=body)
    assert put(client, {"allowed_geos": ["apac"]}).status_code == 200


def test_the_caller_is_recorded_when_security_knows_it() -> None:
    with Emulator(version="9.5.0", users=["alice:pw", "bob:pw"]) as emu:
        created = httpx.put(
            emu.url + PATH, json={"region_policy": {"allowed_geos": ["us"]}}, auth=("alice", "pw")
        ).json()
        updated = httpx.put(
            emu.url + PATH, json={"region_policy": {"allowed_geos": ["eu"]}}, auth=("bob", "pw")
        ).json()
    assert created["created_by"] == "alice"
    assert (updated["created_by"], updated["updated_by"]) == ("alice", "bob")


@pytest.mark.parametrize("version", ["8.18.0", "9.4.0"])
def test_before_9_5_the_path_is_an_endpoint_id(
    emulator: Emulator, client: httpx.Client, version: str
) -> None:
    emulator.set_version(version)
    got = client.get(PATH)
    assert got.status_code == 404
    assert got.json()["error"]["reason"] == "Inference endpoint not found [_region_policy]"
    assert put(client, {"allowed_geos": ["us"]}).status_code == 400


def test_serverless_serves_it_whatever_version_it_reports(
    emulator: Emulator, client: httpx.Client
) -> None:
    emulator.settings.update({"version": "8.11.0", "build_flavor": "serverless"})
    assert put(client, {"allowed_geos": ["us"]}).status_code == 200
