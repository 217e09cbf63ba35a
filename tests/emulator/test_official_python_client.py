"""The official Python client (``elasticsearch``, the ``dev`` extra) against the emulator: every
method of ``client.inference``, each checked for status and parsed body against what
Elasticsearch answers (the specification's request examples in tests/fixtures/es_spec, the
result types of ``specification/inference``, and the REST tests the emulator README cites).

``test_every_inference_method_is_covered`` holds the list: a new method of a newer client fails
it until a test here calls it or it is listed, with the reason, in ``NOT_SERVED``.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_inference.emulator import Emulator, EmulatorConfig
from tests.emulator.test_emulator_fidelity import PAIRS, RESPONSES
from tests.support.fixtures import Example, examples, put_requests

elasticsearch = pytest.importorskip("elasticsearch", reason="the dev extra installs elasticsearch")

from elasticsearch import (  # noqa: E402 - after the skip above
    BadRequestError,
    ConflictError,
    Elasticsearch,
    NotFoundError,
)

SECRET_KEYS = {"api_key", "access_key", "secret_key", "service_account_json", "client_secret"}
HELPER_EXAMPLES = [e for e in put_requests() if e.api.startswith("put_")]
OPENAI = {"api_key": "sk-1", "model_id": "gpt-4o"}

# Methods called below, by the test that calls them.
COVERED = {
    "put": "test_put_and_get_as_the_put_example",
    "get": "test_put_and_get_as_the_put_example",
    "update": "test_update_and_its_refused_example",
    "delete": "test_delete_with_dry_run_and_force",
    "put_region_policy": "test_region_policy",
    "get_region_policy": "test_region_policy",
    "delete_region_policy": "test_region_policy",
    "inference": "test_inference_on_any_task_type",
    "text_embedding": "test_text_embedding",
    "sparse_embedding": "test_sparse_embedding",
    "rerank": "test_rerank",
    "completion": "test_completion",
    "embedding": "test_embedding",
    **{name: "test_put_with_each_service_helper" for name in {e.api for e in HELPER_EXAMPLES}},
}
NOT_SERVED: dict[str, str] = {}
"""Client methods the emulator does not serve, with why (none today)."""
STREAMED = {
    "inference.stream_completion": "POST /_inference/completion/{id}/_stream",
    "inference.chat_completion_unified": "POST /_inference/chat_completion/{id}/_stream",
}
"""APIs of the specification that elasticsearch-py has no method for (it leaves out the
``text/event-stream`` APIs): called with ``perform_request`` in ``test_streams``."""


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(version="9.5.0", deployment_seconds=0.05, eis=True)


@pytest.fixture
def es(emulator: Emulator) -> Iterator[Elasticsearch]:
    with Elasticsearch(emulator.url, request_timeout=10) as client:
        yield client


def public_methods() -> set[str]:
    return {
        name
        for name, _ in inspect.getmembers(
            elasticsearch.Elasticsearch("http://127.0.0.1:9").inference, inspect.ismethod
        )
        if not name.startswith("_") and name != "perform_request"
    }


def test_every_inference_method_is_covered() -> None:
    methods = public_methods()
    assert methods == set(COVERED) | set(NOT_SERVED), (
        f"not covered: {sorted(methods - set(COVERED) - set(NOT_SERVED))}; "
        f"gone from the client: {sorted(set(COVERED) - methods)}"
    )


def secret_paths(value: Any, prefix: str = "") -> list[str]:
    if isinstance(value, dict):
        return [
            path
            for key, child in value.items()
            for path in ([prefix + key] if key in SECRET_KEYS else [])
            + secret_paths(child, f"{prefix}{key}.")
        ]
    return []


def _helper_call(es: Elasticsearch, example: Example) -> Any:
    helper = getattr(es.inference, example.api)
    id_param = next(p for p in inspect.signature(helper).parameters if p.endswith("_inference_id"))
    task_type, inference_id = example.task_type_and_id
    body = example.body
    kwargs = {
        key: body[key]
        for key in ("service_settings", "task_settings", "chunking_settings")
        if key in body
    }
    return helper(
        task_type=task_type, service=body["service"], **{id_param: inference_id}, **kwargs
    )


@pytest.mark.parametrize("example", HELPER_EXAMPLES, ids=[e.name for e in HELPER_EXAMPLES])
def test_put_with_each_service_helper(
    es: Elasticsearch, emulator: Emulator, example: Example
) -> None:
    if example.name == "PutElasticsearchRequestExample6":  # uses a deployment of the ML API
        es.perform_request(
            "POST",
            "/_ml/trained_models/.elser_model_2/deployment/_start",
            params={"number_of_allocations": 2},
        )
    answer = _helper_call(es, example)
    task_type, inference_id = example.task_type_and_id
    assert answer.meta.status == 200
    service = example.body["service"]
    assert (answer["inference_id"], answer["task_type"], answer["service"]) == (
        inference_id,
        task_type.replace("-", "_"),
        "elasticsearch" if service == "elser" else service,
    )
    assert secret_paths(answer.body) == []
    got = es.inference.get(inference_id=inference_id)
    assert got["endpoints"][0]["inference_id"] == inference_id


@pytest.mark.parametrize("response_name", sorted(PAIRS))
def test_helpers_answer_as_the_response_examples(
    es: Elasticsearch, emulator: Emulator, response_name: str
) -> None:
    """Where the specification has the answer too, the helper's parsed body has its shape."""
    request_name, version = PAIRS[response_name]
    emulator.set_version(version)
    (example,) = [e for e in HELPER_EXAMPLES if f"{e.api}/{e.name}" == request_name]
    if example.name == "PutElasticsearchRequestExample6":
        es.perform_request(
            "POST",
            "/_ml/trained_models/.elser_model_2/deployment/_start",
            params={"number_of_allocations": 2},
        )
    answer = _helper_call(es, example).body
    expected = RESPONSES[response_name]["body"]
    assert list(answer) == list(expected)
    assert set(answer["service_settings"]) == set(expected["service_settings"])
    assert (answer["service"], answer["task_type"]) == (expected["service"], expected["task_type"])
    for section in ("task_settings", "chunking_settings"):
        if section in expected:
            assert answer[section] == expected[section]


def test_put_and_get_as_the_put_example(es: Elasticsearch) -> None:
    (example,) = [e for e in examples("request", "put") if e.api == "put"]
    task_type, inference_id = example.task_type_and_id
    created = es.inference.put(
        task_type=task_type, inference_id=inference_id, inference_config=example.body
    )
    assert created.meta.status == 200
    assert created.body == {
        "inference_id": "my-rerank-model",
        "task_type": "rerank",
        "service": "cohere",
        "service_settings": {
            "model_id": "rerank-english-v3.0",
            "rate_limit": {"requests_per_minute": 10000},
        },
    }
    assert es.inference.get(inference_id=inference_id).body == {"endpoints": [created.body]}
    listed = es.inference.get()["endpoints"]
    assert [e["inference_id"] for e in listed] == sorted(e["inference_id"] for e in listed)
    with pytest.raises(NotFoundError) as missing:
        es.inference.get(inference_id="nope")
    assert missing.value.body["error"]["reason"] == "Inference endpoint not found [nope]"


def test_update_and_its_refused_example(es: Elasticsearch) -> None:
    es.inference.put_openai(
        task_type="completion",
        openai_inference_id="my-inference-endpoint",
        service="openai",
        service_settings=OPENAI,
    )
    updated = es.inference.update(
        inference_id="my-inference-endpoint",
        task_type="completion",
        inference_config={"task_settings": {"user": "me"}},
    )
    assert updated.meta.status == 200
    assert updated["task_settings"] == {"user": "me"}
    (example,) = [e for e in examples("request", "update")]
    with pytest.raises(BadRequestError) as refused:  # it sends `service`, which ES refuses
        es.inference.update(inference_id="my-inference-endpoint", inference_config=example.body)
    assert refused.value.body["error"]["reason"].startswith(
        "Request contained fields which cannot be updated"
    )


def test_delete_with_dry_run_and_force(es: Elasticsearch) -> None:
    es.inference.put_openai(
        task_type="text_embedding",
        openai_inference_id="used",
        service="openai",
        service_settings={"api_key": "k", "model_id": "text-embedding-3-small"},
    )
    es.ingest.put_pipeline(id="p", processors=[{"inference": {"model_id": "used"}}])
    dry = es.inference.delete(inference_id="used", dry_run=True)
    assert dry.body == {
        "acknowledged": False,
        "pipelines": ["p"],
        "indexes": [],
        "error_message": dry["error_message"],
    }
    assert "is referenced by pipelines: [p]" in dry["error_message"]
    with pytest.raises(ConflictError):
        es.inference.delete(inference_id="used", task_type="text_embedding")
    forced = es.inference.delete(inference_id="used", force=True)
    assert forced.body == {"acknowledged": True, "pipelines": [], "indexes": []}
    with pytest.raises(NotFoundError):
        es.inference.get(inference_id="used")


def test_region_policy(es: Elasticsearch) -> None:
    with pytest.raises(NotFoundError):
        es.inference.get_region_policy()
    put = es.inference.put_region_policy(region_policy={"allowed_geos": ["eu"]})
    assert put.meta.status == 200
    assert put["region_policy"] == {"allowed_geos": ["eu"]}
    assert es.inference.get_region_policy().body == put.body
    assert es.inference.delete_region_policy().body == {"acknowledged": True}


def test_inference_on_any_task_type(es: Elasticsearch) -> None:
    es.inference.put_openai(
        task_type="completion",
        openai_inference_id="comp",
        service="openai",
        service_settings=OPENAI,
    )
    assert es.inference.inference(inference_id="comp", input="What is Elastic?").body == {
        "completion": [{"result": "WHAT IS ELASTIC?"}]
    }
    assert es.inference.inference(inference_id="comp", task_type="completion", input="hi").body == {
        "completion": [{"result": "HI"}]
    }
    with pytest.raises(BadRequestError) as wrong:
        es.inference.inference(inference_id="comp", task_type="sparse_embedding", input="hi")
    assert wrong.value.body["error"]["reason"] == (
        "Incompatible task_type, the requested type [sparse_embedding] does not match the model "
        "type [completion]"
    )


def test_text_embedding(es: Elasticsearch) -> None:
    es.inference.put_openai(
        task_type="text_embedding",
        openai_inference_id="emb",
        service="openai",
        service_settings={"api_key": "k", "model_id": "text-embedding-3-small", "dimensions": 128},
    )
    # TextEmbeddingRequestExample1 (its input_type, in the example's case)
    r = es.inference.text_embedding(
        inference_id="emb",
        input="The sky above the port was the color of television tuned to a dead channel.",
        input_type="ingest",
    )
    assert r.meta.status == 200
    (only,) = r["text_embedding"]
    assert len(only["embedding"]) == 128 and all(isinstance(v, float) for v in only["embedding"])


def test_sparse_embedding(es: Elasticsearch) -> None:
    r = es.inference.sparse_embedding(
        inference_id=".elser-2-elasticsearch",  # preconfigured; its first call starts it
        input="The sky above the port was the color of television tuned to a dead channel.",
    )
    (only,) = r["sparse_embedding"]
    assert only["is_truncated"] is False
    assert {"sky", "port", "television"} <= set(only["embedding"])


def test_rerank(es: Elasticsearch) -> None:
    es.inference.put(
        task_type="rerank",
        inference_id="bge-reranker-base-mkn",
        inference_config={
            "service": "hugging_face",
            "service_settings": {"api_key": "k", "url": "http://h"},
        },
    )
    docs = ["luke", "like", "leia", "chewy", "r2d2", "star", "wars"]
    # RerankRequestExample2 and 3 (their top_n and return_documents)
    r = es.inference.rerank(
        inference_id="bge-reranker-base-mkn",
        input=docs,
        query="star wars main character",
        return_documents=False,
        top_n=2,
    )
    assert r.body == {
        "rerank": [{"index": 5, "relevance_score": 0.25}, {"index": 6, "relevance_score": 0.25}]
    }
    r = es.inference.rerank(
        inference_id="bge-reranker-base-mkn",
        input=docs,
        query="star wars main character",
        return_documents=True,
        top_n=3,
    )
    assert [e["text"] for e in r["rerank"]] == ["star", "wars", "luke"]


def test_completion(es: Elasticsearch) -> None:
    es.inference.put_openai(
        task_type="completion",
        openai_inference_id="openai_completions",
        service="openai",
        service_settings=OPENAI,
    )
    r = es.inference.completion(inference_id="openai_completions", input="What is Elastic?")
    assert r.body == {"completion": [{"result": "WHAT IS ELASTIC?"}]}
    with pytest.raises(NotFoundError):
        es.inference.completion(inference_id="nope", input="x")


@pytest.mark.filterwarnings("ignore:This API is in technical preview")  # a preview API
def test_embedding(es: Elasticsearch) -> None:
    es.inference.put_jinaai(
        task_type="embedding",
        jinaai_inference_id="my-text-only-endpoint",
        service="jinaai",
        service_settings={"api_key": "k", "model_id": "jina-embeddings-v4"},
    )
    # EmbeddingRequestExample2 and 1
    r = es.inference.embedding(
        inference_id="my-text-only-endpoint",
        embedding={"input": ["The first text", "The second text"]},
    )
    assert [len(e["embedding"]) for e in r["embeddings"]] == [2048, 2048]
    image = {"content": {"type": "image", "format": "base64", "value": "data:image/jpeg;base64,AA"}}
    text = {"content": {"type": "text", "value": "Some text to create an embedding"}}
    r = es.inference.embedding(
        inference_id="my-text-only-endpoint", embedding={"input": [image, text]}
    )
    assert len(r["embeddings"]) == 2


def _events(text: str) -> list[Any]:
    return [
        json.loads(block.split("data: ", 1)[1]) if "[DONE]" not in block else "[DONE]"
        for block in text.split("\n\n")
        if block
    ]


def test_streams(es: Elasticsearch) -> None:
    """The two streamed APIs, as a user of this client calls them (see ``STREAMED``)."""
    es.inference.put_openai(
        task_type="completion",
        openai_inference_id="openai-completion",
        service="openai",
        service_settings=OPENAI,
    )
    es.inference.put_openai(
        task_type="chat_completion",
        openai_inference_id="chat",
        service="openai",
        service_settings=OPENAI,
    )
    headers = {"accept": "text/event-stream", "content-type": "application/json"}
    r = es.perform_request(
        "POST",
        "/_inference/completion/openai-completion/_stream",
        headers=headers,
        body={"input": "What is Elastic?"},
    )
    assert (r.meta.status, r.meta.headers["content-type"]) == (200, "text/event-stream")
    assert _events(r.body) == [
        {"completion": [{"delta": "WHAT"}]},
        {"completion": [{"delta": " IS"}]},
        {"completion": [{"delta": " ELASTIC?"}]},
        "[DONE]",
    ]
    # PostChatCompletionRequestExample1
    r = es.perform_request(
        "POST",
        "/_inference/chat_completion/chat/_stream",
        headers=headers,
        body={"model": "gpt-4o", "messages": [{"role": "user", "content": "What is Elastic?"}]},
    )
    chunks = _events(r.body)
    assert chunks[-1] == "[DONE]"
    assert chunks[0]["choices"][0]["delta"] == {"content": "", "role": "assistant"}
    assert chunks[-2]["usage"] == {"completion_tokens": 3, "prompt_tokens": 3, "total_tokens": 6}
