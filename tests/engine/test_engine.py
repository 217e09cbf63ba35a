"""The real Pulumi engine (Automation API, local file backend) against the emulator.

What a user relies on when running `pulumi up/preview/refresh/destroy` with this library:
endpoints created as declared, secrets never readable in state, quiet previews, in-place
updates where the cluster allows them, replacements in a safe order, drift that shows after a
refresh and that `up` repairs, stacks that stay apart, every way of pointing at a cluster,
offline validation, and deletes that do not silently break ingest pipelines.

Every test has the module's emulator reset (an API key required; tests/conftest.py), its own
backend, its own stacks and inference ids.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import httpx
import pytest
from pulumi import automation as auto

from devtools.engine import Engine, export_without_secrets, stored_state_text
from devtools.engine_programs import (
    API_KEY,
    API_KEY_ID,
    API_KEY_RAW,
    PRECONFIGURED_IDS,
    Cluster,
    Door,
    changes,
    example_program,
    exported_endpoints,
    is_secret,
    keyed_config,
    openai_embeddings,
    preview_changes,
    secret_value,
    several_services,
    unique,
    up_changes,
)
from pulumi_inference import Connection
from pulumi_inference.emulator import EmulatorConfig

pytestmark = [pytest.mark.engine, pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return keyed_config(deployment_seconds=0.1)


def assert_no_plain_secret(
    engine: Engine, stack: auto.Stack, secrets: list[str], *, expect: list[str]
) -> None:
    """Neither the backend files nor `pulumi stack export` show any of ``secrets``.

    ``expect`` are strings that must be there, so that an empty or unreadable state cannot pass.
    """
    stored = stored_state_text(engine)
    exported = export_without_secrets(stack)
    for text, where in ((stored, "the state files"), (exported, "`pulumi stack export`")):
        for wanted in expect:
            assert wanted in text, f"{wanted!r} missing from {where}"
        for secret in secrets:
            assert secret not in text, f"a secret ({secret[:12]}...) is readable in {where}"


def resource_ops(stack: auto.Stack, operation: str = "preview") -> dict[str, set[str]]:
    """Per endpoint resource name, the engine's step operations in a preview or up."""
    ops: dict[str, set[str]] = {}

    def on_event(event: auto.EngineEvent) -> None:
        pre = event.resource_pre_event
        if pre is not None and pre.metadata.type.endswith(":InferenceEndpoint"):
            name = pre.metadata.urn.rsplit("::", 1)[1]
            ops.setdefault(name, set()).add(getattr(pre.metadata.op, "value", pre.metadata.op))

    getattr(stack, operation)(color="never", on_event=on_event)
    return ops


def sequence(cluster: Cluster) -> list[tuple[str, str]]:
    """(method, path) of the inference API calls since the last clear, in order."""
    return cluster.inference_requests()


def updates(cluster: Cluster) -> list[tuple[str, Any]]:
    return [(path, body) for method, path, body in cluster.bodies if path.endswith("/_update")]


# -- up, state and secrets ----------------------------------------------------------------


def test_up_creates_every_endpoint_and_no_secret_is_readable_in_state(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    """REQ-SECRET-1, REQ-DEPLOY-1: secrets encrypted in state, the rest readable; up waits for the
    deployment."""
    prefix = unique("up")
    keys = {name: secret_value(name) for name in ("openai", "azure", "custom")}
    cohere_key = secret_value("cohere")
    declarations = several_services(prefix, keys)
    stack = engine.stack(
        "up",
        door.program(declarations, cluster.connection),
        secret_config={"cohereApiKey": cohere_key},
    )

    # the stack, the 5 endpoints and, for the native door, its explicit provider
    assert up_changes(stack) == {"create": door.around(len(declarations))}

    openai = cluster.endpoint(f"{prefix}-openai")
    assert openai is not None
    assert openai["service"] == "openai"
    assert openai["service_settings"]["model_id"] == "text-embedding-3-small"
    assert openai["task_settings"] == {"user": "engine-tests"}
    rerank = cluster.endpoint(f"{prefix}-rerank")
    assert rerank is not None
    assert (rerank["task_type"], rerank["service"]) == ("rerank", "cohere")
    assert rerank["task_settings"] == {"top_n": 3, "return_documents": True}
    e5 = cluster.endpoint(f"{prefix}-e5")
    assert e5 is not None
    assert e5["service_settings"]["model_id"] == ".multilingual-e5-small"
    assert e5["service_settings"]["num_allocations"] == 1
    custom = cluster.endpoint(f"{prefix}-custom")
    assert custom is not None
    assert custom["service_settings"]["url"] == "https://rerank.example.com/v1/rerank"
    azure = cluster.endpoint(f"{prefix}-azure")
    assert azure is not None
    assert azure["service_settings"]["resource_name"] == "engine-tests"

    # The secrets reached the cluster, in place (the dynamic resource merged them back).
    emulator = cluster.emulator
    assert emulator.stored_secrets(f"{prefix}-openai") == {"api_key": keys["openai"]}
    assert emulator.stored_secrets(f"{prefix}-rerank") == {"api_key": cohere_key}
    assert emulator.stored_secrets(f"{prefix}-azure") == {"api_key": keys["azure"]}
    assert emulator.stored_secrets(f"{prefix}-custom") == {
        "secret_parameters": {"api_key": keys["custom"]}
    }
    # up waited for the E5 deployment, and every call carried the connection's API key.
    assert ("GET", f"/_ml/trained_models/{prefix}-e5/_stats") in [
        (e["method"], e["path"]) for e in cluster.requests()
    ]
    assert {e["principal"] for e in cluster.requests()} == {API_KEY_ID}

    secrets = [*keys.values(), cohere_key, API_KEY, API_KEY_RAW]
    assert_no_plain_secret(
        engine, stack, secrets, expect=[f"{prefix}-openai", "text-embedding-3-small", "rerank-v3.5"]
    )

    # What a reviewer reads in state: model ids and settings in clear, credentials encrypted.
    exported = {
        name: {side: door.state_props(resource, side) for side in ("inputs", "outputs")}
        for name, resource in exported_endpoints(export_without_secrets(stack)).items()
    }
    assert set(exported) == set(declarations)
    # Nothing but properties is recorded: no marker a program registers for its provider.
    for name, resource in exported_endpoints(export_without_secrets(stack)).items():
        recorded = [key for key in resource.get("propertyDependencies", {}) if key.startswith("__")]
        assert recorded in ([], ["__provider"]), f"{name} records {recorded}"
    for name, resource in exported.items():
        for side in ("inputs", "outputs"):
            props = resource[side]
            hidden = is_secret(props["service_settings"])
            assert not hidden, f"{name}.{side}.service_settings is hidden"
            if door.native:  # each secret key is a secret of its own, in place
                secret_keys = {"api_key", "secret_parameters"} & set(props["service_settings"])
                assert bool(secret_keys) == (name != "e5"), f"{name}.{side}: {secret_keys}"
                for key in secret_keys:
                    assert is_secret(props["service_settings"][key]), f"{name}.{side}.{key}"
            else:  # secrets moved to the always-secret `secrets` property
                assert is_secret(props["secrets"]), f"{name}.{side}.secrets is not a secret"
                assert props["connection"] == {"url": cluster.url}
    openai_outputs = exported["openai"]["outputs"]
    assert openai_outputs["service_settings"]["model_id"] == "text-embedding-3-small"
    assert openai_outputs["effective_service_settings"]["dimensions"] == 1536
    assert exported["rerank"]["outputs"]["service_settings"]["model_id"] == "rerank-v3.5"
    assert exported["rerank"]["outputs"]["task_settings"] == {"top_n": 3, "return_documents": True}
    assert exported["e5"]["inputs"]["service_settings"]["model_id"] == ".multilingual-e5-small"
    assert "api_key" not in exported["azure"]["outputs"]["effective_service_settings"]
    if not door.native:
        assert openai_outputs["service_settings"] == {"model_id": "text-embedding-3-small"}
        assert "secret_parameters" not in exported["custom"]["outputs"]["service_settings"]
        assert "api_key" not in exported["azure"]["outputs"]["service_settings"]


def test_preview_and_refresh_after_up_change_nothing(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    """REQ-PLAN-1, REQ-READ-1: a preview and a refresh after up are clean."""
    prefix = unique("quiet")
    keys = {name: secret_value(name) for name in ("openai", "azure", "custom")}
    cohere_key = secret_value("cohere")
    declarations = several_services(prefix, keys)
    stack = engine.stack(
        "quiet",
        door.program(declarations, cluster.connection),
        secret_config={"cohereApiKey": cohere_key},
    )
    stack.up(color="never")

    assert preview_changes(stack) == {}

    cluster.clear()
    refreshed = stack.refresh(color="never")
    assert changes(refreshed.summary.resource_changes) == {}
    # One endpoint asked for alone, the others from the cluster's one listing
    # (client/_shared.py): every endpoint was read from the cluster, in two requests.
    read = [path for method, path in sequence(cluster) if method == "GET"]
    alone = [path for path in read if path != "/_inference/_all"]
    assert read.count("/_inference/_all") == 1 and len(alone) == 1, read
    assert alone[0].rsplit("/", 1)[1] in {d["inference_id"] for d in declarations.values()}
    assert [m for m, _ in sequence(cluster) if m != "GET"] == []

    assert preview_changes(stack) == {}
    assert_no_plain_secret(
        engine,
        stack,
        [*keys.values(), cohere_key, API_KEY, API_KEY_RAW],
        expect=[f"{prefix}-rerank", "rerank-v3.5"],
    )


# -- updates and replacements -------------------------------------------------------------


def test_task_settings_change_and_key_rotation_update_in_place(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    """REQ-PLAN-2, REQ-PLAN-6: top_n 3 -> 5 is one _update with only that key; then a rotated
    key; `preview --diff` marks each, through both doors."""
    prefix = unique("upd")
    old_key, new_key = secret_value("cohere-old"), secret_value("cohere-new")
    keys = {name: secret_value(name) for name in ("openai", "azure", "custom")}
    declarations = several_services(prefix, keys)
    declarations = {name: declarations[name] for name in ("openai", "rerank")}
    rerank_id = f"{prefix}-rerank"
    stack = engine.stack(
        "upd",
        door.program(declarations, cluster.connection),
        secret_config={"cohereApiKey": old_key},
    )
    stack.up(color="never")

    declarations["rerank"]["task_settings"]["top_n"] = 5
    assert resource_ops(stack) == {"openai": {"same"}, "rerank": {"update"}}
    shown = stack.preview(color="never", diff=True).stdout
    assert re.search(r"~ top_n\s*: 3 => 5", shown), shown  # REQ-PLAN-6: the key, marked
    cluster.clear()
    assert up_changes(stack) == {"update": 1}
    assert sequence(cluster) == [("PUT", f"/_inference/rerank/{rerank_id}/_update")]
    assert updates(cluster) == [
        (f"/_inference/rerank/{rerank_id}/_update", {"task_settings": {"top_n": 5}})
    ]
    live = cluster.endpoint(rerank_id)
    assert live is not None
    assert live["task_settings"] == {"top_n": 5, "return_documents": True}
    assert preview_changes(stack) == {}

    # Rotating the key in stack config: an in-place update carrying only the new key.
    stack.set_config("cohereApiKey", auto.ConfigValue(value=new_key, secret=True))
    assert resource_ops(stack) == {"openai": {"same"}, "rerank": {"update"}}
    shown = stack.preview(color="never", diff=True).stdout
    marked = r"~ api_key\s*: \[secret\] => \[secret\]" if door.native else r"~ secrets\s*: "
    assert re.search(marked, shown), shown  # a rotation is marked, its value never shown
    assert old_key not in shown and new_key not in shown
    cluster.clear()
    assert up_changes(stack) == {"update": 1}
    assert sequence(cluster) == [("PUT", f"/_inference/rerank/{rerank_id}/_update")]
    assert updates(cluster) == [
        (f"/_inference/rerank/{rerank_id}/_update", {"service_settings": {"api_key": new_key}})
    ]
    assert cluster.emulator.stored_secrets(rerank_id) == {"api_key": new_key}
    assert preview_changes(stack) == {}
    assert_no_plain_secret(engine, stack, [old_key, new_key], expect=[rerank_id, "rerank-v3.5"])


def test_model_change_replaces_delete_first_and_id_change_creates_first(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    """REQ-PLAN-3, REQ-PLAN-4: a new model deletes first; a new id creates first."""
    prefix = unique("repl")
    first_id, second_id = f"{prefix}-a", f"{prefix}-b"
    declarations = {"emb": openai_embeddings(first_id, secret_value("openai"))}
    stack = engine.stack("repl", door.program(declarations, cluster.connection))
    stack.up(color="never")

    # Same inference_id: the old endpoint must go first, or the create would collide.
    declarations["emb"]["service_settings"]["model_id"] = "text-embedding-3-large"
    assert "replace" in resource_ops(stack)["emb"]
    cluster.clear()
    assert up_changes(stack) == {"replace": 1}
    calls = sequence(cluster)
    delete = calls.index(("DELETE", f"/_inference/text_embedding/{first_id}"))
    create = calls.index(("PUT", f"/_inference/text_embedding/{first_id}"))
    assert delete < create, calls
    live = cluster.endpoint(first_id)
    assert live is not None
    assert live["service_settings"]["model_id"] == "text-embedding-3-large"
    assert live["service_settings"]["dimensions"] == 3072
    assert preview_changes(stack) == {}

    # A new inference_id: the new endpoint exists before the old one goes.
    declarations["emb"]["inference_id"] = second_id
    assert "replace" in resource_ops(stack)["emb"]
    cluster.clear()
    assert up_changes(stack) == {"replace": 1}
    calls = sequence(cluster)
    create = calls.index(("PUT", f"/_inference/text_embedding/{second_id}"))
    delete = calls.index(("DELETE", f"/_inference/text_embedding/{first_id}"))
    assert create < delete, calls
    assert cluster.endpoint(first_id) is None
    assert cluster.endpoint(second_id) is not None
    assert preview_changes(stack) == {}


def test_hand_made_change_shows_after_refresh_and_up_repairs_it(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    """REQ-READ-1: drift shows after refresh and up repairs it."""
    prefix = unique("drift")
    model_id, settings_id = f"{prefix}-model", f"{prefix}-settings"
    declarations = {
        "model": openai_embeddings(model_id, secret_value("openai")),
        "settings": openai_embeddings(settings_id, secret_value("openai")),
    }
    stack = engine.stack("drift", door.program(declarations, cluster.connection))
    stack.up(color="never")

    cluster.hand_edit(model_id, {"service_settings": {"model_id": "text-embedding-ada-002"}})
    cluster.hand_edit(settings_id, {"task_settings": {"user": "edited-by-hand"}})
    stack.refresh(color="never")

    ops = resource_ops(stack)
    assert "replace" in ops["model"], ops
    assert ops["settings"] == {"update"}, ops

    cluster.clear()
    assert up_changes(stack) == {"replace": 1, "update": 1}
    repaired = cluster.endpoint(model_id)
    assert repaired is not None
    assert repaired["service_settings"]["model_id"] == "text-embedding-3-small"
    assert updates(cluster) == [
        (
            f"/_inference/text_embedding/{settings_id}/_update",
            {"task_settings": {"user": "engine-tests"}},
        )
    ]
    restored = cluster.endpoint(settings_id)
    assert restored is not None
    assert restored["task_settings"] == {"user": "engine-tests"}

    stack.refresh(color="never")
    assert preview_changes(stack) == {}


def test_endpoint_deleted_by_hand_leaves_state_at_refresh_and_up_recreates_it(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    """REQ-READ-2: gone at refresh; up creates it again with its secrets."""
    inference_id = unique("deleted")
    key = secret_value("openai")
    declarations = {"emb": openai_embeddings(inference_id, key)}
    stack = engine.stack("deleted", door.program(declarations, cluster.connection))
    stack.up(color="never")
    with cluster.http() as client:
        assert client.delete(f"/_inference/text_embedding/{inference_id}").status_code == 200

    refreshed = stack.refresh(color="never")
    assert changes(refreshed.summary.resource_changes) == {"delete": 1}
    assert preview_changes(stack) == {"create": 1}
    assert up_changes(stack) == {"create": 1}
    assert cluster.endpoint(inference_id) is not None
    assert cluster.emulator.stored_secrets(inference_id) == {"api_key": key}


# -- stacks and connections ---------------------------------------------------------------


def test_dev_and_prod_stacks_share_a_cluster_and_destroy_apart(
    engine: Engine, cluster: Cluster
) -> None:
    program = example_program("multi-env")
    prefixes = {"dev": unique("dev"), "prod": unique("prod")}
    stacks = {}
    for env, prefix in prefixes.items():
        stacks[env] = engine.stack(
            env,
            program,
            project="inference-multi-env",
            config={
                "idPrefix": prefix,
                "esUrl": cluster.url,
                "elserAllocations": "1",
                "deploymentTimeout": "2m",
            },
            secret_config={"esApiKey": API_KEY, "openaiApiKey": secret_value(f"openai-{env}")},
        )
    outputs = {env: stack.up(color="never").outputs for env, stack in stacks.items()}

    def ids(env: str) -> set[str]:
        return {f"{prefixes[env]}-elser", f"{prefixes[env]}-openai-embeddings"}

    assert ids("dev") | ids("prod") <= set(cluster.all_ids())
    for env in stacks:
        assert outputs[env]["elser_endpoint"].value == f"{prefixes[env]}-elser"
        assert outputs[env]["embedding_dimensions"].value == 1536
    assert preview_changes(stacks["dev"]) == {}

    assert changes(stacks["dev"].destroy(color="never").summary.resource_changes) == {"delete": 3}
    remaining = set(cluster.all_ids())
    assert not ids("dev") & remaining
    assert ids("prod") <= remaining
    stats = cluster.get(f"/_ml/trained_models/{prefixes['prod']}-elser/_stats")
    assert stats.status_code == 200
    assert preview_changes(stacks["prod"]) == {}

    stacks["prod"].destroy(color="never")
    assert set(cluster.all_ids()) == PRECONFIGURED_IDS


def test_connection_declared_on_the_resource(engine: Engine, cluster: Cluster, door: Door) -> None:
    """REQ-CONN-1: the resource's (or explicit provider's) connection comes first."""
    # The cluster refuses anonymous calls, so everything below went through the declared key.
    assert httpx.get(f"{cluster.url}/_inference/_all").status_code == 401
    cluster.clear()
    inference_id = unique("explicit")
    declarations = {"emb": openai_embeddings(inference_id, secret_value("openai"))}
    # Config and environment point elsewhere: the resource's own connection comes first.
    stack = engine.stack(
        "explicit",
        door.program(declarations, cluster.connection),
        config={door.config_key("url"): "http://127.0.0.1:9"},
        secret_config={door.config_key("api_key"): "wrong-config-key"},
        env={"ELASTICSEARCH_URL": "http://127.0.0.1:9", "ELASTICSEARCH_API_KEY": "wrong-env-key"},
    )
    stack.up(color="never")
    assert cluster.endpoint(inference_id) is not None
    assert {e["principal"] for e in cluster.requests()} == {API_KEY_ID}

    stack.destroy(color="never")
    assert cluster.endpoint(inference_id) is None


@pytest.mark.parametrize("preview_check", ["fail", "off"])
def test_a_wrong_api_key_fails_clearly_without_echoing_it(
    engine: Engine,
    cluster: Cluster,
    door: Door,
    preview_check: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """REQ-ERROR-1, REQ-SECRET-2: refused credentials, said clearly, never echoed; at the
    preview's check, or (check off) by the create, as its message alone: no traceback of the
    provider server (issue 22)."""
    monkeypatch.setenv("PULUMI_INFERENCE_PREVIEW_CHECK", preview_check)
    wrong_raw = f"{API_KEY_ID}:{secret_value('wrong')}"
    wrong = base64.b64encode(wrong_raw.encode()).decode()
    inference_id = unique("denied")
    declarations = {"emb": openai_embeddings(inference_id, secret_value("openai"))}
    stack = engine.stack(
        "denied",
        door.program(declarations, lambda: Connection(url=cluster.url, api_key=wrong)),
    )
    with pytest.raises(auto.CommandError) as refused:
        stack.up(color="never")
    message = str(refused.value)
    assert "refused the credentials" in message
    assert "api_key" in message
    assert "Traceback" not in message and "ProviderFailure" not in message, message
    assert wrong not in message
    assert wrong_raw not in message
    assert cluster.endpoint(inference_id) is None
    assert exported_endpoints(export_without_secrets(stack)) == {}


def test_a_preview_against_a_wrong_cluster_fails_once_in_one_line(
    engine: Engine, cluster: Cluster, door: Door, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22: `pulumi preview` itself fails for refused credentials and for a wrong URL
    (not `+ 1 to create`), each said once: no retry lines, no provider traceback."""
    wrong = base64.b64encode(f"{API_KEY_ID}:{secret_value('wrong')}".encode()).decode()
    monkeypatch.setenv("PULUMI_INFERENCE_UNREACHABLE_DEADLINE", "1")
    for label, connection, said in (
        ("key", lambda: Connection(url=cluster.url, api_key=wrong), "refused the credentials"),
        ("url", lambda: Connection(url="http://127.0.0.1:9", api_key=API_KEY), "could not reach"),
    ):
        inference_id = unique("wrong")
        declarations = {"emb": openai_embeddings(inference_id, secret_value("openai"))}
        stack = engine.stack(f"wrong-{label}", door.program(declarations, connection))
        with pytest.raises(auto.CommandError) as failed:
            stack.preview(color="never")
        shown = str(failed.value)
        # the engine shows an error on its resource as it happens and again in Diagnostics:
        # that summary holds it once, and nothing else from the provider
        diagnostics = shown.split("Diagnostics:", 1)[1]
        assert diagnostics.count(said) == 1, shown
        assert "Traceback" not in shown and "retrying" not in diagnostics, shown
        assert "PULUMI_INFERENCE_PREVIEW_CHECK=warn" in shown
        assert wrong not in shown
        assert not [r for r in cluster.emulator.requests() if inference_id in r["path"]]


def test_connection_from_stack_config(engine: Engine, cluster: Cluster, door: Door) -> None:
    """REQ-CONN-1: stack config before the environment."""
    inference_id = unique("config")
    declarations = {"emb": openai_embeddings(inference_id, secret_value("openai"))}
    stack = engine.stack(
        "config",
        door.program(declarations),  # no connection on the resource
        config={door.config_key("url"): cluster.url},
        secret_config={door.config_key("api_key"): API_KEY},
        # Stack config comes before the environment.
        env={"ELASTICSEARCH_URL": "http://127.0.0.1:9", "ELASTICSEARCH_API_KEY": "wrong-env-key"},
    )
    stack.up(color="never")
    assert cluster.endpoint(inference_id) is not None
    stack.refresh(color="never")
    assert preview_changes(stack) == {}
    assert_no_plain_secret(engine, stack, [API_KEY, API_KEY_RAW], expect=[inference_id])

    stack.destroy(color="never")
    assert cluster.endpoint(inference_id) is None
    assert {e["principal"] for e in cluster.requests()} == {API_KEY_ID}


def test_connection_from_environment_variables(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    """REQ-CONN-1: the environment alone."""
    inference_id = unique("env")
    declarations = {"emb": openai_embeddings(inference_id, secret_value("openai"))}
    stack = engine.stack(
        "env",
        door.program(declarations),  # no connection on the resource, none in config
        env={"ELASTICSEARCH_URL": cluster.url, "ELASTICSEARCH_API_KEY": API_KEY},
    )
    stack.up(color="never")
    assert cluster.endpoint(inference_id) is not None
    assert preview_changes(stack) == {}

    stack.destroy(color="never")
    assert cluster.endpoint(inference_id) is None
    assert {e["principal"] for e in cluster.requests()} == {API_KEY_ID}


# -- destroy, validation, deletes in use --------------------------------------------------


def test_destroy_leaves_nothing_behind(engine: Engine, cluster: Cluster, door: Door) -> None:
    """REQ-DELETE-1: destroy deletes every endpoint and its deployment."""
    prefix = unique("gone")
    declarations = several_services(
        prefix, {name: secret_value(name) for name in ("openai", "azure", "custom")}
    )
    stack = engine.stack(
        "gone",
        door.program(declarations, cluster.connection),
        secret_config={"cohereApiKey": secret_value("cohere")},
    )
    stack.up(color="never")
    assert len(set(cluster.all_ids()) - PRECONFIGURED_IDS) == len(declarations)

    destroyed = stack.destroy(color="never")
    assert changes(destroyed.summary.resource_changes) == {"delete": door.around(len(declarations))}
    assert set(cluster.all_ids()) == PRECONFIGURED_IDS
    assert cluster.get(f"/_ml/trained_models/{prefix}-e5/_stats").status_code == 404
    assert exported_endpoints(export_without_secrets(stack)) == {}


def test_misspelled_setting_fails_at_preview_without_calling_the_cluster(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    """REQ-CHECK-2: modelid fails the preview naming the path and model_id, no request."""
    inference_id = unique("typo")
    declared = openai_embeddings(inference_id, secret_value("openai"))
    declared["service_settings"] = {"modelid": "text-embedding-3-small", "api_key": "sk-x"}
    stack = engine.stack("typo", door.program({"emb": declared}, cluster.connection))

    with pytest.raises(auto.CommandError) as failed:
        stack.preview(color="never")
    message = str(failed.value)
    path = f"{door.said('service_settings')}.modelid"  # a Python program's spelling
    assert path in message
    assert "did you mean 'model_id'?" in message.replace(path, "")
    assert "missing required" not in message  # implied by the misspelling: not said again
    assert "sk-x" not in message

    with pytest.raises(auto.CommandError):
        stack.up(color="never")
    assert cluster.inference_requests() == []
    assert cluster.endpoint(inference_id) is None


def test_delete_of_an_endpoint_used_by_a_pipeline_needs_force_delete(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    """REQ-DELETE-1, REQ-PLAN-5: in use: refused naming the pipeline; force_delete is state only,
    then deletes."""
    inference_id = unique("inuse")
    pipeline = unique("pipeline")
    declarations = {"emb": openai_embeddings(inference_id, secret_value("openai"))}
    stack = engine.stack("inuse", door.program(declarations, cluster.connection))
    stack.up(color="never")
    response = cluster.put(
        f"/_ingest/pipeline/{pipeline}",
        {
            "processors": [
                {
                    "inference": {
                        "model_id": inference_id,
                        "input_output": {"input_field": "body", "output_field": "body_vector"},
                    }
                }
            ]
        },
    )
    assert response.status_code == 200

    with pytest.raises(auto.CommandError) as refused:
        stack.destroy(color="never")
    message = str(refused.value)
    assert pipeline in message
    assert door.said("force_delete") in message
    assert cluster.endpoint(inference_id) is not None

    declarations["emb"]["force_delete"] = True
    assert preview_changes(stack) == {"update": 1}
    cluster.clear()
    assert up_changes(stack) == {"update": 1}
    sent = [
        r for r in cluster.requests() if r["path"] not in ("/", "/_security/user/_has_privileges")
    ]
    assert sent == [], "force_delete is the provider's own setting: no call (but the check's)"

    stack.destroy(color="never")
    assert cluster.endpoint(inference_id) is None
    assert [(e["method"], e["query"]) for e in cluster.requests() if e["method"] == "DELETE"] == [
        ("DELETE", "force=true")
    ]
    assert cluster.get(f"/_ingest/pipeline/{pipeline}").status_code == 200
