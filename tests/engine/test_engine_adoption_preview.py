"""Issue 22, adoption never changes an endpoint unseen: the preview of an adopting `up` says
what it will send and change, through both doors, on a cluster whose _update resets chunking."""

from __future__ import annotations

import pytest

from devtools.engine import Engine
from devtools.engine_programs import (
    Cluster,
    Door,
    keyed_config,
    openai_embeddings,
    secret_value,
    unique,
)
from pulumi_inference.emulator import EmulatorConfig

pytestmark = [pytest.mark.engine, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return keyed_config(version="9.1.0", deployment_seconds=0.05)


def test_the_preview_of_an_adoption_says_what_it_sends_and_changes_and_up_says_adopted(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    """REQ-CREATE-6: nothing changes unseen. The preview of an adopting `up` says, on the endpoint,
    which secret it sends, which setting it changes (old -> new) and that this 9.1 cluster's
    _update resets its chunking; the review shows it as adopted with that warning; `up` says
    ADOPTED, not created. Nothing is sent to the cluster by the preview."""
    inference_id = unique("adopted")
    made = {
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small", "api_key": "k-by-hand"},
        "task_settings": {"user": "by-hand"},
    }
    assert cluster.put(f"/_inference/text_embedding/{inference_id}", made).is_success
    key = secret_value("openai")
    declared = openai_embeddings(inference_id, key, adopt_existing=True)
    stack = engine.stack("adopt", door.program({"emb": declared}, cluster.connection))
    cluster.emulator.clear_requests()

    shown = stack.preview(color="never").stdout
    said = " ".join(shown.split())
    assert "ADOPTS the existing endpoint with one _update" in said, shown
    assert "service_settings.api_key (secret, value not shown)" in said
    assert "it changes task_settings.user by-hand -> engine-tests" in said
    assert "resets chunking_settings from sentence/250/1 to word/250/100" in said
    assert key not in shown
    writes = [r for r in cluster.emulator.requests() if r["method"] not in ("GET", "HEAD")]
    assert writes == []

    applied = stack.up(color="never")
    assert "ADOPTED, not created" in " ".join(applied.stdout.split())
    assert cluster.emulator.stored_secrets(inference_id) == {"api_key": key}
    live = cluster.endpoint(inference_id) or {}
    assert live["task_settings"] == {"user": "engine-tests"}
