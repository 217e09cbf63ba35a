"""Inference calls on the emulator (``POST /_inference/...``), at each emulated version.

Shapes from Elasticsearch's result classes and the specification's examples
(``specification/inference/*/examples``); the deterministic rules are the ones
pulumi_inference/emulator/README.md states ("Inference results"), checked here as a user
would assert on them.
"""

from __future__ import annotations

import json
import math
from typing import Any

import httpx
import pytest

from pulumi_inference.emulator import ApiKey, Emulator, EmulatorConfig

# Every version where an inference call behaves differently, and the newest.
VERSIONS = [
    "8.11.0",
    "8.13.0",
    "8.14.0",
    "8.16.0",
    "8.17.0",
    "8.18.0",
    "9.0.0",
    "9.1.0",
    "9.4.0",
    "9.5.0",
]
TASK_TYPE_SINCE = {
    "text_embedding": "8.11.0",
    "sparse_embedding": "8.11.0",
    "completion": "8.12.0",
    "rerank": "8.14.0",
    "chat_completion": "8.18.0",
    "embedding": "9.4.0",
}
OPENAI = {"service": "openai", "service_settings": {"api_key": "sk-1", "model_id": "gpt-4o"}}
EMBEDDINGS = {
    "service": "openai",
    "service_settings": {"api_key": "sk-1", "model_id": "text-embedding-3-small"},
}
ELSER = {
    "service": "elasticsearch",
    "service_settings": {"model_id": ".elser_model_2", "num_threads": 1, "num_allocations": 1},
}
COHERE_RERANK = {
    "service": "cohere",
    "service_settings": {"api_key": "k", "model_id": "rerank-v3.5"},
}
JINA = {"service": "jinaai", "service_settings": {"api_key": "k", "model_id": "jina-embeddings-v4"}}
# The specification's rerank example (RerankRequestExample1-3).
DOCS = ["luke", "like", "leia", "chewy", "r2d2", "star", "wars"]
QUERY = "star wars main character"
ENDPOINTS: dict[str, dict[str, Any]] = {
    "text_embedding": EMBEDDINGS,
    "sparse_embedding": ELSER,
    "completion": OPENAI,
    "rerank": COHERE_RERANK,
    "chat_completion": OPENAI,
    "embedding": JINA,
}


def vtuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def put(
    client: httpx.Client, task: str, ident: str, body: dict[str, Any], *, ready: bool = True
) -> None:
    """Create an endpoint; one on ML nodes is made ready at once (a user waits for it)."""
    r = client.put(f"/_inference/{task}/{ident}", json=body)
    assert r.status_code == 200, r.text
    if ready and body["service"] == "elasticsearch":
        assert client.post(f"/_emulator/deployments/{ident}/ready").status_code == 200


def events(text: str) -> list[tuple[str, str]]:
    """(event, data) pairs of a server-sent-event stream, each event led by a byte-order mark
    as Elasticsearch writes it."""
    out = []
    for block in text.split("\n\n"):
        if not block:
            continue
        assert block.startswith("\ufeffevent: "), block
        head, data = block[1:].split("\n")
        out.append((head.removeprefix("event: "), data.removeprefix("data: ")))
    return out


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True)) / math.sqrt(
        sum(x * x for x in a) * sum(y * y for y in b)
    )


def embed(client: httpx.Client, ident: str, *texts: str) -> list[list[float]]:
    r = client.post(f"/_inference/text_embedding/{ident}", json={"input": list(texts)})
    assert r.status_code == 200, r.text
    return [e["embedding"] for e in r.json()["text_embedding"]]


# ----------------------------------------------------------------------------- every version


def call_body(task: str) -> dict[str, Any]:
    if task == "rerank":
        return {"input": DOCS, "query": QUERY}
    if task == "chat_completion":
        return {"messages": [{"role": "user", "content": "What is Elastic?"}]}
    return {"input": "What is Elastic?"}


def assert_shape(task: str, answer: dict[str, Any]) -> None:
    if task == "text_embedding":
        assert [len(e["embedding"]) for e in answer["text_embedding"]] == [1536]
    elif task == "embedding":
        assert [len(e["embedding"]) for e in answer["embeddings"]] == [2048]
    elif task == "sparse_embedding":
        (only,) = answer["sparse_embedding"]
        assert only["is_truncated"] is False
        assert set(only["embedding"]) == {"what", "is", "elastic"}
    elif task == "rerank":
        assert [(e["index"], e["text"]) for e in answer["rerank"][:2]] == [(5, "star"), (6, "wars")]
    else:
        assert answer == {"completion": [{"result": "WHAT IS ELASTIC?"}]}


@pytest.mark.parametrize("version", VERSIONS)
def test_each_task_type_answers_in_its_shape_or_is_unknown_at_each_version(
    client: httpx.Client, emulator: Emulator, version: str
) -> None:
    emulator.set_version(version)
    for task, since in TASK_TYPE_SINCE.items():
        path = f"/_inference/{task}/{task.replace('_', '-')}"
        if vtuple(version) < vtuple(since):
            r = client.post(path, json=call_body(task))
            assert r.status_code == 400, (task, r.text)
            assert r.json()["error"]["reason"] == f"Unknown task_type [{task}]"
            continue
        put(client, task, task.replace("_", "-"), ENDPOINTS[task])
        stream = task == "chat_completion"
        r = client.post(path + ("/_stream" if stream else ""), json=call_body(task))
        assert r.status_code == 200, (task, r.text)
        if stream:
            assert events(r.text)[-1] == ("message", "[DONE]")
        else:
            assert_shape(task, r.json())


@pytest.mark.parametrize("version", VERSIONS)
def test_streams_and_the_one_segment_path_exist_from_their_versions(
    client: httpx.Client, emulator: Emulator, version: str
) -> None:
    emulator.set_version(version)
    put(client, "completion", "chat", OPENAI)
    stream = client.post("/_inference/completion/chat/_stream", json={"input": "hi there"})
    one_segment = client.post("/_inference/chat", json={"input": "hi there"})
    if vtuple(version) >= (8, 16, 0):
        assert stream.status_code == 200
        assert stream.headers["content-type"] == "text/event-stream"
    else:
        assert stream.json() == {
            "error": "no handler found for uri [/_inference/completion/chat/_stream] and method "
            "[POST]",
            "status": 400,
        }
    if vtuple(version) >= (8, 13, 0):
        assert one_segment.json() == {"completion": [{"result": "HI THERE"}]}
    else:
        assert one_segment.status_code == 400
        assert one_segment.json()["error"].startswith("no handler found for uri [/_inference/chat]")


@pytest.mark.parametrize("version", VERSIONS)
def test_preconfigured_endpoints_answer_from_8_16(
    client: httpx.Client, emulator: Emulator, version: str
) -> None:
    emulator.set_version(version)
    r = client.post(
        "/_inference/text_embedding/.multilingual-e5-small-elasticsearch", json={"input": "hi"}
    )
    if vtuple(version) < (8, 16, 0):
        assert r.status_code == 404
        assert r.json()["error"]["reason"] == (
            "Inference endpoint not found [.multilingual-e5-small-elasticsearch]"
        )
        return
    assert r.status_code == 200, r.text
    assert len(r.json()["text_embedding"][0]["embedding"]) == 384
    # Its first call started its deployment, as Elasticsearch starts a default endpoint's.
    stats = client.get("/_ml/trained_models/.multilingual-e5-small-elasticsearch/_stats").json()
    assert stats["trained_model_stats"][0]["deployment_stats"]["allocation_status"] == {
        "allocation_count": 1,
        "target_allocation_count": 1,
        "state": "fully_allocated",
    }


# ----------------------------------------------------------------------------- the rules


def test_dense_vectors_follow_the_stated_rule(client: httpx.Client) -> None:
    put(client, "text_embedding", "emb", EMBEDDINGS)
    a, b, c, a_again = embed(
        client,
        "emb",
        "the quick brown fox",
        "the quick red fox",
        "lorem ipsum",
        "the quick brown fox",
    )
    assert a == a_again  # same text, same vector
    assert a != b
    assert abs(math.sqrt(sum(v * v for v in a)) - 1) < 1e-5  # unit length (dot_product)
    # cosine of the word counts, with the whole text weighing 1/4: 3 shared words of 4 each.
    assert cosine(a, b) == pytest.approx(3 / (4 + 1 / 16), abs=0.02)
    assert cosine(a, c) == pytest.approx(0, abs=0.05)
    assert embed(client, "emb", "Fox, the QUICK brown!")[0] != a  # same words, other text
    assert cosine(embed(client, "emb", "Fox, the QUICK brown!")[0], a) > 0.9


def test_two_endpoints_of_one_model_answer_alike_and_other_models_differ(
    client: httpx.Client,
) -> None:
    put(client, "text_embedding", "one", EMBEDDINGS)
    put(client, "text_embedding", "two", EMBEDDINGS)
    other = {
        **EMBEDDINGS,
        "service_settings": {"api_key": "k", "model_id": "text-embedding-ada-002"},
    }
    put(client, "text_embedding", "three", other)
    assert embed(client, "one", "hello") == embed(client, "two", "hello")
    assert embed(client, "one", "hello") != embed(client, "three", "hello")


def test_dimensions_and_element_types_are_the_endpoints(client: httpx.Client) -> None:
    put(
        client,
        "text_embedding",
        "small",
        {**EMBEDDINGS, "service_settings": {**EMBEDDINGS["service_settings"], "dimensions": 64}},
    )
    assert [len(v) for v in embed(client, "small", "a", "b")] == [64, 64]
    for kind, key, length in (
        ("byte", "text_embedding_bytes", 1024),
        ("binary", "text_embedding_bits", 128),
    ):
        put(
            client,
            "text_embedding",
            f"co-{kind}",
            {
                "service": "cohere",
                "service_settings": {
                    "api_key": "k",
                    "model_id": "embed-v4.0",
                    "embedding_type": kind,
                },
            },
        )
        r = client.post(f"/_inference/text_embedding/co-{kind}", json={"input": "hi"})
        (only,) = r.json()[key]
        assert len(only["embedding"]) == length
        assert all(isinstance(v, int) and -128 <= v <= 127 for v in only["embedding"])


def test_sparse_weights_count_words_heaviest_first_and_elser_reads_512(
    client: httpx.Client,
) -> None:
    put(client, "sparse_embedding", "elser", ELSER)
    r = client.post(
        "/_inference/sparse_embedding/elser",
        json={"input": ["port port sky", " ".join(f"w{i}" for i in range(600))]},
    )
    first, long = r.json()["sparse_embedding"]
    assert list(first["embedding"]) == ["port", "sky"]
    assert 2 <= first["embedding"]["port"] < 3 and 1 <= first["embedding"]["sky"] < 2
    assert long["is_truncated"] is True and len(long["embedding"]) == 512
    again = client.post("/_inference/sparse_embedding/elser", json={"input": "port port sky"})
    assert again.json()["sparse_embedding"][0] == first


def test_rerank_scores_shared_query_words_and_honours_top_n_and_return_documents(
    client: httpx.Client, emulator: Emulator
) -> None:
    emulator.set_version("9.1.0")
    put(client, "rerank", "rr", COHERE_RERANK)
    r = client.post("/_inference/rerank/rr", json={"input": DOCS, "query": QUERY})
    assert [(e["index"], e["relevance_score"]) for e in r.json()["rerank"]] == [
        (5, 0.25),
        (6, 0.25),
        (0, 0.0),
        (1, 0.0),
        (2, 0.0),
        (3, 0.0),
        (4, 0.0),
    ]
    # RerankRequestExample2: top 2, no documents.
    r = client.post(
        "/_inference/rerank/rr",
        json={"input": DOCS, "query": QUERY, "return_documents": False, "top_n": 2},
    )
    assert r.json() == {
        "rerank": [{"index": 5, "relevance_score": 0.25}, {"index": 6, "relevance_score": 0.25}]
    }
    emulator.set_version("9.0.0")  # before RERANK_COMMON_OPTIONS_ADDED: the task settings only
    r = client.post("/_inference/rerank/rr", json={"input": DOCS, "query": QUERY, "top_n": 2})
    assert r.status_code == 400
    assert (
        r.json()["error"]["reason"]
        == "[1:2] [cluster:internal/xpack/inference] unknown field [top_n]"
    )
    r = client.post(
        "/_inference/rerank/rr", json={"input": DOCS, "query": QUERY, "task_settings": {"top_n": 1}}
    )
    assert r.json()["rerank"] == [{"index": 5, "relevance_score": 0.25, "text": "star"}]


def test_completion_streams_the_same_answer_piece_by_piece(client: httpx.Client) -> None:
    put(client, "completion", "comp", OPENAI)
    whole = client.post("/_inference/completion/comp", json={"input": "What is Elastic?"})
    assert whole.json() == {"completion": [{"result": "WHAT IS ELASTIC?"}]}
    r = client.post("/_inference/completion/comp/_stream", json={"input": "What is Elastic?"})
    stream = events(r.text)
    assert stream[-1] == ("message", "[DONE]")
    deltas = [json.loads(data)["completion"][0]["delta"] for _, data in stream[:-1]]
    assert deltas == ["WHAT", " IS", " ELASTIC?"]


def test_chat_completion_streams_openai_chunks(client: httpx.Client) -> None:
    put(client, "chat_completion", "chat", OPENAI)
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "What is Elastic?"}]}
    r = client.post("/_inference/chat_completion/chat/_stream", json=body)
    assert r.status_code == 200
    chunks = [json.loads(d) for _, d in events(r.text)[:-1]]
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    assert len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"] == [{"delta": {"content": "", "role": "assistant"}, "index": 0}]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert text == "WHAT IS ELASTIC?"
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["total_tokens"] == 6
    # the array form of content (PostChatCompletionRequestExample3)
    body = {"messages": [{"role": "user", "content": [{"type": "text", "text": "scarf price"}]}]}
    r = client.post("/_inference/chat/_stream", json=body)
    assert "SCARF" in r.text


# ----------------------------------------------------------------------------- errors


def test_errors_of_the_request_and_of_the_endpoint(client: httpx.Client) -> None:
    put(client, "completion", "comp", OPENAI)
    put(client, "chat_completion", "chat", OPENAI)
    cases = [
        (
            "/_inference/completion/nope",
            {"input": "x"},
            404,
            "resource_not_found_exception",
            "Inference endpoint not found [nope]",
        ),
        (
            "/_inference/text_embedding/comp",
            {"input": "x"},
            400,
            "status_exception",
            "Incompatible task_type, the requested type [text_embedding] does not match the model "
            "type [completion]",
        ),
        (
            "/_inference/completion/comp",
            {},
            400,
            "action_request_validation_exception",
            "Validation Failed: 1: Field [input] cannot be null;",
        ),
        (
            "/_inference/completion/comp",
            {"input": []},
            400,
            "action_request_validation_exception",
            "Validation Failed: 1: Field [input] cannot be an empty array;",
        ),
        (
            "/_inference/rerank/comp",
            {"input": ["a"]},
            400,
            "action_request_validation_exception",
            "Validation Failed: 1: Field [query] cannot be null for task type [rerank];",
        ),
        (
            "/_inference/completion/comp",
            {"input": "x", "bad": 1},
            400,
            "x_content_parse_exception",
            "[1:2] [cluster:internal/xpack/inference] unknown field [bad]",
        ),
        (
            "/_inference/chat_completion/chat",
            {"messages": []},
            400,
            "unified_chat_completion_exception",
            "The [chat_completion] task type only supports streaming, please try again with the "
            "_stream API",
        ),
        (
            "/_inference/bogus/comp",
            {"input": "x"},
            400,
            "status_exception",
            "Unknown task_type [bogus]",
        ),
    ]
    for path, body, status, type_, reason in cases:
        r = client.post(path, json=body)
        assert (r.status_code, r.json()["error"]["type"], r.json()["error"]["reason"]) == (
            status,
            type_,
            reason,
        ), path


def test_stream_errors_are_error_events(client: httpx.Client) -> None:
    put(client, "text_embedding", "emb", EMBEDDINGS)
    r = client.post("/_inference/chat_completion/nope/_stream", json={"messages": []})
    assert r.status_code == 404
    assert events(r.text) == [
        (
            "error",
            json.dumps(
                {
                    "error": {
                        "code": "not_found",
                        "message": "Inference endpoint not found [nope]",
                        "type": "resource_not_found_exception",
                    }
                },
                separators=(",", ":"),
            ),
        )
    ]
    r = client.post("/_inference/text_embedding/emb/_stream", json={"input": "x"})
    assert r.status_code == 405
    ((kind, data),) = events(r.text)
    assert kind == "error"
    assert json.loads(data)["error"]["reason"] == (
        "Streaming is not allowed for service [openai] and task [text_embedding]. "
        "Supported tasks: [completion,chat_completion]"
    )
    assert json.loads(data)["status"] == 405
    r = client.get("/_inference/completion/emb/_stream")
    assert r.status_code == 405 and r.headers["allow"] == "POST"


def test_model_deployments_not_ready_and_scaled_to_zero(
    client: httpx.Client, emulator: Emulator
) -> None:
    emulator.faults.never_ready(path="/held$")
    put(client, "sparse_embedding", "held", ELSER, ready=False)
    r = client.post("/_inference/sparse_embedding/held", json={"input": "x"})
    assert (r.status_code, r.json()["error"]["reason"]) == (
        409,
        "Trained model deployment [held] is not allocated to any nodes",
    )
    adaptive = {"enabled": True, "min_number_of_allocations": 0, "max_number_of_allocations": 4}
    cold = {
        **ELSER,
        "service_settings": {
            "model_id": ".elser_model_2",
            "num_threads": 1,
            "adaptive_allocations": adaptive,
        },
    }
    put(client, "sparse_embedding", "cold", cold, ready=False)
    r = client.post("/_inference/sparse_embedding/cold", json={"input": "x"})
    assert (r.status_code, r.json()["error"]["reason"]) == (
        409,
        "Trained model deployment [cold] is not allocated to any nodes; starting deployment of "
        "one allocation",
    )
    # the call woke one allocation: once it is up the next call answers
    stats = client.get("/_ml/trained_models/cold/_stats").json()["trained_model_stats"][0]
    assert stats["deployment_stats"]["allocation_status"]["target_allocation_count"] == 1
    client.post("/_emulator/deployments/cold/ready")
    assert client.post("/_inference/sparse_embedding/cold", json={"input": "x"}).status_code == 200
    client.post("/_emulator/deployments/cold/scale_to_zero")
    assert client.post("/_inference/sparse_embedding/cold", json={"input": "x"}).status_code == 409
    client.post("/_ml/trained_models/held/deployment/_stop", params={"force": "true"})
    r = client.post("/_inference/sparse_embedding/held", json={"input": "x"})
    assert (r.status_code, r.json()["error"]["reason"]) == (
        404,
        "Could not find trained model [held]",
    )


def test_on_serverless_a_call_waits_for_the_allocation_it_woke() -> None:
    adaptive = {"enabled": True, "min_number_of_allocations": 0, "max_number_of_allocations": 4}
    body = {
        "service": "elasticsearch",
        "service_settings": {
            "model_id": ".elser_model_2",
            "num_threads": 1,
            "adaptive_allocations": adaptive,
        },
    }
    config = EmulatorConfig(build_flavor="serverless", deployment_seconds=0.1)
    with Emulator(config) as emu, httpx.Client(base_url=emu.url) as client:
        put(client, "sparse_embedding", "cold", body, ready=False)
        r = client.post("/_inference/sparse_embedding/cold", json={"input": "x"})
        assert r.status_code == 200, r.text


def test_input_over_the_models_limit(client: httpx.Client) -> None:
    put(client, "text_embedding", "emb", EMBEDDINGS)
    long = " ".join(f"w{i}" for i in range(8193))
    r = client.post("/_inference/text_embedding/emb", json={"input": long})
    assert (r.status_code, r.json()["error"]["reason"]) == (
        400,
        "Received a bad request status code for request from inference entity id [emb] status "
        "[400]. Error message: [The input is 8193 tokens long, over the model's limit of 8192 "
        "tokens]",
    )
    capped = {
        **EMBEDDINGS,
        "service_settings": {**EMBEDDINGS["service_settings"], "max_input_tokens": 3},
    }
    put(client, "text_embedding", "capped", capped)
    assert embed(client, "capped", "one two three four five") == embed(
        client, "capped", "one two three"
    )


def test_an_endpoint_the_region_policy_denies_refuses_inference(client: httpx.Client) -> None:
    config = EmulatorConfig(version="9.5.0", eis=True)
    with Emulator(config) as emu, httpx.Client(base_url=emu.url) as c:
        for ident, model in (
            ("claude", "anthropic-claude-4.5-sonnet"),
            ("jina", "jina-embeddings-v3"),
        ):
            task = "completion" if ident == "claude" else "text_embedding"
            put(c, task, ident, {"service": "elastic", "service_settings": {"model_id": model}})
        policy = {"region_policy": {"allowed_geos": ["eu"]}}
        assert c.put("/_inference/_region_policy", json=policy).status_code == 200
        r = c.post("/_inference/completion/claude", json={"input": "hi"})
        assert (r.status_code, r.json()["error"]["reason"]) == (
            403,
            "Received a permission denied error status code for request from inference entity id "
            "[claude] status [403]. Error message: [The model [anthropic-claude-4.5-sonnet] does "
            "not run in any region the inference region policy allows]",
        )
        assert c.post("/_inference/text_embedding/jina", json={"input": "hi"}).status_code == 200
        c.delete("/_inference/_region_policy")
        assert c.post("/_inference/completion/claude", json={"input": "hi"}).status_code == 200


@pytest.mark.parametrize(
    ("version", "status", "type_"),
    [
        ("8.17.0", 500, "elasticsearch_timeout_exception"),
        ("9.1.0", 408, "status_exception"),
    ],
)
def test_a_call_slower_than_its_timeout_fails_as_the_version_fails_it(
    client: httpx.Client, emulator: Emulator, version: str, status: int, type_: str
) -> None:
    emulator.set_version(version)
    put(client, "completion", "comp", OPENAI)
    emulator.faults.slow_inference(0.3, path="/comp$")
    r = client.post("/_inference/completion/comp", params={"timeout": "100ms"}, json={"input": "x"})
    assert (r.status_code, r.json()["error"]["type"], r.json()["error"]["reason"]) == (
        status,
        type_,
        "Request timed out waiting to be sent after [100ms]",
    )
    r = client.post("/_inference/completion/comp", params={"timeout": "2s"}, json={"input": "x"})
    assert r.status_code == 200
    emulator.set_version("8.13.0")
    r = client.post("/_inference/completion/comp", params={"timeout": "2s"}, json={"input": "x"})
    assert r.json()["error"]["reason"] == (
        "request [/_inference/completion/comp] contains unrecognized parameter: [timeout]"
    )


def test_control_plane_faults_and_the_request_log_cover_inference_calls(
    client: httpx.Client, emulator: Emulator
) -> None:
    put(client, "completion", "comp", OPENAI)
    emulator.faults.status(429, method="POST", path="^/_inference/completion/", retry_after=1)
    r = client.post("/_inference/completion/comp", json={"input": "x"})
    assert (r.status_code, r.headers["retry-after"]) == (429, "1")
    assert client.post("/_inference/completion/comp", json={"input": "x"}).status_code == 200
    log = [(e["method"], e["path"], e["status"], e["fault"]) for e in emulator.requests()][-2:]
    assert log == [
        ("POST", "/_inference/completion/comp", 429, "status"),
        ("POST", "/_inference/completion/comp", 200, None),
    ]


def test_inference_needs_monitor_inference() -> None:
    keys = [
        ApiKey("reader", name="reader", privileges=("monitor_inference",)),
        ApiKey("ml", name="ml", privileges=("monitor_ml",)),
        ApiKey("admin", name="admin"),
    ]
    with Emulator(EmulatorConfig(api_keys=keys)) as emu:
        with httpx.Client(base_url=emu.url, headers={"Authorization": "ApiKey admin"}) as admin:
            put(admin, "completion", "comp", OPENAI)
        for key, status in (("reader", 200), ("ml", 403)):
            r = httpx.post(
                f"{emu.url}/_inference/completion/comp",
                json={"input": "x"},
                headers={"Authorization": f"ApiKey {key}"},
            )
            assert r.status_code == status, r.text
            if status == 403:
                assert "action [cluster:monitor/xpack/inference/post] is unauthorized" in r.text
