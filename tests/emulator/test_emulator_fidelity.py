"""The emulator accepts every official request example and answers in the shape of the
official response examples (tests/fixtures/es_spec)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_inference.emulator import Emulator

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "es_spec"
SECRET_KEYS = {
    "api_key",
    "access_key",
    "secret_key",
    "service_account_json",
    "entra_id",
    "client_secret",
    "secret_parameters",
}


def _load(kind: str) -> dict[str, dict[str, Any]]:
    out = {}
    for path in sorted(FIXTURES.glob("*/*.json")):
        data = json.loads(path.read_text())
        if data["kind"] == kind:
            out[f"{path.parent.name}/{path.stem}"] = data
    return out


REQUESTS = _load("request")
RESPONSES = _load("response")
PUT_REQUESTS = {k: v for k, v in REQUESTS.items() if v["api"].startswith("put")}

# response fixture -> (request fixture, emulated version)
PAIRS = {
    "put_azureopenai/PutAzureOpenAiResponseExample1": (
        "put_azureopenai/PutAzureOpenAiRequestExample1",
        "9.1.0",
    ),
    "put_azureopenai/PutAzureOpenAiResponseExample2": (
        "put_azureopenai/PutAzureOpenAiRequestExample2",
        "9.1.0",
    ),
    "put_azureopenai/PutAzureOpenAiResponseExample3": (
        "put_azureopenai/PutAzureOpenAiRequestExample3",
        "9.1.0",
    ),
    "put_elasticsearch/PutElasticsearchResponseExample1": (
        "put_elasticsearch/PutElasticsearchRequestExample6",
        "9.1.0",
    ),
    "put_elser/PutElserResponseExample1": ("put_elser/PutElserRequestExample1", "8.15.0"),
    "put_fireworksai/PutFireworksAiResponseExample1": (
        "put_fireworksai/PutFireworksAiRequestExample2",
        "9.1.0",
    ),
    "put_fireworksai/PutFireworksAiResponseExample2": (
        "put_fireworksai/PutFireworksAiRequestExample3",
        "9.1.0",
    ),
    **{
        f"put_jinaai/PutJinaAiResponseExample{n}": (
            f"put_jinaai/PutJinaAiRequestExample{n}",
            "9.1.0",
        )
        for n in range(1, 5)
    },
    **{
        f"put_nvidia/PutNvidiaResponseExample{n}": (
            f"put_nvidia/PutNvidiaRequestExample{n}",
            "9.1.0",
        )
        for n in range(1, 9)
    },
    **{
        f"put_openshift_ai/PutOpenShiftAiResponseExample{n}": (
            f"put_openshift_ai/PutOpenShiftAiRequestExample{n}",
            "9.1.0",
        )
        for n in range(1, 6)
    },
}


def split_request(method_request: str) -> tuple[str, str]:
    method, _, path = method_request.partition(" ")
    return method, "/" + path.lstrip("/")


def secret_paths(value: Any, prefix: str = "") -> list[str]:
    found = []
    if isinstance(value, dict):
        for key, child in value.items():
            if key in SECRET_KEYS:
                found.append(prefix + key)
            found += secret_paths(child, f"{prefix}{key}.")
    elif isinstance(value, list):
        for child in value:
            found += secret_paths(child, prefix)
    return found


def _prepare(client: httpx.Client, name: str) -> None:
    if name == "put_elasticsearch/PutElasticsearchRequestExample6":
        r = client.post(
            "/_ml/trained_models/.elser_model_2/deployment/_start",
            params={"number_of_allocations": 2, "threads_per_allocation": 1},
        )
        assert r.status_code == 200, r.text


def test_every_fixture_file_is_classified() -> None:
    assert len(PUT_REQUESTS) > 90
    assert set(PAIRS) == set(RESPONSES)


@pytest.mark.parametrize("name", sorted(PUT_REQUESTS))
def test_put_request_examples_are_accepted(
    client: httpx.Client, emulator: Emulator, name: str
) -> None:
    fixture = PUT_REQUESTS[name]
    method, path = split_request(fixture["method_request"])
    _prepare(client, name)
    r = client.request(method, path, json=fixture["body"])
    assert r.status_code == 200, r.text
    assert r.headers["x-elastic-product"] == "Elasticsearch"
    assert r.headers["content-type"] == "application/json"
    answer = r.json()
    inference_id = path.rstrip("/").split("/")[-1]
    assert answer["inference_id"] == inference_id
    assert answer["service"] == (
        "elasticsearch" if fixture["body"]["service"] == "elser" else fixture["body"]["service"]
    )
    assert secret_paths(answer) == []
    # the stored secrets are exactly the request's secret keys
    sent = {k for k in fixture["body"]["service_settings"] if k in SECRET_KEYS}
    assert set(emulator.stored_secrets(inference_id)) == sent
    # and GET agrees with PUT (modulo the live allocation count)
    got = client.get(f"/_inference/{inference_id}").json()["endpoints"][0]
    assert secret_paths(got) == []
    assert got.keys() == answer.keys()
    assert got["service_settings"].keys() >= answer["service_settings"].keys()


@pytest.mark.parametrize("response_name", sorted(PAIRS))
def test_answers_have_the_shape_of_response_examples(
    client: httpx.Client, emulator: Emulator, response_name: str
) -> None:
    request_name, version = PAIRS[response_name]
    emulator.set_version(version)
    request = REQUESTS[request_name]
    expected = RESPONSES[response_name]["body"]
    method, path = split_request(request["method_request"])
    _prepare(client, request_name)
    r = client.request(method, path, json=request["body"])
    assert r.status_code == 200, r.text
    answer = r.json()
    assert list(answer) == list(expected)
    assert set(answer["service_settings"]) == set(expected["service_settings"])
    assert answer["service"] == expected["service"]
    assert answer["task_type"] == expected["task_type"]
    if "chunking_settings" in expected:
        assert answer["chunking_settings"] == expected["chunking_settings"]
    if "task_settings" in expected:
        assert answer["task_settings"] == expected["task_settings"]


def test_use_existing_deployment_answer_matches_example(client: httpx.Client) -> None:
    _prepare(client, "put_elasticsearch/PutElasticsearchRequestExample6")
    fixture = REQUESTS["put_elasticsearch/PutElasticsearchRequestExample6"]
    method, path = split_request(fixture["method_request"])
    assert client.request(method, path, json=fixture["body"]).status_code == 200
    expected = RESPONSES["put_elasticsearch/PutElasticsearchResponseExample1"]["body"]
    time.sleep(0.1)  # the deployment (0.05 s here) reaches its two allocations
    got = client.get("/_inference/sparse_embedding/use_existing_deployment").json()
    assert got["endpoints"][0] == expected


def test_update_example_is_refused_like_elasticsearch(
    client: httpx.Client, emulator: Emulator
) -> None:
    """The official example sends `service`, which the update action refuses; nothing changes."""
    created = client.put(
        "/_inference/completion/my-inference-endpoint",
        json={"service": "openai", "service_settings": {"api_key": "old", "model_id": "gpt-4o"}},
    )
    assert created.status_code == 200
    fixture = REQUESTS["update/InferenceUpdateExample1"]
    method, path = split_request(fixture["method_request"])
    r = client.request(method, path, json=fixture["body"])
    assert r.status_code == 400, r.text
    assert r.json()["error"]["reason"] == (
        "Request contained fields which cannot be updated, remove these fields and try again "
        "[{service=example-service}]"
    )
    assert emulator.stored_secrets("my-inference-endpoint") == {"api_key": "old"}
    # without `service` and with the task type the one-segment path needs, the rotation works
    body = {k: v for k, v in fixture["body"].items() if k != "service"}
    r = client.request(method, path, json={**body, "task_type": "completion"})
    assert r.status_code == 200, r.text
    assert secret_paths(r.json()) == []
    assert emulator.stored_secrets("my-inference-endpoint") == {"api_key": "<API_KEY>"}


def test_get_and_delete_examples_after_creating_my_elser_model(client: httpx.Client) -> None:
    create = REQUESTS["put_elser/PutElserRequestExample1"]
    method, path = split_request(create["method_request"])
    assert client.request(method, path, json=create["body"]).status_code == 200

    method, path = split_request(REQUESTS["get/InferenceGetExample1"]["method_request"])
    r = client.request(method, path)
    assert r.status_code == 200
    assert [e["inference_id"] for e in r.json()["endpoints"]] == ["my-elser-model"]
    assert r.json()["endpoints"][0]["service"] == "elasticsearch"

    method, path = split_request(REQUESTS["delete/InferenceDeleteExample1"]["method_request"])
    r = client.request(method, path)
    assert r.status_code == 200
    assert r.json() == {"acknowledged": True, "pipelines": [], "indexes": []}
    assert client.get("/_inference/my-elser-model").status_code == 404
