"""``?timeout`` (issue 23): sent from ``deployment_timeout`` where the version takes it, and
the emulator accepting and refusing it as Elasticsearch does (REQ-CHECK-6)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pulumi_inference import operations
from pulumi_inference.client import InferenceClient, RetryPolicy
from pulumi_inference.connection import ClusterConnection
from pulumi_inference.emulator import Emulator, EmulatorConfig
from pulumi_inference.operations import DesiredEndpoint, Observed

FAST = RetryPolicy(deadline=3.0, base_delay=0.01, max_delay=0.05)


def _e5(emulator: Emulator, **extra: Any) -> dict[str, Any]:
    return {
        "inference_id": "e5",
        "task_type": "text_embedding",
        "service": "elasticsearch",
        "service_settings": {
            "model_id": ".multilingual-e5-small",
            "num_allocations": 1,
            "num_threads": 1,
        },
        "deployment_timeout": "10m",
        "connection": {"url": emulator.url},
        **extra,
    }


def _queries(emulator: Emulator, method: str) -> list[str]:
    return [
        entry["query"]
        for entry in emulator.requests()
        if entry["method"] == method and entry["path"].startswith("/_inference/")
    ]


@pytest.mark.parametrize(
    ("version", "sent"),
    [("8.18.1", False), ("8.19.0", True), ("9.0.2", False), ("9.1.0", True), ("9.5.0", True)],
)
def test_a_create_that_waits_for_a_deployment_sends_its_timeout(version: str, sent: bool) -> None:
    """REQ-CHECK-6: deployment_timeout as ?timeout, from 8.19 on 8.x and 9.1 on 9.x."""
    with Emulator(EmulatorConfig(version=version, deployment_seconds=0.1)) as emulator:
        props = _e5(emulator)
        client = InferenceClient(ClusterConnection(url=emulator.url), policy=FAST)
        operations.create(client, DesiredEndpoint.from_props(props), props)
        assert _queries(emulator, "PUT") == (["timeout=600s"] if sent else [""])


def test_an_endpoint_that_does_not_wait_keeps_the_cluster_default() -> None:
    with Emulator(EmulatorConfig(version="9.5.0", deployment_seconds=0.1)) as emulator:
        props = _e5(emulator, wait_for_deployment=False)
        client = InferenceClient(ClusterConnection(url=emulator.url), policy=FAST)
        operations.create(client, DesiredEndpoint.from_props(props), props)
        openai = {
            "inference_id": "emb",
            "task_type": "text_embedding",
            "service": "openai",
            "service_settings": {"model_id": "text-embedding-3-small", "api_key": "sk-test"},
        }
        operations.create(client, DesiredEndpoint.from_props(openai), openai)
        assert _queries(emulator, "PUT") == ["", ""]


@pytest.mark.parametrize(("version", "sent"), [("9.4.0", False), ("9.5.0", True)])
def test_a_rescale_sends_its_timeout_on_9_5(version: str, sent: bool) -> None:
    with Emulator(EmulatorConfig(version=version, deployment_seconds=0.1)) as emulator:
        props = _e5(emulator)
        client = InferenceClient(ClusterConnection(url=emulator.url), policy=FAST)
        old = DesiredEndpoint.from_props(props)
        recorded = operations.create(client, old, props)
        emulator.clear_requests()
        new_props = {**props, "service_settings": {**props["service_settings"]}}
        new_props["service_settings"]["num_allocations"] = 2
        new = DesiredEndpoint.from_props(new_props)
        assert isinstance(recorded, Observed)
        operations.update(lambda: client, old, new, recorded)
        assert _queries(emulator, "PUT") == (["timeout=600s"] if sent else [""])


@pytest.mark.parametrize(
    ("version", "path", "refused"),
    [
        ("8.18.0", "/_inference/text_embedding/x", True),
        ("9.0.0", "/_inference/text_embedding/x", True),
        ("9.1.0", "/_inference/text_embedding/x", False),
        ("9.4.0", "/_inference/text_embedding/x/_update", True),
        ("9.5.0", "/_inference/text_embedding/x/_update", False),
    ],
)
def test_the_emulator_refuses_a_timeout_its_version_does_not_know(
    version: str, path: str, refused: bool
) -> None:
    body = {"service": "openai", "service_settings": {"model_id": "m", "api_key": "sk"}}
    with Emulator(EmulatorConfig(version=version)) as emulator, httpx.Client() as http:
        if path.endswith("/_update"):
            http.put(f"{emulator.url}/_inference/text_embedding/x", json=body)
            body = {"service_settings": {"api_key": "sk-2"}}
        answer = http.put(f"{emulator.url}{path}?timeout=30s", json=body)
        if refused:
            assert answer.status_code == 400
            assert answer.json()["error"]["reason"] == (
                f"request [{path}] contains unrecognized parameter: [timeout]"
            )
            assert emulator.endpoint("x") is None or path.endswith("/_update")
        else:
            assert answer.status_code == 200, answer.text
        bad = http.put(f"{emulator.url}{path}?timeout=soon", json=body)
        assert bad.status_code == 400
        if not refused:
            assert "failed to parse setting [timeout] with value [soon]" in bad.text


def test_a_cluster_of_unknown_version_that_refuses_the_timeout_gets_the_create_without_it() -> None:
    """GET / refused (no `monitor`): the version is taken as current, the timeout sent, the
    8.18 cluster refuses it, and the create is sent again without it."""
    with Emulator(EmulatorConfig(version="8.18.0", deployment_seconds=0.1)) as emulator:
        emulator.faults.status(403, method="GET", path="^/$", count=None)
        props = _e5(emulator)
        client = InferenceClient(ClusterConnection(url=emulator.url), policy=FAST)
        operations.create(client, DesiredEndpoint.from_props(props), props)
        assert _queries(emulator, "PUT") == ["timeout=600s", ""]
        assert emulator.endpoint("e5") is not None
