"""``InferenceEndpoint.get`` through the real engine, once per door: an endpoint the stack does
not manage read into the program by its id, qualified by the state given; ``destroy`` leaves
it alone."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

import pulumi_inference as inference
import pulumi_inference.native as native_es
from devtools.engine import Engine
from devtools.engine_programs import Cluster, Door, keyed_config, secret_value, unique
from pulumi_inference.emulator import EmulatorConfig

pytestmark = [pytest.mark.engine, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return keyed_config(deployment_seconds=0.1)


def _made_by_hand(cluster: Cluster) -> str:
    inference_id = unique("by-hand")
    body = {
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small", "api_key": secret_value("o")},
        "task_settings": {"user": "search"},
    }
    cluster.put(f"/_inference/text_embedding/{inference_id}", body).raise_for_status()
    return inference_id


def _reading(door: Door, cluster: Cluster, inference_id: str, **state: Any) -> Any:
    def program() -> None:
        if door.native:
            provider = native_es.Provider("cluster", cluster.connection())
            opts = pulumi.ResourceOptions(provider=provider)
            found: Any = native_es.InferenceEndpoint.get("found", inference_id, opts, **state)
        else:
            found = inference.InferenceEndpoint.get(
                "found", inference_id, connection=cluster.connection(), **state
            )
        pulumi.export("service", found.service)
        pulumi.export("task_settings", found.effective_task_settings)
        pulumi.export("force_delete", found.force_delete)

    return program


def test_get_reads_an_endpoint_the_stack_does_not_manage(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    """REQ-READ-7: read by id with a task type, a boolean not given reads its default, and
    destroy leaves the endpoint on the cluster."""
    inference_id = _made_by_hand(cluster)
    program = _reading(door, cluster, inference_id, task_type="text_embedding")
    stack = engine.stack("get", program)
    outputs = stack.up(color="never").outputs
    assert outputs["service"].value == "openai"
    assert outputs["task_settings"].value == {"user": "search"}
    assert outputs["force_delete"].value is False
    stack.destroy(color="never")
    assert cluster.endpoint(inference_id) is not None


def test_get_with_a_task_type_the_endpoint_does_not_have_fails_naming_it(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    """REQ-READ-7: a state the endpoint contradicts fails the read, naming the key."""
    inference_id = _made_by_hand(cluster)
    stack = engine.stack("wrong", _reading(door, cluster, inference_id, task_type="rerank"))
    with pytest.raises(auto.errors.CommandError) as failed:
        stack.up(color="never")
    assert "has task_type 'text_embedding', not 'rerank'" in str(failed.value)
