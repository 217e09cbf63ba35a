"""Fault injection, the request log and the control plane of the emulator."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pulumi_inference.emulator import Emulator, Fault

OPENAI: dict[str, Any] = {
    "service": "openai",
    "service_settings": {"api_key": "sk", "model_id": "gpt-4o"},
}


def test_status_fault_for_next_n_matching_requests(
    emulator: Emulator, client: httpx.Client
) -> None:
    emulator.faults.status(429, method="PUT", path=r"^/_inference/", count=2, retry_after=3)
    assert client.get("/").status_code == 200  # not matching
    for _ in range(2):
        r = client.put("/_inference/completion/a", json=OPENAI)
        assert r.status_code == 429
        assert r.headers["retry-after"] == "3"
        assert r.headers["x-elastic-product"] == "Elasticsearch"
        assert r.headers["content-type"] == "application/json"
        assert r.json()["error"]["type"] == "es_rejected_execution_exception"
        assert r.json()["status"] == 429
    assert client.put("/_inference/completion/a", json=OPENAI).status_code == 200
    assert [f["hits"] for f in emulator.faults.list()] == [2]


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_statuses(emulator: Emulator, client: httpx.Client, status: int) -> None:
    emulator.faults.add(action="status", status=status, method="GET", path="^/_inference")
    r = client.get("/_inference/_all")
    assert r.status_code == status
    assert r.json()["status"] == status
    assert client.get("/_inference/_all").status_code == 200


def test_connection_reset_opens_a_new_connection(emulator: Emulator, client: httpx.Client) -> None:
    client.get("/")
    emulator.faults.reset_connection(method="PUT")
    with pytest.raises(httpx.TransportError):
        client.put("/_inference/completion/a", json=OPENAI)
    assert client.get("/_inference/a").status_code == 404  # nothing was done
    log = emulator.requests()
    assert [(e["method"], e["status"], e["fault"]) for e in log] == [
        ("GET", 200, None),
        ("PUT", None, "reset"),
        ("GET", 404, None),
    ]
    assert log[0]["connection_id"] == log[1]["connection_id"]
    assert log[2]["connection_id"] != log[1]["connection_id"]


def test_applied_but_unanswered(emulator: Emulator, client: httpx.Client) -> None:
    emulator.faults.drop_response(method="PUT", path="/_inference/completion/a$")
    with pytest.raises(httpx.TransportError):
        client.put("/_inference/completion/a", json=OPENAI)
    assert client.get("/_inference/a").status_code == 200  # the create happened
    r = client.put("/_inference/completion/a", json=OPENAI)
    assert r.json()["error"]["type"] == "resource_already_exists_exception"


def test_latency(emulator: Emulator, client: httpx.Client) -> None:
    emulator.faults.latency(0.15, method="GET", path="^/$", count=1)
    client.get("/")
    client.get("/")
    first, second = emulator.requests()
    assert first["duration_ms"] >= 150
    assert first["fault"] == "latency"
    assert second["fault"] is None
    emulator.faults.global_latency = 0.1
    client.get("/_inference")
    assert emulator.requests()[-1]["duration_ms"] >= 100


def test_control_plane_faults_over_http(emulator: Emulator, client: httpx.Client) -> None:
    r = client.post(
        "/_emulator/faults",
        json={"action": "status", "status": 503, "method": "get", "path": "^/$", "count": 1},
    )
    assert r.status_code == 200
    fault = r.json()["faults"][0]
    assert fault["action"] == "status"
    assert fault["method"] == "GET"
    assert fault["status"] == 503
    assert client.get("/").status_code == 503
    assert client.get("/").status_code == 200
    r = client.post(
        "/_emulator/faults",
        json={
            "faults": [{"action": "reset", "count": None}, {"action": "latency", "seconds": 0.01}]
        },
    )
    assert len(r.json()["faults"]) == 2
    assert len(client.get("/_emulator/faults").json()["faults"]) == 3
    assert client.delete("/_emulator/faults").json() == {"acknowledged": True}
    assert client.get("/_emulator/faults").json() == {"faults": [], "latency": 0.0}
    bad = client.post("/_emulator/faults", json={"action": "explode"})
    assert bad.status_code == 400
    assert "unknown fault action" in bad.json()["error"]["reason"]
    fid = client.post("/_emulator/faults", json={"status": 502}).json()["faults"][0]["id"]
    assert client.delete(f"/_emulator/faults/{fid}").json() == {"acknowledged": True}
    assert client.put("/_emulator/latency", json={"seconds": 0.0}).status_code == 200


def test_request_log_over_http(emulator: Emulator, client: httpx.Client) -> None:
    client.get("/")
    client.put("/_inference/completion/a", json=OPENAI)
    client.get("/_emulator/faults")  # the control plane is not logged
    log = client.get("/_emulator/requests").json()["requests"]
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("GET", "/", 200),
        ("PUT", "/_inference/completion/a", 200),
    ]
    assert set(log[0]) == {
        "seq",
        "time",
        "method",
        "path",
        "query",
        "status",
        "duration_ms",
        "connection_id",
        "fault",
        "principal",
    }
    since = client.get("/_emulator/requests", params={"since": log[0]["seq"]}).json()["requests"]
    assert len(since) == 1
    client.delete("/_emulator/requests")
    assert client.get("/_emulator/requests").json() == {"requests": []}


def test_reset(emulator: Emulator, client: httpx.Client) -> None:
    client.put("/_inference/completion/a", json=OPENAI)
    client.put("/_emulator/settings", json={"version": "8.18.0"})
    emulator.faults.status(503, path="^/nothing")
    assert client.post("/_emulator/reset").json() == {"acknowledged": True}
    assert client.get("/_inference/a").status_code == 404
    assert emulator.faults.list() == []
    assert client.get("/").json()["version"]["number"] == "9.1.0"
    assert [e["path"] for e in emulator.requests()] == ["/_inference/a", "/"]  # log cleared


def test_settings_over_http(client: httpx.Client) -> None:
    r = client.put("/_emulator/settings", json={"version": "8.17.2", "deployment_seconds": 1})
    assert r.json()["version"] == "8.17.2"
    assert r.json()["deployment_seconds"] == 1.0
    assert client.get("/").json()["version"]["number"] == "8.17.2"
    assert client.put("/_emulator/settings", json={"nope": 1}).status_code == 400
    assert client.get("/_emulator/version").json() == {"version": "8.17.2"}


def test_edit_by_hand(emulator: Emulator, client: httpx.Client) -> None:
    client.put("/_inference/completion/a", json={**OPENAI, "task_settings": {"user": "me"}})
    r = client.post(
        "/_emulator/endpoints/a/edit",
        json={
            "service_settings": {"model_id": "gpt-3.5", "api_key": "by-hand"},
            "task_settings": {"user": None, "headers": {"x": "y"}},
        },
    )
    assert r.status_code == 200
    assert r.json()["service_settings"]["model_id"] == "gpt-3.5"
    assert "api_key" not in r.text
    got = client.get("/_inference/a").json()["endpoints"][0]
    assert got["service_settings"]["model_id"] == "gpt-3.5"
    assert got["task_settings"] == {"headers": {"x": "y"}}
    assert emulator.stored_secrets("a") == {"api_key": "by-hand"}
    state = client.get("/_emulator/endpoints/a").json()
    assert state["secret_keys"] == ["api_key"]
    assert client.post("/_emulator/endpoints/nope/edit", json={}).status_code == 404
    emulator.edit_endpoint("a", chunking_settings={"strategy": "none"})
    assert client.get("/_inference/a").json()["endpoints"][0]["chunking_settings"] == {
        "strategy": "none"
    }


def test_fault_objects_from_python(emulator: Emulator, client: httpx.Client) -> None:
    fault = emulator.faults.add(Fault(action="status", status=502, path="^/$", count=None))
    assert client.get("/").status_code == 502
    assert client.get("/").status_code == 502
    assert emulator.faults.remove(fault.id)
    assert client.get("/").status_code == 200
    with pytest.raises(ValueError, match="unknown fault fields"):
        emulator.faults.add({"action": "status", "colour": "red"})


def test_stop_closes_kept_alive_connections() -> None:
    emu = Emulator().start()
    url = emu.url
    with httpx.Client(base_url=url, timeout=2) as c:
        assert c.get("/").status_code == 200
        emu.stop()
        assert not emu.running
        with pytest.raises(httpx.TransportError):
            c.get("/")
