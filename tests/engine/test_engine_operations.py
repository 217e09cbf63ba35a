"""Long and risky operations with the real engine, through both front ends: model deployments
started all at once, progress shown on the endpoint, a timed-out deployment that leaves
nothing behind on an authenticated cluster, a second stack refused, previews that warn before
a replacement breaks a pipeline or a semantic_text index, and failures that read first.
"""

from __future__ import annotations

from typing import Any

import pytest
from pulumi import automation as auto

import pulumi_inference as inference
from devtools.engine import Engine
from devtools.engine_programs import (
    API_KEY,
    Cluster,
    Door,
    e5_deployment,
    keyed_config,
    openai_embeddings,
    preview_changes,
    secret_value,
    unique,
)
from pulumi_inference.emulator import EmulatorConfig
from pulumi_inference.operations._access import CHECK_ENV

pytestmark = [pytest.mark.engine, pytest.mark.timeout(300)]

DEPLOYMENT_SECONDS = 3.0


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return keyed_config(deployment_seconds=DEPLOYMENT_SECONDS)


def diagnostics(stack: auto.Stack, operation: str, **kwargs: Any) -> list[tuple[str, str, str]]:
    """(severity, urn, message) of every diagnostic the engine reported during ``operation``."""
    found: list[tuple[str, str, str]] = []

    def on_event(event: auto.EngineEvent) -> None:
        said = event.diagnostic_event
        if said is not None:
            found.append((said.severity, said.urn or "", said.message))

    getattr(stack, operation)(color="never", on_event=on_event, **kwargs)
    return found


def test_model_deployments_start_together_not_four_at_a_time(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    """REQ-DEPLOY-2: eight deployments, each ready 3 s after its create, all created before
    the first one is ready (the dynamic server alone would run four, then four more)."""
    prefix = unique("wave")
    declarations = {f"e5-{i}": e5_deployment(f"{prefix}-{i}") for i in range(8)}
    stack = engine.stack("wave", door.program(declarations, cluster.connection))
    said = diagnostics(stack, "up")

    creates = [
        entry["time"]
        for entry in cluster.requests()
        if entry["method"] == "PUT" and entry["path"].startswith("/_inference/")
    ]
    assert len(creates) == 8
    assert max(creates) - min(creates) < DEPLOYMENT_SECONDS, "creates waited for deployments"
    assert not [s for s in said if "wait in turns" in s[2]], said

    # Progress lines land on each endpoint, not on the stack.
    progress = [(urn, message) for _, urn, message in said if "deployment state" in message]
    assert progress
    for urn, message in progress:
        assert urn.endswith(":InferenceEndpoint::" + urn.rsplit("::", 1)[1]), (urn, message)
        name = urn.rsplit("::", 1)[1]
        assert f"'{declarations[name]['inference_id']}'" in message


def test_a_timed_out_deployment_leaves_nothing_and_the_next_up_succeeds(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    """REQ-CREATE-5 on a cluster that requires an API key (issue 10, defect 1)."""
    inference_id = unique("slow")
    declarations = {"e5": e5_deployment(inference_id, deployment_timeout="1s")}
    stack = engine.stack("slow", door.program(declarations, cluster.connection))
    cluster.emulator.faults.never_ready(path=f"/_inference/text_embedding/{inference_id}", count=1)

    with pytest.raises(auto.CommandError) as timed_out:
        stack.up(color="never")
    message = str(timed_out.value)
    assert "was not ready after 1s" in message and "rolled back" in message
    assert API_KEY not in message
    assert cluster.endpoint(inference_id) is None  # no endpoint that no stack manages

    declarations["e5"]["deployment_timeout"] = "1m"
    stack.up(color="never")
    assert cluster.endpoint(inference_id) is not None
    assert preview_changes(stack) == {}


def test_a_second_stack_declaring_the_same_endpoint_is_refused(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    """REQ-CREATE-3: dev and staging on one cluster never silently share an endpoint."""
    inference_id = unique("shared")
    declarations = {"e5": e5_deployment(inference_id)}
    first = engine.stack("dev", door.program(declarations, cluster.connection))
    first.up(color="never")
    second = engine.stack("staging", door.program(declarations, cluster.connection))
    with pytest.raises(auto.CommandError) as refused:
        second.up(color="never")
    message = str(refused.value)
    assert "already exists" in message and "not managed by this stack" in message
    assert door.said("adopt_existing") in message

    second.destroy(color="never")  # the refused stack owns nothing: the endpoint stays
    assert cluster.endpoint(inference_id) is not None
    first.destroy(color="never")
    assert cluster.endpoint(inference_id) is None


def test_preview_warns_when_a_replacement_breaks_a_pipeline_and_an_index(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    """REQ-REVIEW-2: the reviewer reads what will fail before approving it."""
    inference_id = unique("used")
    pipeline, index = unique("pipeline"), unique("articles")
    declarations = {"emb": openai_embeddings(inference_id, secret_value("openai"))}
    stack = engine.stack("used", door.program(declarations, cluster.connection))
    stack.up(color="never")
    processor = {"inference": {"model_id": inference_id, "input_output": {"input_field": "t"}}}
    assert cluster.put(f"/_ingest/pipeline/{pipeline}", {"processors": [processor]}).is_success
    mapping = {"properties": {"body": {"type": "semantic_text", "inference_id": inference_id}}}
    assert cluster.put(f"/{index}", {"mappings": mapping}).is_success

    cluster.clear()
    quiet = diagnostics(stack, "preview")
    assert not [said for said in quiet if said[0] == "warning"], quiet
    assert cluster.dry_runs() == []  # nothing replaced: no look-up at all

    declarations["emb"]["service_settings"]["model_id"] = "text-embedding-3-large"
    said = diagnostics(stack, "preview")
    warnings = [(urn, message) for severity, urn, message in said if severity == "warning"]
    breaking = [(urn, message) for urn, message in warnings if pipeline in message]
    assert breaking, said
    urn, message = breaking[0]
    assert urn.endswith("::emb")
    assert "will FAIL" in message and index in message and door.said("force_delete") in message
    assert cluster.dry_runs() == [f"/_inference/text_embedding/{inference_id}"]
    assert cluster.endpoint(inference_id) is not None  # a preview never deletes

    # With force_delete recorded first, the replacement would succeed and break search.
    declarations["emb"]["service_settings"]["model_id"] = "text-embedding-3-small"
    declarations["emb"]["force_delete"] = True
    stack.up(color="never")
    declarations["emb"]["service_settings"]["model_id"] = "text-embedding-3-large"
    said = diagnostics(stack, "preview")
    assert [m for s, _, m in said if s == "warning" and "will BREAK SEARCH" in m], said


@pytest.mark.parametrize("preview_check", ["on", "off"])
def test_a_failure_reads_message_first(
    engine: Engine,
    cluster: Cluster,
    door: Door,
    preview_check: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """REQ-ERROR-1, REQ-SECRET-2, REQ-CHECK-7: Issue 10 defect 3 / issue 9: the error's own words
    come first, no frames of ours; with the preview's access check on (the default) the refusal
    comes from the check and names the setting to fix; with it off, from the create itself
    (native) or from the check of the `up`'s apply, which the setting does not soften (the
    dynamic door, whose program tells it that it applies; issue 30)."""
    if preview_check == "off":
        monkeypatch.setenv(CHECK_ENV, "off")
    inference_id = unique("denied")
    wrong = secret_value("wrong-es-key")
    declarations = {"emb": openai_embeddings(inference_id, secret_value("openai"))}
    stack = engine.stack(
        "denied",
        door.program(declarations, lambda: inference.Connection(url=cluster.url, api_key=wrong)),
    )
    with pytest.raises(auto.CommandError) as failed:
        stack.up(color="never")
    text = str(failed.value)
    if preview_check == "on" or not door.native:
        first = text.index(f"cluster info on {cluster.url}: the cluster refused the credentials")
        # the setting as the program gave it (issue 30)
        given = "elasticsearch-inference:apiKey" if door.native else "connection.api_key"
        assert f"Check the credentials in {given}" in text[first:]
    else:
        first = text.index(f"inference endpoint '{inference_id}'")
        assert "refused the credentials" in text[first:]
    assert "Traceback" not in text[:first], text  # the message first, then any frames
    frames = text.count('File "')
    assert frames <= (3 if not door.native else 0), text  # the dynamic server's own, at most
    assert "pulumi_inference/operations" not in text and "pulumi_inference/client" not in text
    assert wrong not in text
