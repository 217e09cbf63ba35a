"""``adopt_secrets_digest`` (REQ-CREATE-7) through the real engine and both doors: an
endpoint Terraform made is adopted without a single write when the digest vouches for the
secrets it holds (no ``_update``, so no chunking reset on 8.17-9.3), a preview afterwards
shows no change, and a key rotated afterwards is sent with one ``_update``."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from devtools.engine import Engine, stored_state_text
from devtools.engine_programs import (
    Cluster,
    Door,
    changes,
    keyed_config,
    secret_value,
    unique,
)
from pulumi_inference.emulator import EmulatorConfig
from pulumi_inference.operations._secrets_digest import secrets_digest

pytestmark = [pytest.mark.engine, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    # Its _update resets chunking (elastic/elasticsearch#139574): adopting must not send one.
    return keyed_config(version="9.1.0")


def _writes(cluster: Cluster) -> list[tuple[str, str]]:
    return [(m, p) for m, p in cluster.inference_requests() if m != "GET"]


def test_a_vouched_adoption_writes_nothing_and_a_later_rotation_is_sent(
    door: Door, engine: Engine, cluster: Cluster
) -> None:
    inference_id = unique("tf-openai")
    key = secret_value("terraform-sent")
    made = {
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small", "api_key": key},
        "chunking_settings": {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1},
    }
    assert cluster.put(f"/_inference/text_embedding/{inference_id}", made).status_code == 200
    declared: dict[str, Any] = {
        "inference_id": inference_id,
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small", "api_key": key},
        "adopt_secrets_digest": secrets_digest(inference_id, {"api_key": key}),
    }
    if door.native:
        declared["opts"] = pulumi.ResourceOptions(import_=inference_id)
    else:
        declared["adopt_existing"] = True
    declarations = {"embeddings": declared}
    stack = engine.stack(unique("adopt"), door.program(declarations, cluster.connection))

    cluster.clear()
    result = stack.up(color="never")
    adopted = {"import": 1} if door.native else {"create": 1}
    assert changes(result.summary.resource_changes) == {
        **adopted,
        "create": door.around(0) + adopted.get("create", 0),
    }
    assert _writes(cluster) == []  # no _update, no PUT: the cluster is left as it was
    live = cluster.endpoint(inference_id) or {}
    assert live["chunking_settings"] == made["chunking_settings"]  # not reset to word/250/100
    assert cluster.emulator.stored_secrets(inference_id) == {"api_key": key}
    stack.preview(color="never", expect_no_changes=True)
    assert key not in stored_state_text(engine)

    rotated = secret_value("rotated")
    declared["service_settings"] = {"model_id": "text-embedding-3-small", "api_key": rotated}
    cluster.clear()
    assert changes(stack.up(color="never").summary.resource_changes).get("update") == 1
    assert _writes(cluster) == [("PUT", f"/_inference/text_embedding/{inference_id}/_update")]
    assert cluster.emulator.stored_secrets(inference_id) == {"api_key": rotated}
    stack.preview(color="never", expect_no_changes=True)
    assert rotated not in stored_state_text(engine)
