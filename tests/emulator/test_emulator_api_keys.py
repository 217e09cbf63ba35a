"""Rotating an API key on the emulator from its control plane (``/_emulator/api_keys``): what
docs/operations.md's rotation runbook does on a real cluster (make the new key, revoke the
old), reachable from ``pulumi-inference emulator``'s command line, not only from Python."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest

from pulumi_inference.emulator import Emulator, EmulatorConfig

OLD, NEW = "old:old-secret-01", "new:new-secret-02"
CONFIG = EmulatorConfig(api_keys=(OLD,))


def _key(raw: str) -> dict[str, str]:
    return {"Authorization": "ApiKey " + base64.b64encode(raw.encode()).decode()}


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with Emulator(CONFIG) as emulator, httpx.Client(base_url=emulator.url) as client:
        yield client


def test_a_rotation_adds_the_new_key_then_revokes_the_old(http: httpx.Client) -> None:
    """The runbook's order: the new key works beside the old, then the old is refused (401)
    and the new one serves; the list never shows a key's secret part."""
    added = http.post(
        "/_emulator/api_keys",
        json={"api_key": NEW, "privileges": ["manage_inference", "monitor"], "name": "rotated"},
    )
    assert added.json() == {
        "api_key": {"id": "new", "name": "rotated", "privileges": ["manage_inference", "monitor"]}
    }
    for raw in (OLD, NEW):
        assert http.get("/_inference/_all", headers=_key(raw)).status_code == 200
    listed = http.get("/_emulator/api_keys")
    assert [key["id"] for key in listed.json()["api_keys"]] == ["old", "new"]
    assert "secret" not in listed.text

    revoked = http.delete("/_emulator/api_keys/old")
    assert (revoked.status_code, revoked.json()) == (200, {"acknowledged": True})
    refused = http.get("/", headers=_key(OLD))
    assert refused.status_code == 401
    assert refused.json()["error"]["type"] == "security_exception"
    assert http.get("/", headers=_key(NEW)).status_code == 200
    again = http.delete("/_emulator/api_keys/old")
    assert (again.status_code, again.json()) == (404, {"acknowledged": False})


def test_an_added_key_holds_the_privileges_it_was_given(http: httpx.Client) -> None:
    body = {"api_key": base64.b64encode(NEW.encode()).decode(), "privileges": ["monitor"]}
    assert http.post("/_emulator/api_keys", json=body).status_code == 200
    assert http.get("/", headers=_key(NEW)).status_code == 200
    openai = {"service": "openai", "service_settings": {"api_key": "sk-x", "model_id": "m"}}
    put = http.put("/_inference/completion/c", json=openai, headers=_key(NEW))
    assert put.status_code == 403  # monitor does not manage inference


def test_reset_accepts_the_started_keys_again_and_forgets_added_ones(http: httpx.Client) -> None:
    http.post("/_emulator/api_keys", json={"api_key": NEW}).raise_for_status()
    http.delete(f"/_emulator/api_keys/{OLD}").raise_for_status()  # by id:key too
    assert http.get("/", headers=_key(OLD)).status_code == 401
    http.post("/_emulator/reset").raise_for_status()
    assert http.get("/", headers=_key(OLD)).status_code == 200
    assert http.get("/", headers=_key(NEW)).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"api_key": 5},
        {"api_key": NEW, "privileges": "all"},
        {"api_key": NEW, "privileges": [1]},
        {"api_key": NEW, "name": 3},
        ["not", "an", "object"],
    ],
)
def test_a_bad_body_is_refused_saying_the_shape(http: httpx.Client, body: object) -> None:
    answer = http.post("/_emulator/api_keys", json=body)
    assert answer.status_code == 400
    assert answer.json()["error"]["reason"].startswith('body must be {"api_key": ')
    assert [key["id"] for key in http.get("/_emulator/api_keys").json()["api_keys"]] == ["old"]


def test_an_open_emulator_refuses_a_key_rather_than_locking_every_caller_out() -> None:
    with Emulator(EmulatorConfig()) as emulator, httpx.Client(base_url=emulator.url) as http:
        answer = http.post("/_emulator/api_keys", json={"api_key": NEW})
        assert answer.status_code == 400
        assert "start it with --api-key to rotate keys" in answer.json()["error"]["reason"]
        assert http.get("/", headers=_key("any:thing")).status_code == 200
        with pytest.raises(ValueError, match="the emulator is open"):
            emulator.add_api_key(NEW)


def test_the_python_api_rotates_as_the_routes_do() -> None:
    """``es_control`` (the pytest plugin's emulator) and ``Emulator`` have the same two steps."""
    with Emulator(CONFIG) as emulator, httpx.Client(base_url=emulator.url) as http:
        emulator.add_api_key(NEW, privileges=("monitor_inference",))
        emulator.revoke_api_key("old")
        assert http.get("/_inference/_all", headers=_key(NEW)).status_code == 200
        assert http.get("/_inference/_all", headers=_key(OLD)).status_code == 401
