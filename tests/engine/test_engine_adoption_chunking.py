"""No adoption side effect hides (issue 30, defect 4).

On Elasticsearch 8.17 to 9.3, every ``_update`` resets an embedding endpoint's chunking to
word/250/100 (elastic/elasticsearch#139574), and an adoption always sends one (the declared
secrets). A hand-made endpoint that chunks by the default (sentence/250/1), adopted by a
program that leaves chunking out as the importer writes it, used to read ``unchanged`` for
good afterwards although it no longer chunks as the program implies. Now every preview says
so on the endpoint, until it is resolved: the new chunking declared, or the default declared,
which replaces the endpoint to restore it. Nothing is replaced unasked.
"""

from __future__ import annotations

import json

import pytest
from pulumi import automation as auto

from devtools.engine import Engine
from devtools.engine_programs import (
    Cluster,
    Door,
    changes,
    keyed_config,
    openai_embeddings,
    secret_value,
    unique,
    up_changes,
)
from pulumi_inference.emulator import EmulatorConfig

pytestmark = [pytest.mark.engine, pytest.mark.timeout(240)]

RESET = {"strategy": "word", "max_chunk_size": 250, "overlap": 100}
DEFAULT = {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1}


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return keyed_config(version="9.1.0", deployment_seconds=0.1)


def steps(stack: auto.Stack, **options: object) -> tuple[dict[str, set[str]], str]:
    """Per endpoint, the preview's steps; and what the preview printed (warnings included)."""
    ops: dict[str, set[str]] = {}

    def on_event(event: auto.EngineEvent) -> None:
        pre = event.resource_pre_event
        if pre is not None and pre.metadata.type.endswith(":InferenceEndpoint"):
            name = pre.metadata.urn.rsplit("::", 1)[1]
            ops.setdefault(name, set()).add(pre.metadata.op.value)

    preview = stack.preview(color="never", on_event=on_event, **options)  # type: ignore[arg-type]
    return ops, preview.stdout + preview.stderr


def test_the_chunking_an_adoption_reset_shows_until_it_is_resolved(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    inference_id = unique("adopted")
    made_by_hand = {
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small", "api_key": "sk-by-hand"},
        "task_settings": {"user": "engine-tests"},
    }
    assert cluster.put(f"/_inference/text_embedding/{inference_id}", made_by_hand).is_success
    live = cluster.endpoint(inference_id)
    assert live is not None and live["chunking_settings"] == DEFAULT
    # As `pulumi-inference import` writes it: the default chunking left out, adopt_existing.
    declared = openai_embeddings(inference_id, secret_value("openai"), adopt_existing=True)
    declarations = {"emb": declared}
    stack = engine.stack("adopt-chunking", door.program(declarations, cluster.connection))

    stack.up(color="never")
    live = cluster.endpoint(inference_id)
    assert live is not None and live["chunking_settings"] == RESET  # the cluster's side effect

    said = "chunks as word/250/100, NOT as its program says"
    for options in ({}, {"refresh": True}):  # a preview, and the nightly drift check
        ops, shown = steps(stack, **options)
        assert ops["emb"] - {"refresh"} == {"same"}, (options, shown)  # nothing planned unasked
        assert said in shown and json.dumps(DEFAULT) in shown, shown  # what to declare
    refreshed = stack.refresh(color="never")
    assert said in refreshed.stdout + refreshed.stderr

    # Resolved by declaring what it now is: nothing to do, and nothing said.
    declared["chunking_settings"] = dict(RESET)
    ops, shown = steps(stack)
    assert ops == {"emb": {"same"}} and said not in shown, shown

    # Or by declaring the default, as the warning says: the plan replaces it (delete first).
    declared["chunking_settings"] = dict(DEFAULT)
    ops, shown = steps(stack)
    assert "replace" in ops["emb"], shown
    assert up_changes(stack) == {"replace": 1}
    live = cluster.endpoint(inference_id)
    assert live is not None and live["chunking_settings"] == DEFAULT
    ops, shown = steps(stack)
    assert ops == {"emb": {"same"}} and said not in shown, shown
    assert changes(stack.refresh(color="never").summary.resource_changes) == {}
