"""`pulumi-inference import` with the real engine: the written project adopts every endpoint.

Endpoints of several services are made directly on the emulator over HTTP (as Kibana, curl or
Terraform would); the command writes the project; the stack config is set exactly as the
command printed it; then `pulumi up` creates, replaces and deletes nothing on the cluster and
restarts no deployment, and `pulumi preview --expect-no-changes` passes. Once per front end.

The cluster is 9.4: before it, every `_update` of an embedding endpoint resets its chunking
(Elasticsearch issue 139574), so handing over the secrets cannot leave such endpoints exactly
as they were; the command warns about that (tests/emulator/test_importer.py).
"""

from __future__ import annotations

import json
import shlex
import time
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from devtools.engine import Engine, export_without_secrets, stored_state_text
from devtools.engine_programs import (
    API_KEY,
    API_KEY_RAW,
    PRECONFIGURED_IDS,
    Cluster,
    Door,
    changes,
    keyed_config,
    secret_value,
)
from pulumi_inference import catalogue
from pulumi_inference.cli import main
from pulumi_inference.emulator import EmulatorConfig

pytestmark = [pytest.mark.engine, pytest.mark.timeout(300)]

PLACEHOLDER = "<value>"


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return keyed_config(deployment_seconds=0.2, version="9.4.0")


def made_by_hand(cluster: Cluster) -> dict[str, str]:
    """The endpoints, made over HTTP; returns the secret each printed config name stands for."""
    secrets = {
        "openaiEmbeddingsApiKey": secret_value("openai"),
        "cohereRerankApiKey": secret_value("cohere"),
        "azureEmbeddingsApiKey": secret_value("azure"),
        "bedrockEmbeddingsAccessKey": secret_value("aws-access"),
        "bedrockEmbeddingsSecretKey": secret_value("aws-secret"),
        "customRerankApiKey": secret_value("custom"),
    }
    endpoints: dict[str, tuple[str, dict[str, Any]]] = {
        "openai-embeddings": (  # task settings and custom chunking
            "text_embedding",
            {
                "service": "openai",
                "service_settings": {
                    "model_id": "text-embedding-3-small",
                    "api_key": secrets["openaiEmbeddingsApiKey"],
                },
                "task_settings": {"user": "search-team"},
                "chunking_settings": {
                    "strategy": "sentence",
                    "max_chunk_size": 120,
                    "sentence_overlap": 0,
                },
            },
        ),
        "cohere-rerank": (
            "rerank",
            {
                "service": "cohere",
                "service_settings": {
                    "model_id": "rerank-v3.5",
                    "api_key": secrets["cohereRerankApiKey"],
                },
                "task_settings": {"top_n": 3, "return_documents": True},
            },
        ),
        "azure-embeddings": (
            "text_embedding",
            {
                "service": "azureopenai",
                "service_settings": {
                    "resource_name": "engine-tests",
                    "deployment_id": "embeddings",
                    "api_version": "2024-02-01",
                    "api_key": secrets["azureEmbeddingsApiKey"],
                },
            },
        ),
        "bedrock-embeddings": (
            "text_embedding",
            {
                "service": "amazonbedrock",
                "service_settings": {
                    "region": "us-east-1",
                    "model": "amazon.titan-embed-text-v2:0",
                    "provider": "amazontitan",
                    "access_key": secrets["bedrockEmbeddingsAccessKey"],
                    "secret_key": secrets["bedrockEmbeddingsSecretKey"],
                },
            },
        ),
        "custom-rerank": (
            "rerank",
            {
                "service": "custom",
                "service_settings": {
                    "url": "https://rerank.example.com/v1/rerank",
                    "headers": {"Authorization": "Bearer ${api_key}"},
                    "request": '{"query": ${query}, "documents": ${input}}',
                    "response": {
                        "json_parser": {
                            "reranked_index": "$.results[*].index",
                            "relevance_score": "$.results[*].relevance_score",
                        }
                    },
                    "secret_parameters": {"api_key": secrets["customRerankApiKey"]},
                },
            },
        ),
        "elser-adaptive": (  # a deployment scaling with load
            "sparse_embedding",
            {
                "service": "elasticsearch",
                "service_settings": {
                    "model_id": ".elser_model_2",
                    "num_threads": 1,
                    "adaptive_allocations": {
                        "enabled": True,
                        "min_number_of_allocations": 1,
                        "max_number_of_allocations": 4,
                    },
                },
            },
        ),
        "e5-fixed": (  # a fixed-size deployment: its target, not a count still scaling
            "text_embedding",
            {
                "service": "elasticsearch",
                "service_settings": {
                    "model_id": ".multilingual-e5-small",
                    "num_threads": 1,
                    "num_allocations": 2,
                },
            },
        ),
    }
    for inference_id, (task_type, body) in endpoints.items():
        response = cluster.put(f"/_inference/{task_type}/{inference_id}", body)
        assert response.status_code == 200, response.text
    for inference_id in ("elser-adaptive", "e5-fixed"):
        _wait_until_allocated(cluster, inference_id)
    return secrets


def _wait_until_allocated(cluster: Cluster, deployment_id: str) -> None:
    for _ in range(200):
        stats = cluster.get(f"/_ml/trained_models/{deployment_id}/_stats").json()
        status = stats["trained_model_stats"][0]["deployment_stats"]["allocation_status"]
        if status["state"] == "fully_allocated":
            return
        time.sleep(0.05)
    raise AssertionError(f"deployment {deployment_id} never became fully allocated")


def run_import(
    cluster: Cluster, out: Path, *flags: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> str:
    """The command as a user runs it, the cluster's API key from the environment."""
    with monkeypatch.context() as env:
        env.setenv("ELASTICSEARCH_API_KEY", API_KEY)
        code = main(["import", "--url", cluster.url, "--out", str(out), *flags])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    return printed.out + printed.err


def configure_as_printed(stack: auto.Stack, printed: str, values: dict[str, str]) -> set[str]:
    """Runs every printed `pulumi config set` line, a placeholder replaced by its value."""
    keys = set()
    for line in printed.splitlines():
        words = shlex.split(line)
        if words[:3] != ["pulumi", "config", "set"]:
            continue
        secret = "--secret" in words
        key, value = [word for word in words[3:] if word != "--secret"]
        if value == PLACEHOLDER:
            value = values[key]  # every placeholder stands for a value the test knows
        stack.set_config(key, auto.ConfigValue(value, secret=secret))
        keys.add(key)
    return keys


def snapshot(cluster: Cluster) -> dict[str, Any]:
    """Every endpoint as GET shows it, its stored secrets, and each deployment's identity
    (a restart makes a new deployment; a rescale moves its change time)."""
    emulator = cluster.emulator
    ids = [i for i in cluster.all_ids() if i not in PRECONFIGURED_IDS]
    with emulator.state.lock:
        deployments = {
            key: (id(d), d.created_at, d.changed_at)
            for key, d in emulator.state.deployments.by_id.items()
        }
    return {
        "endpoints": {i: cluster.endpoint(i) for i in cluster.all_ids()},
        "secrets": {i: emulator.stored_secrets(i) for i in ids},
        "deployments": deployments,
    }


def assert_nothing_leaked(out: Path, printed: str, engine: Engine, secrets: dict[str, str]) -> None:
    written = "".join(path.read_text() for path in out.iterdir() if path.is_file())
    state = stored_state_text(engine)
    for value in [API_KEY, API_KEY_RAW, *secrets.values()]:
        assert value not in printed
        assert value not in written
        assert value not in state


def test_the_written_program_adopts_every_endpoint_without_changing_the_cluster(
    door: Door,
    engine: Engine,
    cluster: Cluster,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    native = door.native
    secrets = made_by_hand(cluster)
    out = tmp_path / "adopted"
    flags = ["--include-preconfigured", *(["--native"] if native else [])]
    printed = run_import(cluster, out, *flags, monkeypatch=monkeypatch, capsys=capsys)
    assert sorted(path.name for path in out.iterdir()) == [
        "Pulumi.yaml",
        "__main__.py",
        "requirements.txt",
    ]

    namespace = "elasticsearch-inference" if native else "elasticsearch"
    stack = engine.project_stack(out)
    keys = configure_as_printed(stack, printed, {f"{namespace}:apiKey": API_KEY, **secrets})
    assert keys == {f"{namespace}:url", f"{namespace}:apiKey", *secrets}

    before = snapshot(cluster)
    cluster.clear()
    result = stack.up(color="never")
    managed = 7  # and the three preconfigured endpoints, only read (not counted as changes)
    if native:
        assert changes(result.summary.resource_changes) == {
            "create": 1,  # the stack
            "import": managed,
            "update": 5,  # the API services, handed their secrets
        }
    else:
        assert changes(result.summary.resource_changes) == {"create": managed + 1}
    state = json.loads(export_without_secrets(stack))["deployment"]["resources"]
    read = {r["id"] for r in state if r.get("external") and r["type"].endswith("Endpoint")}
    assert read == PRECONFIGURED_IDS  # in the stack as references; destroy leaves them alone

    log = cluster.requests()
    assert not [e for e in log if e["method"] == "DELETE"], log
    assert not [e for e in log if "/deployment/_st" in e["path"]], log  # no _start, no _stop
    creates = [
        e
        for e in log
        if e["method"] == "PUT"
        and e["path"].startswith("/_inference/")
        and not e["path"].endswith("/_update")
    ]
    assert creates == []  # both doors look before they write: no refused create PUT
    updates = [(path, body) for method, path, body in cluster.bodies if path.endswith("/_update")]
    assert sorted(path.split("/")[3] for path, _ in updates) == [  # those with secrets
        "azure-embeddings",
        "bedrock-embeddings",
        "cohere-rerank",
        "custom-rerank",
        "openai-embeddings",
    ]
    for path, body in updates:  # only the secrets: nothing else changes, no deployment scales
        assert set(body) == {"service_settings"}, path
        assert set(body["service_settings"]) <= catalogue.SECRET_KEYS, path
    after = snapshot(cluster)  # same endpoints, same secrets, same deployments
    for part in ("endpoints", "secrets", "deployments"):
        for key, value in before[part].items():
            assert after[part][key] == value, (part, key)
        assert set(after[part]) == set(before[part]), part

    stack.preview(color="never", expect_no_changes=True)
    assert_nothing_leaked(out, printed, engine, secrets)
