"""The credentials being applied are the ones checked and used (issue 30, defects 2 and 6).

A key rotation is routine: a new API key is made, the stack's configuration gets it, the old
key is revoked. Through both doors, and however the connection is given, the preview checks
the key being applied, `pulumi up` stores it only once the cluster took it, and refresh,
preview and destroy work with it afterwards.

The module's emulator (tests/conftest.py) accepts two API keys, the engine tests' and a
second one; a test revokes one to play the rotation out.
"""

from __future__ import annotations

import base64
import uuid

import pytest
from pulumi import automation as auto

from devtools.engine import Engine
from devtools.engine_programs import (
    API_KEY,
    CLUSTER_API_KEYS,
    Cluster,
    Door,
    changes,
    openai_embeddings,
    preview_changes,
    secret_value,
    unique,
    up_changes,
)
from pulumi_inference.emulator import ApiKey, EmulatorConfig

pytestmark = [pytest.mark.engine, pytest.mark.timeout(240)]

ROTATED_ID = "engine-tests-rotated"
ROTATED_RAW = f"{ROTATED_ID}:rotated-key-{uuid.uuid4().hex}"
ROTATED = base64.b64encode(ROTATED_RAW.encode()).decode()


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(
        api_keys=(*CLUSTER_API_KEYS, ApiKey(ROTATED_RAW, name=ROTATED_ID)),
        deployment_seconds=0.1,
    )


def endpoint_ops(events: list[auto.EngineEvent]) -> dict[str, str]:
    """Per endpoint resource name, the engine's step for it."""
    ops = {}
    for event in events:
        pre = event.resource_pre_event
        if pre is not None and pre.metadata.type.endswith(":InferenceEndpoint"):
            ops[pre.metadata.urn.rsplit("::", 1)[1]] = pre.metadata.op.value
    return ops


def test_a_key_rotated_in_stack_config_previews_applies_and_serves_every_command(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    """Defect 6: the native stack's provider configuration can change (Pulumi's Python
    provider server crashed on the answer of `diff_config`, 'PropertyDiff' object has no
    attribute 'inputDiff'); the dynamic door the same way. No endpoint changes."""
    inference_id = unique("rotate-config")
    declarations = {"emb": openai_embeddings(inference_id, secret_value("openai"))}
    stack = engine.stack(
        "rotate-config",
        door.program(declarations),  # the cluster comes from stack config
        config={door.config_key("url"): cluster.url},
        secret_config={door.config_key("api_key"): API_KEY},
    )
    assert up_changes(stack) == {"create": door.around(1, explicit_cluster=False)}

    stack.set_config(door.config_key("api_key"), auto.ConfigValue(value=ROTATED, secret=True))
    events: list[auto.EngineEvent] = []
    stack.preview(color="never", on_event=events.append)
    assert endpoint_ops(events) == {"emb": "same"}
    cluster.clear()
    events.clear()
    stack.up(color="never", on_event=events.append)
    assert endpoint_ops(events) == {"emb": "same"}
    assert cluster.inference_requests() == []  # nothing sent to the endpoint

    cluster.emulator.revoke_api_key(API_KEY)  # the old key is gone: the new one serves all
    cluster.clear()
    assert preview_changes(stack) == {}
    refreshed = stack.refresh(color="never")
    assert changes(refreshed.summary.resource_changes) == {}
    assert {entry["principal"] for entry in cluster.requests()} == {ROTATED_ID}
    stack.destroy(color="never")
    assert cluster.emulator.endpoint(inference_id) is None
