"""Migrating an endpoint made elsewhere (by hand, by Terraform) under Pulumi, with the engine."""

from __future__ import annotations

import httpx
import pytest

import pulumi_inference as inference
from devtools.engine import Engine, stored_state_text
from pulumi_inference.emulator import Emulator

pytestmark = pytest.mark.engine


def test_adopt_existing_brings_a_hand_made_endpoint_under_management(
    engine: Engine, emulator: Emulator
) -> None:
    """REQ-CREATE-2: refused without adopt_existing; adopted, updated and its key set with it."""
    made_elsewhere = {
        "service": "cohere",
        "service_settings": {"model_id": "rerank-v3.5", "api_key": "old-key-from-terraform"},
        "task_settings": {"top_n": 3},
    }
    url = f"{emulator.url}/_inference/rerank/migrated-rerank"
    assert httpx.put(url, json=made_elsewhere).status_code == 200

    declared = {"adopt": False}

    def program() -> None:
        inference.InferenceEndpoint(
            "rerank",
            inference_id="migrated-rerank",
            task_type="rerank",
            service="cohere",
            service_settings={"model_id": "rerank-v3.5", "api_key": "new-key-LEAKCHECK"},
            task_settings={"top_n": 10},
            connection=inference.Connection(url=emulator.url),
            adopt_existing=declared["adopt"],
        )

    stack = engine.stack("migrate", program)
    with pytest.raises(Exception, match="already exists"):
        stack.up(color="never")
    assert (emulator.endpoint("migrated-rerank") or {})["task_settings"] == {"top_n": 3}

    declared["adopt"] = True
    assert stack.up(color="never").summary.resource_changes == {"create": 1, "same": 1}
    assert (emulator.endpoint("migrated-rerank") or {})["task_settings"] == {"top_n": 10}
    assert emulator.stored_secrets("migrated-rerank") == {"api_key": "new-key-LEAKCHECK"}
    assert "new-key-LEAKCHECK" not in stored_state_text(engine)
    assert stack.preview(color="never").change_summary.get("same") == 2

    stack.destroy(color="never")
    assert emulator.endpoint("migrated-rerank") is None
