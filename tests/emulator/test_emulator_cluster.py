"""Deployments, authentication, TLS and the ``pulumi-inference emulator`` command."""

from __future__ import annotations

import base64
import os
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_inference.emulator import ApiKey, Emulator, EmulatorConfig, User

ELSER_FIXED: dict[str, Any] = {
    "service": "elasticsearch",
    "service_settings": {"model_id": ".elser_model_2", "num_threads": 1, "num_allocations": 2},
}
OPENAI: dict[str, Any] = {
    "service": "openai",
    "service_settings": {"api_key": "sk", "model_id": "gpt-4o"},
}


def adaptive(low: int, high: int = 4) -> dict[str, Any]:
    return {
        "service": "elasticsearch",
        "service_settings": {
            "model_id": ".elser_model_2",
            "num_threads": 1,
            "adaptive_allocations": {
                "enabled": True,
                "min_number_of_allocations": low,
                "max_number_of_allocations": high,
            },
        },
    }


def deployment_stats(client: httpx.Client, ident: str) -> dict[str, Any]:
    r = client.get(f"/_ml/trained_models/{ident}/_stats")
    assert r.status_code == 200, r.text
    stats: dict[str, Any] = r.json()["trained_model_stats"][0]["deployment_stats"]
    return stats


def wait_ready(client: httpx.Client, ident: str, timeout: float = 5) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        stats = deployment_stats(client, ident)
        status = stats["allocation_status"]
        if (
            stats["state"] == "started"
            and status["state"] == "fully_allocated"
            and status["allocation_count"] == status["target_allocation_count"]
        ):
            return stats
        assert time.monotonic() < deadline, stats
        time.sleep(0.02)


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(deployment_seconds=0.3)


# ----------------------------------------------------------------------------- deployments


def test_deployment_progresses_to_fully_allocated(client: httpx.Client) -> None:
    assert client.put("/_inference/sparse_embedding/e", json=ELSER_FIXED).status_code == 200
    first = client.get("/_ml/trained_models/e/_stats").json()
    assert first["count"] == 1
    item = first["trained_model_stats"][0]
    assert item["model_id"] == ".elser_model_2"
    stats = item["deployment_stats"]
    assert stats["deployment_id"] == "e"
    assert stats["model_id"] == ".elser_model_2"
    assert stats["state"] == "starting"
    assert stats["allocation_status"] == {
        "allocation_count": 0,
        "target_allocation_count": 2,
        "state": "starting",
    }
    ready = wait_ready(client, "e")
    assert ready["allocation_status"]["allocation_count"] == 2
    # the model id finds it too
    assert client.get("/_ml/trained_models/.elser_model_2/_stats").json()["count"] == 1
    assert (
        client.get("/_inference/e").json()["endpoints"][0]["service_settings"]["num_allocations"]
        == 2
    )


def test_adaptive_with_minimum_zero_rests_at_zero(client: httpx.Client) -> None:
    client.put("/_inference/sparse_embedding/a", json=adaptive(0))
    stats = wait_ready(client, "a")
    assert stats["allocation_status"] == {
        "allocation_count": 0,
        "target_allocation_count": 0,
        "state": "fully_allocated",
    }
    assert (
        client.get("/_inference/a").json()["endpoints"][0]["service_settings"]["num_allocations"]
        == 0
    )


def test_stats_404_and_delete_removes_deployment(client: httpx.Client) -> None:
    r = client.get("/_ml/trained_models/nope/_stats")
    assert r.status_code == 404
    assert r.json()["error"]["type"] == "resource_not_found_exception"
    client.put("/_inference/sparse_embedding/e", json=ELSER_FIXED)
    assert client.delete("/_inference/e").status_code == 200
    assert client.get("/_ml/trained_models/e/_stats").status_code == 404


def test_attach_to_existing_deployment(client: httpx.Client, emulator: Emulator) -> None:
    body = {"service": "elasticsearch", "service_settings": {"deployment_id": "shared"}}
    r = client.put("/_inference/sparse_embedding/x", json=body)
    assert r.status_code == 404
    assert r.json()["error"]["reason"] == "Cannot find deployment [shared]"
    emulator.add_deployment(".elser_model_2", deployment_id="shared", num_allocations=2)
    mismatch = {
        "service": "elasticsearch",
        "service_settings": {"deployment_id": "shared", "model_id": "other"},
    }
    r = client.put("/_inference/sparse_embedding/x", json=mismatch)
    assert r.status_code == 400
    assert r.json()["error"]["reason"] == (
        "Deployment [shared] uses model [.elser_model_2] which does not match the model [other] "
        "in the request."
    )
    r = client.put("/_inference/sparse_embedding/x", json=body)
    assert r.status_code == 200
    assert set(r.json()["service_settings"]) == {
        "num_allocations",
        "num_threads",
        "model_id",
        "deployment_id",
    }
    r = client.put(
        "/_inference/sparse_embedding/x/_update", json={"service_settings": {"num_allocations": 3}}
    )
    assert r.status_code == 409
    assert r.json()["error"]["reason"].startswith(
        "Cannot update inference endpoint [x] using model deployment [shared]"
    )
    client.delete("/_inference/x")
    assert client.get("/_ml/trained_models/shared/_stats").status_code == 200  # left running


def test_deployment_timeout_fault_still_stores(client: httpx.Client, emulator: Emulator) -> None:
    emulator.faults.deployment_timeout()
    r = client.put("/_inference/sparse_embedding/slow", json=ELSER_FIXED)
    assert r.status_code == 408
    assert r.json()["error"]["reason"] == (
        "Timed out after [30s] waiting for model deployment to start. Use the trained model "
        "stats API to track the state of the deployment."
    )
    assert r.headers["x-elastic-product"] == "Elasticsearch"
    assert client.get("/_inference/slow").status_code == 200
    wait_ready(client, "slow")


def test_never_ready_and_waiting_put(client: httpx.Client, emulator: Emulator) -> None:
    emulator.faults.never_ready(path="/stuck$")
    r = client.put("/_inference/sparse_embedding/stuck", json=ELSER_FIXED)
    assert r.status_code == 200  # by default PUT answers without waiting
    time.sleep(0.4)
    stats = deployment_stats(client, "stuck")
    assert stats["state"] == "starting"
    assert stats["allocation_status"]["state"] == "starting"

    client.put("/_emulator/settings", json={"put_waits_for_deployment": True})
    r = client.put(
        "/_inference/sparse_embedding/stuck2", params={"timeout": "5s"}, json=ELSER_FIXED
    )
    assert r.status_code == 200  # waited until started
    assert deployment_stats(client, "stuck2")["state"] == "started"
    emulator.faults.never_ready(path="/stuck3$")
    r = client.put(
        "/_inference/sparse_embedding/stuck3", params={"timeout": "150ms"}, json=ELSER_FIXED
    )
    assert r.status_code == 408
    assert r.json()["error"]["reason"].startswith("Timed out after [150ms] waiting")
    r = client.put(
        "/_inference/sparse_embedding/stuck", params={"timeout": "150ms"}, json=ELSER_FIXED
    )
    assert r.json()["error"]["type"] == "resource_already_exists_exception"


def test_ml_start_and_stop(client: httpx.Client) -> None:
    r = client.post(
        "/_ml/trained_models/.multilingual-e5-small/deployment/_start",
        params={"deployment_id": "e5", "number_of_allocations": 1},
    )
    assert r.status_code == 200
    assert r.json()["assignment"]["task_parameters"]["deployment_id"] == "e5"
    again = client.post(
        "/_ml/trained_models/.multilingual-e5-small/deployment/_start",
        params={"deployment_id": "e5"},
    )
    assert again.status_code == 409
    assert client.post("/_ml/trained_models/e5/deployment/_stop").json() == {"stopped": True}
    assert client.get("/_ml/trained_models/e5/_stats").status_code == 404


def test_serverless_omits_state(emulator: Emulator, client: httpx.Client) -> None:
    client.put("/_emulator/settings", json={"build_flavor": "serverless"})
    assert client.get("/").json()["version"]["build_flavor"] == "serverless"
    client.put("/_inference/sparse_embedding/e", json=ELSER_FIXED)
    stats = deployment_stats(client, "e")
    assert "state" not in stats
    assert "allocation_status" not in stats


# ----------------------------------------------------------------------------- auth


@pytest.fixture
def secured() -> Iterator[Emulator]:
    config = EmulatorConfig(
        api_keys=[
            base64.b64encode(b"key-id:key-secret").decode(),
            ApiKey("ro:ro-secret", name="reader-key", privileges=("monitor_inference",)),
        ],
        users=[
            "elastic:changeme",
            User("viewer", "pw", ("monitor_inference",), ("inference_viewer",)),
        ],
        bearer_tokens=["tok"],
    )
    with Emulator(config) as emu:
        yield emu


def test_missing_credentials(secured: Emulator) -> None:
    r = httpx.get(f"{secured.url}/_inference/_all")
    assert r.status_code == 401
    assert r.headers["x-elastic-product"] == "Elasticsearch"
    assert r.headers.get_list("www-authenticate") == [
        'Basic realm="security", charset="UTF-8"',
        'Bearer realm="security"',
        "ApiKey",
    ]
    error = r.json()["error"]
    assert error["type"] == "security_exception"
    assert (
        error["reason"] == "missing authentication credentials for REST request [/_inference/_all]"
    )
    # the control plane is open
    assert httpx.get(f"{secured.url}/_emulator/requests").status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        "ApiKey " + base64.b64encode(b"key-id:key-secret").decode(),
        "ApiKey key-id:key-secret",
        "ApiKey " + base64.b64encode(b"ro:ro-secret").decode(),
        "Bearer tok",
        "Basic " + base64.b64encode(b"elastic:changeme").decode(),
        "Basic " + base64.b64encode(b"viewer:pw").decode(),
    ],
)
def test_accepted_credentials_can_read(secured: Emulator, header: str) -> None:
    r = httpx.get(f"{secured.url}/_inference/_all", headers={"Authorization": header})
    assert r.status_code == 200, r.text


def test_wrong_credentials(secured: Emulator) -> None:
    basic = "Basic " + base64.b64encode(b"elastic:wrong").decode()
    r = httpx.get(f"{secured.url}/", headers={"Authorization": basic})
    assert r.status_code == 401
    assert (
        r.json()["error"]["reason"] == "unable to authenticate user [elastic] for REST request [/]"
    )
    assert "ApiKey" in r.headers.get_list("www-authenticate")
    r = httpx.get(f"{secured.url}/", headers={"Authorization": "ApiKey bm9wZTpub3Bl"})
    assert r.status_code == 401
    assert r.json()["error"]["type"] == "security_exception"


def test_monitor_only_cannot_write(secured: Emulator) -> None:
    viewer = {"Authorization": "Basic " + base64.b64encode(b"viewer:pw").decode()}
    with httpx.Client(base_url=secured.url, headers=viewer) as c:
        r = c.put("/_inference/completion/x", json=OPENAI)
        assert r.status_code == 403
        assert r.json()["error"]["type"] == "security_exception"
        assert r.json()["error"]["reason"] == (
            "action [cluster:admin/xpack/inference/put] is unauthorized for user [viewer] with "
            "effective roles [inference_viewer], this action is granted by the cluster privileges "
            "[manage_inference,manage,all]"
        )
        assert (
            c.delete("/_inference/x")
            .json()["error"]["reason"]
            .startswith(
                "action [cluster:admin/xpack/inference/delete] is unauthorized for user [viewer]"
            )
        )
        assert (
            c.put("/_inference/x/_update", json={})
            .json()["error"]["reason"]
            .startswith("action [cluster:admin/xpack/inference/update] is unauthorized")
        )
        assert c.get("/_inference").status_code == 200
        # GET / is cluster:monitor/main: `monitor`, not monitor_inference
        root = c.get("/")
        assert root.status_code == 403
        assert root.json()["error"]["reason"].startswith(
            "action [cluster:monitor/main] is unauthorized for user [viewer]"
        )
    key = {"Authorization": "ApiKey " + base64.b64encode(b"ro:ro-secret").decode()}
    r = httpx.put(f"{secured.url}/_inference/completion/x", json=OPENAI, headers=key)
    assert r.status_code == 403
    assert (
        "user [reader-key] with effective roles [monitor_inference]" in r.json()["error"]["reason"]
    )
    admin = {"Authorization": "Basic " + base64.b64encode(b"elastic:changeme").decode()}
    assert (
        httpx.put(f"{secured.url}/_inference/completion/x", json=OPENAI, headers=admin).status_code
        == 200
    )
    assert secured.requests()[-1]["principal"] == "elastic"


# ----------------------------------------------------------------------------- TLS


def test_tls_with_trustme(tmp_path: Path) -> None:
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.private_key_and_cert_chain_pem.write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    context = ssl.create_default_context()
    ca.configure_trust(context)
    with Emulator(EmulatorConfig(tls_cert=cert_file, tls_key=key_file)) as emu:
        assert emu.url.startswith("https://127.0.0.1:")
        with httpx.Client(base_url=emu.url, verify=context) as c:
            r = c.get("/")
            assert r.status_code == 200
            assert r.headers["x-elastic-product"] == "Elasticsearch"
            assert c.put("/_inference/completion/x", json=OPENAI).status_code == 200
            assert c.get("/_inference/x").status_code == 200
        with pytest.raises(httpx.ConnectError):
            httpx.get(emu.url)  # not trusted by default
        with pytest.raises(httpx.TransportError):
            httpx.get(emu.url.replace("https", "http"), timeout=2)


# ----------------------------------------------------------------------------- CLI


def test_cli_starts_on_a_free_port_and_stops_on_sigterm() -> None:
    script = Path(sys.executable).parent / "pulumi-inference"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "pulumi_inference.cli"]
    proc = subprocess.Popen(
        [
            *command,
            "emulator",
            "--port",
            "0",
            "--version",
            "8.18.1",
            "--api-key",
            "k1:s1",
            "--user",
            "viewer:pw:monitor_inference",
            "--deployment-seconds",
            "0.1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("listening on http://127.0.0.1:"), line
        url = line.removeprefix("listening on ")
        key = {"Authorization": "ApiKey " + base64.b64encode(b"k1:s1").decode()}
        r = httpx.get(url + "/", headers=key)
        assert r.json()["version"]["number"] == "8.18.1"
        assert httpx.get(url + "/").status_code == 401
        viewer = {"Authorization": "Basic " + base64.b64encode(b"viewer:pw").decode()}
        assert (
            httpx.put(url + "/_inference/completion/x", json=OPENAI, headers=viewer).status_code
            == 403
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_cli_parser_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from pulumi_inference.emulator import COMMAND

    parser = argparse.ArgumentParser()
    COMMAND.add_arguments(parser)
    args = parser.parse_args([])
    assert (args.host, args.port, args.version) == ("127.0.0.1", 9200, "9.1.0")
    assert args.api_key == []
    assert args.user == []
    from pulumi_inference.cli import main

    with pytest.raises(SystemExit):
        main([])
    assert "COMMAND" in capsys.readouterr().err


def test_keyword_construction_and_lifecycle() -> None:
    emu = Emulator(version="8.18.0", port=0)
    assert not emu.running
    with pytest.raises(RuntimeError):
        _ = emu.url
    emu.start()
    try:
        assert emu.url.startswith("http://127.0.0.1:")
        assert emu.port > 0
        assert httpx.get(emu.url).json()["version"]["number"] == "8.18.0"
    finally:
        emu.stop()
    emu.stop()  # idempotent
