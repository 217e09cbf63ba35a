"""The routes of the ``/_emulator`` control plane: each method and path it answers, and the
ones it does not (a wrong method or an extra segment is "no handler", as in Elasticsearch)."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from pulumi_inference.emulator import Emulator

ELSER: dict[str, Any] = {
    "service": "elasticsearch",
    "service_settings": {"model_id": ".elser_model_2", "num_threads": 1, "num_allocations": 1},
}


def test_summary_lists_what_the_cluster_holds(emulator: Emulator, client: httpx.Client) -> None:
    client.put("/_inference/sparse_embedding/e", json=ELSER).raise_for_status()
    client.put("/_emulator/latency", json={"seconds": 0.01}).raise_for_status()
    summary = client.get("/_emulator").json()
    assert summary["endpoints"] == ["e"]
    assert summary["deployments"] == ["e"]
    assert summary["latency"] == 0.01
    assert summary["settings"]["version"] == "9.1.0"
    assert {"pipelines", "indices", "faults"} <= set(summary)


def test_endpoint_view_and_its_secrets_names(emulator: Emulator, client: httpx.Client) -> None:
    openai = {"service": "openai", "service_settings": {"api_key": "sk-x", "model_id": "m"}}
    client.put("/_inference/completion/c", json=openai).raise_for_status()
    answer = client.get("/_emulator/endpoints/c").json()
    assert answer["endpoint"]["inference_id"] == "c"
    assert answer["secret_keys"] == ["api_key"]
    assert answer["deployment_id"] is None
    assert "sk-x" not in client.get("/_emulator/endpoints/c").text
    missing = client.get("/_emulator/endpoints/nope")
    assert missing.status_code == 404
    assert missing.json()["error"]["reason"] == "Inference endpoint not found [nope]"


def test_deployments_are_added_over_http(emulator: Emulator, client: httpx.Client) -> None:
    added = client.post("/_emulator/deployments", json={"model_id": "my-model"})
    assert added.status_code == 200
    assert added.json()["model_id"] == "my-model"
    assert client.get("/_emulator").json()["deployments"] == ["my-model"]
    refused = client.post("/_emulator/deployments", json={"deployment_id": "d"})
    assert refused.status_code == 400
    assert refused.json()["error"]["reason"] == 'body must hold at least {"model_id": "..."}'


def test_settings_and_version_read_and_write(emulator: Emulator, client: httpx.Client) -> None:
    assert client.post("/_emulator/version", json={"version": "8.18.0"}).json() == {
        "version": "8.18.0"
    }
    assert client.get("/_emulator/version").json() == {"version": "8.18.0"}
    assert client.get("/_emulator/settings").json()["version"] == "8.18.0"
    assert (
        client.post("/_emulator/settings", json={"linux_x86": False}).json()["linux_x86"] is False
    )
    assert client.put("/_emulator/version", json={"version": 9}).status_code == 400
    assert client.put("/_emulator/settings", json=["not", "an", "object"]).status_code == 400


def test_fault_ids_and_latency_are_checked(emulator: Emulator, client: httpx.Client) -> None:
    bad_id = client.delete("/_emulator/faults/abc")
    assert bad_id.status_code == 400
    assert bad_id.json()["error"]["reason"] == "fault id must be an integer, got [abc]"
    unknown = client.delete("/_emulator/faults/999")
    assert (unknown.status_code, unknown.json()) == (404, {"acknowledged": False})
    for seconds in (-1, True, "1"):
        assert client.put("/_emulator/latency", json={"seconds": seconds}).status_code == 400
    assert client.post("/_emulator/reset").json() == {"acknowledged": True}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/_emulator"),
        ("PUT", "/_emulator/faults"),
        ("GET", "/_emulator/faults/1"),
        ("DELETE", "/_emulator/faults/1/2"),
        ("GET", "/_emulator/latency"),
        ("POST", "/_emulator/requests"),
        ("GET", "/_emulator/reset"),
        ("DELETE", "/_emulator/settings"),
        ("GET", "/_emulator/endpoints/a/edit"),
        ("POST", "/_emulator/endpoints/a"),
        ("GET", "/_emulator/endpoints"),
        ("GET", "/_emulator/deployments"),
        ("GET", "/_emulator/deployments/a/ready"),
        ("PUT", "/_emulator/api_keys"),
        ("GET", "/_emulator/api_keys/old"),
        ("DELETE", "/_emulator/api_keys"),
        ("GET", "/_emulator/nothing"),
    ],
)
def test_other_methods_and_paths_have_no_handler(
    emulator: Emulator, client: httpx.Client, method: str, path: str
) -> None:
    answer = client.request(method, path)
    assert answer.status_code == 400
    assert answer.json() == {
        "error": f"no handler found for uri [{path}] and method [{method}]",
        "status": 400,
    }


def test_a_held_deployment_is_ready_when_released(emulator: Emulator, client: httpx.Client) -> None:
    client.post("/_emulator/faults", json={"action": "never_ready", "path": "held"})
    body = {
        "service": "elasticsearch",
        "service_settings": {
            "model_id": ".multilingual-e5-small",
            "num_allocations": 2,
            "num_threads": 1,
        },
    }
    assert client.put("/_inference/text_embedding/held", json=body).status_code == 200
    time.sleep(0.2)  # past the emulator's 0.05 s deployment time: the fault holds it
    stats = client.get("/_ml/trained_models/held/_stats").json()["trained_model_stats"][0]
    assert stats["deployment_stats"]["state"] == "starting"
    released = client.post("/_emulator/deployments/held/ready")
    assert released.status_code == 200
    assert released.json()["allocation_status"] == {
        "allocation_count": 2,
        "target_allocation_count": 2,
        "state": "fully_allocated",
    }
    stats = client.get("/_ml/trained_models/held/_stats").json()["trained_model_stats"][0]
    assert stats["deployment_stats"]["state"] == "started"
    assert emulator.finish_deployment("held")["state"] == "started"
    unknown = client.post("/_emulator/deployments/nope/ready")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["reason"] == "No known trained model with model_id [nope]"
