"""The official Node.js client (``@elastic/elasticsearch``) against the emulator: every
``client.inference`` method, each checked for status and parsed body, as the Python client's
are in test_official_python_client.py. Skipped, visibly, without ``node`` and ``npm``.

The client is installed once per lockfile (tests/support/node_client.py) and all calls run in
one Node.js process per module (``answers``), so the module costs about a second after that.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_inference.emulator import Emulator, EmulatorConfig
from tests.support.fixtures import Example, put_requests
from tests.support.node_client import client_version, installed_client, run_plan
from tests.support.sdk_builds import missing_tools

pytestmark = pytest.mark.skipif(
    bool(missing_tools("node", "npm")),
    reason="Node.js and npm are needed to run @elastic/elasticsearch (not found on PATH)",
)

OPENAI = {"api_key": "sk-1", "model_id": "gpt-4o"}
DOCS = ["luke", "like", "leia", "chewy", "r2d2", "star", "wars"]
HELPER_EXAMPLES = [e for e in put_requests() if e.api.startswith("put_")]
NOT_IN_THIS_CLIENT = {
    "putRegionPolicy": "added in @elastic/elasticsearch 9.5, which needs Node.js 22",
    "getRegionPolicy": "added in @elastic/elasticsearch 9.5, which needs Node.js 22",
    "deleteRegionPolicy": "added in @elastic/elasticsearch 9.5, which needs Node.js 22",
}
"""Methods of the newest client that the pinned one lacks (tests/support/node_client.py); the
Python client's test covers their routes."""


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _id_param(example: Example) -> str:
    """The helper's id parameter, as the specification names it (``huggingface_inference_id``)."""
    return {
        "put_hugging_face": "huggingface_inference_id",
        "put_openshift_ai": "openshiftai_inference_id",
    }.get(example.api, example.api.removeprefix("put_") + "_inference_id")


def helper_call(example: Example) -> dict[str, Any]:
    task_type, inference_id = example.task_type_and_id
    params = {"task_type": task_type, _id_param(example): inference_id}
    params.update(
        {
            k: v
            for k, v in example.body.items()
            if k in {"service", "service_settings", "task_settings", "chunking_settings"}
        }
    )
    return {"name": example.name, "method": "inference." + camel(example.api), "params": params}


def helper_then_delete(example: Example) -> list[dict[str, Any]]:
    """The helper's call, then the endpoint forced away (several examples share an id)."""
    _, inference_id = example.task_type_and_id
    forced = {
        "name": f"{example.name} delete",
        "method": "inference.delete",
        "params": {"inference_id": inference_id, "force": True},
    }
    return [helper_call(example), forced]


def call(name: str, method: str, stream: bool = False, **params: Any) -> dict[str, Any]:
    return {"name": name, "method": f"inference.{method}", "params": params, "stream": stream}


def plan() -> list[dict[str, Any]]:
    emb = {"api_key": "k", "model_id": "text-embedding-3-small", "dimensions": 64}
    jina = {"api_key": "k", "model_id": "jina-embeddings-v4"}
    return [
        *(step for e in HELPER_EXAMPLES for step in helper_then_delete(e)),
        call(
            "put",
            "put",
            task_type="completion",
            inference_id="comp",
            inference_config={"service": "openai", "service_settings": OPENAI},
        ),
        call("get", "get", inference_id="comp"),
        call(
            "update",
            "update",
            task_type="completion",
            inference_id="comp",
            inference_config={"task_settings": {"user": "me"}},
        ),
        call(
            "putOpenai",
            "putOpenai",
            task_type="chat_completion",
            openai_inference_id="chat",
            service="openai",
            service_settings=OPENAI,
        ),
        call(
            "put emb",
            "putOpenai",
            task_type="text_embedding",
            openai_inference_id="emb",
            service="openai",
            service_settings=emb,
        ),
        call(
            "put rerank",
            "putCohere",
            task_type="rerank",
            cohere_inference_id="rr",
            service="cohere",
            service_settings={"api_key": "k", "model_id": "rerank-v3.5"},
        ),
        call(
            "put embedding",
            "putJinaai",
            task_type="embedding",
            jinaai_inference_id="mm",
            service="jinaai",
            service_settings=jina,
        ),
        call("inference", "inference", inference_id="comp", input="What is Elastic?"),
        call("textEmbedding", "textEmbedding", inference_id="emb", input=["a b", "a c"]),
        call(
            "sparseEmbedding",
            "sparseEmbedding",
            inference_id=".elser-2-elasticsearch",
            input="the sky above the port",
        ),
        call(
            "rerank",
            "rerank",
            inference_id="rr",
            input=DOCS,
            query="star wars main character",
            return_documents=False,
            top_n=2,
        ),
        call("completion", "completion", inference_id="comp", input="What is Elastic?"),
        call(
            "embedding",
            "embedding",
            inference_id="mm",
            embedding={"input": ["The first text", "The second text"]},
        ),
        call("streamCompletion", "streamCompletion", True, inference_id="comp", input="hi there"),
        call(
            "chatCompletionUnified",
            "chatCompletionUnified",
            True,
            inference_id="chat",
            chat_completion_request={"messages": [{"role": "user", "content": "hi there"}]},
        ),
        call("missing", "completion", inference_id="nope", input="x"),
        call("delete dry_run", "delete", inference_id="emb", dry_run=True),
        call("delete", "delete", inference_id="emb"),
        call("delete force", "delete", inference_id="comp", force=True),
    ]


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(version="9.5.0", deployment_seconds=0.05)


@pytest.fixture(scope="module")
def client_folder() -> Path:
    return installed_client()


@pytest.fixture(scope="module")
def answers(
    emulator_server: Emulator, client_folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    emulator_server.reset()
    with httpx.Client(base_url=emulator_server.url) as http:
        http.post(
            "/_ml/trained_models/.elser_model_2/deployment/_start",
            params={"number_of_allocations": 2},
        )
        http.put("/_ingest/pipeline/p", json={"processors": [{"inference": {"model_id": "emb"}}]})
    steps = plan()
    results = run_plan(client_folder, emulator_server.url, steps, tmp_path_factory.mktemp("node"))
    yield {step["name"]: result for step, result in zip(steps, results, strict=True)}
    emulator_server.reset()


def test_the_pinned_client_is_the_one_installed(client_folder: Path) -> None:
    lock = json.loads((client_folder / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/@elastic/elasticsearch"]["version"]
    assert client_version(client_folder) == pinned


def test_every_inference_method_is_covered(client_folder: Path) -> None:
    listed = client_folder / "node_modules/@elastic/elasticsearch/lib/api/api/inference.js"
    methods = set(re.findall(r"^    async (\w+)\(", listed.read_text(), re.M))
    called = {step["method"].split(".")[1] for step in plan()}
    assert methods - called == set(), "methods of the client no test calls"
    newest = pytest.importorskip("elasticsearch").Elasticsearch("http://127.0.0.1:9").inference
    python_names = {
        camel(name)
        for name, _ in inspect.getmembers(newest, inspect.ismethod)
        if not name.startswith("_") and name != "perform_request"
    }
    # what the newest client has beyond the pinned one is listed, with why
    assert python_names - methods - {"streamCompletion"} == set(NOT_IN_THIS_CLIENT)


@pytest.mark.parametrize("example", HELPER_EXAMPLES, ids=[e.name for e in HELPER_EXAMPLES])
def test_put_with_each_service_helper(answers: dict[str, Any], example: Example) -> None:
    got = answers[example.name]
    assert got["status"] == 200, got
    task_type, inference_id = example.task_type_and_id
    service = example.body["service"]
    assert (got["body"]["inference_id"], got["body"]["task_type"], got["body"]["service"]) == (
        inference_id,
        task_type.replace("-", "_"),
        "elasticsearch" if service == "elser" else service,
    )
    assert "api_key" not in got["body"]["service_settings"]
    assert answers[f"{example.name} delete"]["body"]["acknowledged"] is True


def test_put_get_update(answers: dict[str, Any]) -> None:
    assert answers["put"]["status"] == 200
    assert answers["get"]["body"] == {"endpoints": [answers["put"]["body"]]}
    assert answers["update"]["body"]["task_settings"] == {"user": "me"}


def test_inference_calls(answers: dict[str, Any]) -> None:
    assert answers["inference"]["body"] == {"completion": [{"result": "WHAT IS ELASTIC?"}]}
    assert answers["completion"]["body"] == answers["inference"]["body"]
    vectors = [e["embedding"] for e in answers["textEmbedding"]["body"]["text_embedding"]]
    assert [len(v) for v in vectors] == [64, 64] and vectors[0] != vectors[1]
    sparse = answers["sparseEmbedding"]["body"]["sparse_embedding"][0]
    assert set(sparse["embedding"]) == {"the", "sky", "above", "port"}
    assert answers["rerank"]["body"] == {
        "rerank": [{"index": 5, "relevance_score": 0.25}, {"index": 6, "relevance_score": 0.25}]
    }
    assert [len(e["embedding"]) for e in answers["embedding"]["body"]["embeddings"]] == [2048] * 2


def _data(stream: str) -> list[str]:
    return [block.split("data: ", 1)[1] for block in stream.split("\n\n") if block]


def test_streams(answers: dict[str, Any]) -> None:
    completion = answers["streamCompletion"]
    assert (completion["status"], completion["contentType"]) == (200, "text/event-stream")
    assert _data(completion["body"]) == [
        '{"completion":[{"delta":"HI"}]}',
        '{"completion":[{"delta":" THERE"}]}',
        "[DONE]",
    ]
    chat = _data(answers["chatCompletionUnified"]["body"])
    assert chat[-1] == "[DONE]"
    content = "".join(
        c["choices"][0]["delta"].get("content", "")
        for c in map(json.loads, chat[:-1])
        if c["choices"]
    )
    assert content == "HI THERE"


def test_errors_and_delete(answers: dict[str, Any]) -> None:
    missing = answers["missing"]
    assert (missing["status"], missing["name"]) == (404, "ResponseError")
    assert missing["error"]["error"]["reason"] == "Inference endpoint not found [nope]"
    dry = answers["delete dry_run"]["body"]
    assert (dry["acknowledged"], dry["pipelines"]) == (False, ["p"])
    assert answers["delete"]["status"] == 409
    assert answers["delete force"]["body"] == {"acknowledged": True, "pipelines": [], "indexes": []}
