"""Errors, server-added defaults, _update, delete and reference checks of the emulator."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pulumi_inference.emulator import Emulator

OPENAI: dict[str, Any] = {
    "service": "openai",
    "service_settings": {"api_key": "sk", "model_id": "gpt-4o"},
}
OPENAI_EMBED: dict[str, Any] = {
    "service": "openai",
    "service_settings": {"api_key": "sk", "model_id": "text-embedding-3-small"},
}
ELSER: dict[str, Any] = {
    "service": "elser",
    "service_settings": {"num_allocations": 1, "num_threads": 1},
}


def assert_error(r: httpx.Response, status: int, type_: str | None, reason: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["x-elastic-product"] == "Elasticsearch"
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["status"] == status
    assert body["error"]["reason"] == reason
    assert body["error"]["root_cause"][0]["reason"] == reason
    if type_ is not None:
        assert body["error"]["type"] == type_
        assert body["error"]["root_cause"][0]["type"] == type_


def put(client: httpx.Client, path: str, body: Any) -> httpx.Response:
    return client.put(path, json=body)


# ----------------------------------------------------------------------------- cluster info


def test_cluster_info(client: httpx.Client, emulator: Emulator) -> None:
    r = client.get("/")
    assert r.status_code == 200
    body = r.json()
    assert body["version"]["number"] == "9.1.0"
    assert body["version"]["build_flavor"] == "default"
    assert body["cluster_name"]
    assert body["cluster_uuid"]
    assert body["tagline"] == "You Know, for Search"
    emulator.set_version("8.15.1")
    assert client.get("/").json()["version"]["number"] == "8.15.1"
    assert client.put("/_emulator/version", json={"version": "9.0.0"}).status_code == 200
    assert client.get("/").json()["version"]["number"] == "9.0.0"


def test_unknown_route(client: httpx.Client) -> None:
    r = client.post("/_inference/text_embedding/x/_nothing")
    assert r.status_code == 400
    assert r.json() == {
        "error": "no handler found for uri [/_inference/text_embedding/x/_nothing] and method "
        "[POST]",
        "status": 400,
    }
    assert r.headers["x-elastic-product"] == "Elasticsearch"


# ----------------------------------------------------------------------------- PUT errors


@pytest.mark.parametrize("bad_id", ["Bad", "-x", "x-", "a b", "_all", ".elser-2-elasticsearch"])
def test_invalid_inference_id(client: httpx.Client, bad_id: str) -> None:
    r = put(client, f"/_inference/completion/{bad_id}", OPENAI)
    assert_error(
        r,
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: Invalid inference_id; "
        f"'{bad_id}' can contain lowercase alphanumeric (a-z and 0-9), hyphens or underscores; "
        "must start and end with alphanumeric;",
    )


def test_missing_and_unknown_service(client: httpx.Client) -> None:
    r = put(client, "/_inference/completion/x", {"service_settings": {}})
    assert_error(
        r,
        400,
        "status_exception",
        "Inference endpoint configuration is missing the [service] setting",
    )
    r = put(client, "/_inference/completion/x", {"service": "nope", "service_settings": {}})
    assert_error(r, 400, "status_exception", "Unknown service [nope]")


def test_task_type_parsing(client: httpx.Client) -> None:
    assert_error(
        put(client, "/_inference/bogus/x", OPENAI),
        400,
        "status_exception",
        "Unknown task_type [bogus]",
    )
    r = put(client, "/_inference/%20Completion%20/x", OPENAI)
    assert r.status_code == 200, r.text
    assert r.json()["task_type"] == "completion"
    # one-segment form with the task type in the body
    r = put(client, "/_inference/y", {**OPENAI, "task_type": "COMPLETION"})
    assert r.status_code == 200
    assert r.json()["task_type"] == "completion"
    r = put(client, "/_inference/z", OPENAI)
    assert_error(r, 400, "status_exception", "model is missing required setting [task_type]")
    r = put(client, "/_inference/z", {**OPENAI, "task_type": "nope"})
    assert_error(r, 400, "status_exception", "Unknown task_type [nope]")


def test_task_type_unsupported_by_service(client: httpx.Client) -> None:
    r = put(client, "/_inference/rerank/x", OPENAI)
    assert_error(
        r, 400, "status_exception", "The [openai] service does not support task type [rerank]"
    )


def test_unknown_keys(client: httpx.Client) -> None:
    body = {"service": "openai", "service_settings": {**OPENAI["service_settings"], "foo": "bar"}}
    assert_error(
        put(client, "/_inference/completion/x", body),
        400,
        "status_exception",
        "Configuration contains settings [{foo=bar}] unknown to the [openai] service",
    )
    body = {**OPENAI, "task_settings": {"bar": {"a": [1, True]}}}
    assert_error(
        put(client, "/_inference/completion/x", body),
        400,
        "status_exception",
        "Configuration contains settings [{bar={a=[1, true]}}] unknown to the [openai] service",
    )


def test_missing_required_keys(client: httpx.Client) -> None:
    r = put(
        client,
        "/_inference/completion/x",
        {"service": "openai", "service_settings": {"api_key": "k"}},
    )
    assert_error(
        r,
        400,
        "validation_exception",
        "Validation Failed: 1: [service_settings] does not contain the required setting "
        "[model_id];",
    )
    r = put(
        client,
        "/_inference/completion/x",
        {"service": "openai", "service_settings": {"model_id": "m"}},
    )
    assert_error(
        r,
        400,
        "validation_exception",
        "Validation Failed: 1: [secret_settings] does not contain the required setting [api_key];",
    )
    r = put(
        client,
        "/_inference/sparse_embedding/x",
        {
            "service": "elasticsearch",
            "service_settings": {"model_id": ".elser_model_2", "num_threads": 1},
        },
    )
    assert_error(
        r,
        400,
        "validation_exception",
        "Validation Failed: 1: [service_settings] does not contain one of the required settings "
        "[num_allocations, adaptive_allocations];",
    )
    r = put(
        client,
        "/_inference/completion/x",
        {"service": "anthropic", "service_settings": {"api_key": "k", "model_id": "c"}},
    )
    assert_error(
        r,
        400,
        "validation_exception",
        "Validation Failed: 1: [task_settings] does not contain the required setting [max_tokens];",
    )


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/_inference/sparse_embedding/x",
            {
                "service": "elasticsearch",
                "service_settings": {
                    "model_id": ".elser_model_2",
                    "num_threads": 1,
                    "num_allocations": 2.0,
                },
            },
            "num_allocations",
        ),
        (
            "/_inference/sparse_embedding/x",
            {"service": "elser", "service_settings": {"num_threads": 1.0, "num_allocations": 1}},
            "num_threads",
        ),
        (
            "/_inference/text_embedding/x",
            {
                "service": "openai",
                "service_settings": {"api_key": "k", "model_id": "m", "dimensions": 128.0},
            },
            "dimensions",
        ),
        (
            "/_inference/completion/x",
            {
                "service": "anthropic",
                "service_settings": {"api_key": "k", "model_id": "c"},
                "task_settings": {"max_tokens": 2.5},
            },
            "max_tokens",
        ),
        (
            "/_inference/text_embedding/x",
            {
                **OPENAI_EMBED,
                "chunking_settings": {"strategy": "word", "max_chunk_size": 100.0, "overlap": 10},
            },
            "max_chunk_size",
        ),
    ],
)
def test_float_where_integer_is_parsed(
    client: httpx.Client, path: str, body: Any, field: str
) -> None:
    value = next(
        v
        for section in ("service_settings", "task_settings", "chunking_settings")
        for k, v in (body.get(section) or {}).items()
        if k == field
    )
    assert_error(
        put(client, path, body),
        400,
        "validation_exception",
        f"Validation Failed: 1: field [{field}] is not of the expected type. The value [{value}] "
        "cannot be converted to a [Integer];",
    )


def test_requests_per_minute_is_a_long(client: httpx.Client) -> None:
    body = {
        "service": "openai",
        "service_settings": {
            **OPENAI["service_settings"],
            "rate_limit": {"requests_per_minute": 10.0},
        },
    }
    assert_error(
        put(client, "/_inference/completion/x", body),
        400,
        "validation_exception",
        "Validation Failed: 1: field [requests_per_minute] is not of the expected type. "
        "The value [10.0] cannot be converted to a [Long];",
    )


def test_bedrock_embeddings_refuse_dimensions_in_a_request(client: httpx.Client) -> None:
    """The model decides the size: AmazonBedrockEmbeddingsServiceSettings refuses it."""
    settings = {"access_key": "a", "secret_key": "s", "region": "r", "model": "m"}
    body = {"service": "amazonbedrock", "service_settings": {**settings, "provider": "amazontitan"}}
    assert client.put("/_inference/text_embedding/bedrock-ok", json=body).status_code == 200
    body["service_settings"]["dimensions"] = 512
    refused = client.put("/_inference/text_embedding/bedrock-dims", json=body)
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["type"] == "validation_exception"
    assert error["reason"] == (
        "Validation Failed: 1: [service_settings] does not allow the setting [dimensions];"
    )


def test_already_exists_comes_after_validation(client: httpx.Client) -> None:
    assert put(client, "/_inference/completion/x", OPENAI).status_code == 200
    assert_error(
        put(client, "/_inference/completion/x", OPENAI),
        400,
        "resource_already_exists_exception",
        "Inference endpoint [x] already exists",
    )
    # a bad request fails validation first
    r = put(
        client,
        "/_inference/completion/x",
        {"service": "openai", "service_settings": {"model_id": "m"}},
    )
    assert r.json()["error"]["type"] == "validation_exception"


def test_id_equal_to_a_trained_model_deployment(client: httpx.Client, emulator: Emulator) -> None:
    emulator.add_deployment("my-model", deployment_id="my-deployment")
    for ident in ("my-deployment", "my-model"):
        assert_error(
            put(client, f"/_inference/completion/{ident}", OPENAI),
            400,
            "status_exception",
            f"Inference endpoint IDs must be unique. Requested inference endpoint ID [{ident}] "
            "matches existing trained model ID(s) but must not.",
        )


def test_older_unknown_keys_wording(client: httpx.Client, emulator: Emulator) -> None:
    emulator.set_version("8.14.0")
    body = {"service": "openai", "service_settings": {**OPENAI["service_settings"], "foo": 1}}
    assert_error(
        put(client, "/_inference/completion/x", body),
        400,
        "status_exception",
        "Model configuration contains settings [{foo=1}] unknown to the [openai] service",
    )


# ----------------------------------------------------------------------------- defaults


@pytest.mark.parametrize(
    ("service", "task_type", "settings", "rpm"),
    [
        (
            "alibabacloud-ai-search",
            "completion",
            {"api_key": "k", "service_id": "s", "host": "h", "workspace": "w"},
            1000,
        ),
        (
            "amazonbedrock",
            "completion",
            {"access_key": "a", "secret_key": "s", "region": "r", "model": "m", "provider": "p"},
            240,
        ),
        (
            "azureaistudio",
            "completion",
            {"api_key": "k", "target": "t", "provider": "p", "endpoint_type": "e"},
            240,
        ),
        ("mistral", "completion", {"api_key": "k", "model": "m"}, 240),
        ("anthropic", "completion", {"api_key": "k", "model_id": "m"}, 50),
        (
            "azureopenai",
            "text_embedding",
            {"api_key": "k", "resource_name": "r", "deployment_id": "d", "api_version": "v"},
            1440,
        ),
        (
            "azureopenai",
            "completion",
            {"api_key": "k", "resource_name": "r", "deployment_id": "d", "api_version": "v"},
            120,
        ),
        (
            "azureopenai",
            "chat_completion",
            {"api_key": "k", "resource_name": "r", "deployment_id": "d", "api_version": "v"},
            120,
        ),
        ("cohere", "rerank", {"api_key": "k", "model_id": "m"}, 10000),
        ("googleaistudio", "completion", {"api_key": "k", "model_id": "m"}, 360),
        ("googlevertexai", "rerank", {"service_account_json": "{}", "project_id": "p"}, 30000),
        ("hugging_face", "text_embedding", {"api_key": "k", "url": "u"}, 3000),
        ("jinaai", "rerank", {"api_key": "k", "model_id": "m"}, 2000),
        ("voyageai", "rerank", {"api_key": "k", "model_id": "m"}, 2000),
        ("openai", "text_embedding", {"api_key": "k", "model_id": "m"}, 3000),
        ("openai", "completion", {"api_key": "k", "model_id": "m"}, 500),
        (
            "watsonxai",
            "text_embedding",
            {"api_key": "k", "url": "u", "api_version": "v", "model_id": "m", "project_id": "p"},
            120,
        ),
        ("llama", "completion", {"url": "u", "model_id": "m"}, 3000),
        ("fireworksai", "completion", {"api_key": "k", "model_id": "m"}, 6000),
        ("contextualai", "rerank", {"api_key": "k", "model_id": "m"}, 1000),
    ],
)
def test_rate_limit_defaults(
    client: httpx.Client, service: str, task_type: str, settings: dict[str, Any], rpm: int
) -> None:
    body: dict[str, Any] = {"service": service, "service_settings": settings}
    if service == "anthropic":
        body["task_settings"] = {"max_tokens": 10}
    r = put(client, f"/_inference/{task_type}/x", body)
    assert r.status_code == 200, r.text
    assert r.json()["service_settings"]["rate_limit"] == {"requests_per_minute": rpm}


def test_user_rate_limit_is_kept(client: httpx.Client) -> None:
    body = {
        "service": "openai",
        "service_settings": {
            **OPENAI["service_settings"],
            "rate_limit": {"requests_per_minute": 7},
        },
    }
    assert put(client, "/_inference/completion/x", body).json()["service_settings"][
        "rate_limit"
    ] == {"requests_per_minute": 7}


def test_embedding_defaults(client: httpx.Client) -> None:
    r = put(client, "/_inference/text_embedding/x", OPENAI_EMBED).json()
    assert r["service_settings"] == {
        "model_id": "text-embedding-3-small",
        "rate_limit": {"requests_per_minute": 3000},
        "dimensions": 1536,
        "similarity": "dot_product",
    }
    assert r["chunking_settings"] == {
        "strategy": "sentence",
        "max_chunk_size": 250,
        "sentence_overlap": 1,
    }
    assert "task_settings" not in r
    body = {
        "service": "openai",
        "service_settings": {**OPENAI_EMBED["service_settings"], "dimensions": 128},
    }
    assert (
        put(client, "/_inference/text_embedding/y", body).json()["service_settings"]["dimensions"]
        == 128
    )
    # the same model always reports the same dimensions
    again = put(client, "/_inference/text_embedding/z", OPENAI_EMBED).json()
    assert again["service_settings"]["dimensions"] == 1536
    # completion and rerank get no chunking
    assert "chunking_settings" not in put(client, "/_inference/completion/c", OPENAI).json()
    # user chunking is kept
    body = {
        **OPENAI_EMBED,
        "chunking_settings": {"strategy": "word", "max_chunk_size": 100, "overlap": 10},
    }
    assert (
        put(client, "/_inference/text_embedding/w", body).json()["chunking_settings"]
        == body["chunking_settings"]
    )


def test_elasticsearch_service_text_embedding_defaults(client: httpx.Client) -> None:
    body = {
        "service": "elasticsearch",
        "service_settings": {
            "model_id": ".multilingual-e5-small",
            "num_threads": 1,
            "num_allocations": 1,
        },
    }
    settings = put(client, "/_inference/text_embedding/e5", body).json()["service_settings"]
    assert settings["similarity"] == "cosine"
    assert settings["element_type"] == "float"
    assert settings["dimensions"] == 384


def test_elser_is_returned_as_elasticsearch(client: httpx.Client, emulator: Emulator) -> None:
    r = put(client, "/_inference/sparse_embedding/e", ELSER).json()
    assert r["service"] == "elasticsearch"
    assert r["service_settings"]["model_id"] == ".elser_model_2_linux-x86_64"
    emulator.set_version("8.15.0")
    r = put(client, "/_inference/sparse_embedding/old", ELSER).json()
    assert r["service"] == "elser"
    assert r["task_settings"] == {}
    assert "model_id" not in r["service_settings"]
    assert "chunking_settings" not in r


def test_elasticsearch_get_reports_live_allocations(client: httpx.Client) -> None:
    import time

    body = {
        "service": "elasticsearch",
        "service_settings": {
            "model_id": ".elser_model_2",
            "num_threads": 1,
            "adaptive_allocations": {
                "enabled": True,
                "min_number_of_allocations": 2,
                "max_number_of_allocations": 4,
            },
        },
    }
    created = put(client, "/_inference/sparse_embedding/live", body).json()
    assert "num_allocations" not in created["service_settings"]
    time.sleep(0.1)
    got = client.get("/_inference/live").json()["endpoints"][0]
    assert got["service_settings"]["num_allocations"] == 2


def test_secrets_are_never_returned(client: httpx.Client, emulator: Emulator) -> None:
    body = {
        "service": "azureopenai",
        "service_settings": {
            "entra_id": "E",
            "client_secret": "C",
            "resource_name": "r",
            "deployment_id": "d",
            "api_version": "v",
        },
    }
    r = put(client, "/_inference/completion/x", body)
    assert "entra_id" not in r.text
    assert "client_secret" not in r.text
    assert "entra_id" not in client.get("/_inference/_all").text
    assert emulator.stored_secrets("x") == {"entra_id": "E", "client_secret": "C"}


# ----------------------------------------------------------------------------- GET


def test_get_lists_sorted_with_preconfigured(client: httpx.Client) -> None:
    put(client, "/_inference/completion/b", OPENAI)
    put(client, "/_inference/completion/a", OPENAI)
    put(client, "/_inference/text_embedding/c", OPENAI_EMBED)
    for path in ("/_inference", "/_inference/_all", "/_inference/*"):
        ids = [e["inference_id"] for e in client.get(path).json()["endpoints"]]
        assert ids == [
            ".elser-2-elasticsearch",
            ".multilingual-e5-small-elasticsearch",
            ".rerank-v1-elasticsearch",
            "a",
            "b",
            "c",
        ]
    ids = [e["inference_id"] for e in client.get("/_inference/completion/_all").json()["endpoints"]]
    assert ids == ["a", "b"]
    ids = [
        e["inference_id"] for e in client.get("/_inference/text_embedding/*").json()["endpoints"]
    ]
    assert ids == [".multilingual-e5-small-elasticsearch", "c"]
    default = client.get("/_inference/.elser-2-elasticsearch").json()["endpoints"][0]
    assert default["service"] == "elasticsearch"
    assert default["service_settings"]["num_threads"] == 1
    assert default["service_settings"]["adaptive_allocations"] == {
        "enabled": True,
        "min_number_of_allocations": 0,
        "max_number_of_allocations": 32,
    }


def test_get_errors(client: httpx.Client) -> None:
    assert_error(
        client.get("/_inference/nope"),
        404,
        "resource_not_found_exception",
        "Inference endpoint not found [nope]",
    )
    put(client, "/_inference/completion/a", OPENAI)
    assert client.get("/_inference/completion/a").status_code == 200
    assert_error(
        client.get("/_inference/rerank/a"),
        400,
        "status_exception",
        "Requested task type [rerank] does not match the inference endpoint's task type "
        "[completion]",
    )


def test_no_preconfigured_endpoints_before_8_16(client: httpx.Client, emulator: Emulator) -> None:
    emulator.set_version("8.15.0")
    assert client.get("/_inference/_all").json() == {"endpoints": []}


# ----------------------------------------------------------------------------- _update
# Facts from Elasticsearch's RestUpdateInferenceModelAction, UpdateInferenceModelAction.Request
# and TransportUpdateInferenceModelAction: the body is checked before the endpoint is looked up,
# maps in messages print in Java HashMap order, the one-segment path needs `task_type` in the
# body (8.18+), and the 404 wording is the update action's own.

COHERE_EMBED: dict[str, Any] = {
    "service": "cohere",
    "service_settings": {"api_key": "ck", "model_id": "embed-english-v3.0"},
}
NOT_UPDATABLE = (
    "Request contained fields which cannot be updated, remove these fields and try again [{}]"
)


def test_update_secrets_and_task_settings(client: httpx.Client, emulator: Emulator) -> None:
    put(client, "/_inference/completion/u", {**OPENAI, "task_settings": {"user": "me"}})
    r = client.put(
        "/_inference/completion/u/_update",
        json={"service_settings": {"api_key": "rotated"}, "task_settings": {"headers": {"a": "b"}}},
    )
    assert r.status_code == 200, r.text
    assert r.json() == {
        "inference_id": "u",
        "task_type": "completion",
        "service": "openai",
        "service_settings": {"model_id": "gpt-4o", "rate_limit": {"requests_per_minute": 500}},
        "task_settings": {"user": "me", "headers": {"a": "b"}},
    }
    assert emulator.stored_secrets("u") == {"api_key": "rotated"}
    # task settings alone leave the secrets as they are
    r = client.put("/_inference/completion/u/_update", json={"task_settings": {"user": "you"}})
    assert r.status_code == 200
    assert r.json()["task_settings"]["user"] == "you"
    assert emulator.stored_secrets("u") == {"api_key": "rotated"}


def test_update_one_segment_path_needs_task_type_in_body(
    client: httpx.Client, emulator: Emulator
) -> None:
    put(client, "/_inference/completion/u", OPENAI)
    assert_error(
        client.put("/_inference/u/_update", json={"task_settings": {"user": "you"}}),
        400,
        "status_exception",
        "model is missing required setting [task_type]",
    )
    r = client.put(
        "/_inference/u/_update", json={"task_type": "completion", "task_settings": {"user": "x"}}
    )
    assert r.status_code == 200, r.text
    assert r.json()["task_settings"] == {"user": "x"}
    emulator.set_version("8.17.0")  # the REST layer refused the one-segment form before 8.18
    assert_error(
        client.put("/_inference/u/_update", json={"task_type": "completion", "task_settings": {}}),
        400,
        "status_exception",
        "Inference ID must be provided in the path",
    )


def test_update_refuses_fields_other_than_settings_and_task_type(client: httpx.Client) -> None:
    put(client, "/_inference/text_embedding/c", COHERE_EMBED)
    assert_error(
        client.put("/_inference/text_embedding/c/_update", json={"service": "cohere"}),
        400,
        "status_exception",
        NOT_UPDATABLE.format("{service=cohere}"),
    )
    # every leftover field is listed, as Java prints the parsed body (a HashMap)
    body = {
        "service_settings": {"api_key": "k"},
        "service": "x",
        "foo": 1,
        "chunking_settings": {"strategy": "word", "max_chunk_size": 100, "overlap": 20},
    }
    assert_error(
        client.put("/_inference/text_embedding/c/_update", json=body),
        400,
        "status_exception",
        NOT_UPDATABLE.format(
            "{service=x, foo=1, chunking_settings={overlap=20, max_chunk_size=100, strategy=word}}"
        ),
    )
    # checked before the endpoint is looked up
    assert_error(
        client.put("/_inference/text_embedding/missing/_update", json={"service": "cohere"}),
        400,
        "status_exception",
        NOT_UPDATABLE.format("{service=cohere}"),
    )


def test_update_empty_or_missing_body(client: httpx.Client) -> None:
    put(client, "/_inference/completion/u", OPENAI)
    assert_error(
        client.put("/_inference/completion/u/_update", json={}),
        400,
        "status_exception",
        "Request body is empty",
    )
    assert_error(
        client.put("/_inference/completion/u/_update", json=[]),
        400,
        "status_exception",
        "Request body is empty",
    )
    assert_error(
        client.put("/_inference/completion/u/_update"),
        400,
        "parse_exception",
        "request body is required",
    )


def test_update_sections_of_the_wrong_type(client: httpx.Client, emulator: Emulator) -> None:
    put(client, "/_inference/completion/u", OPENAI)
    assert_error(
        client.put(
            "/_inference/completion/u/_update",
            json={"service_settings": "x", "task_settings": {}},
        ),
        400,
        "status_exception",
        "Unable to parse service settings in the request [{service_settings=x, task_settings={}}]",
    )
    assert_error(
        client.put(
            "/_inference/completion/u/_update",
            json={"task_type": "completion", "task_settings": 5},
        ),
        400,
        "status_exception",
        "Unable to parse task settings in the request [{task_settings=5}]",
    )
    assert_error(
        client.put(
            "/_inference/completion/u/_update",
            json={"task_type": 1, "task_settings": {"user": "a"}},
        ),
        500,
        "status_exception",
        "Failed to parse [task_type] in update request [{task_settings={user=a}, task_type=1}]",
    )
    assert_error(
        client.put("/_inference/completion/u/_update", json={"task_type": "bad"}),
        400,
        "status_exception",
        "Unknown task_type [bad]",
    )
    emulator.set_version("9.5.0")  # the newest code words these errors differently
    assert_error(
        client.put("/_inference/completion/u/_update", json={"service_settings": [1]}),
        400,
        "status_exception",
        "Unable to parse [service_settings] in the request [{service_settings=[1]}]",
    )
    assert_error(
        client.put("/_inference/completion/u/_update", json={"task_type": True}),
        400,
        "status_exception",
        "Failed to parse [task_type] in update request [{task_type=true}]",
    )


def test_update_task_type_checks(client: httpx.Client) -> None:
    put(client, "/_inference/completion/u", OPENAI)
    assert_error(
        client.put("/_inference/completion/u/_update", json={"task_type": "rerank"}),
        400,
        "status_exception",
        "Cannot resolve conflicting task_type parameter in the request URL [completion] and the "
        "request body [rerank]",
    )
    assert_error(
        client.put("/_inference/rerank/u/_update", json={"task_settings": {"user": "a"}}),
        400,
        "status_exception",
        "Task type must match the task type of the existing endpoint",
    )
    assert_error(
        client.put("/_inference/u/_update", json={"task_type": "rerank"}),
        400,
        "status_exception",
        "Task type must match the task type of the existing endpoint",
    )


def test_update_missing_endpoint(client: httpx.Client) -> None:
    assert_error(
        client.put("/_inference/completion/missing/_update", json={"task_settings": {"a": 1}}),
        404,
        "resource_not_found_exception",
        "The inference endpoint [missing] does not exist and cannot be updated",
    )


def test_update_of_a_default_endpoint(client: httpx.Client, emulator: Emulator) -> None:
    # Before the newest code the request's id check refuses every id starting with "."
    assert_error(
        client.put(
            "/_inference/sparse_embedding/.elser-2-elasticsearch/_update",
            json={"service_settings": {"num_allocations": 2}},
        ),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: Invalid inference_id; '.elser-2-elasticsearch' can contain "
        "lowercase alphanumeric (a-z and 0-9), hyphens or underscores; must start and end with "
        "alphanumeric;",
    )
    emulator.set_version("9.5.0")
    assert_error(
        client.put(
            "/_inference/sparse_embedding/.elser-2-elasticsearch/_update",
            json={"service_settings": {"num_allocations": 2}},
        ),
        400,
        "status_exception",
        "Default endpoint [.elser-2-elasticsearch] cannot be updated",
    )
    assert_error(
        client.put("/_inference/completion/.nope/_update", json={"task_settings": {"a": 1}}),
        404,
        "resource_not_found_exception",
        "The inference endpoint [.nope] does not exist and cannot be updated",
    )


def test_update_service_settings_need_the_secret(client: httpx.Client, emulator: Emulator) -> None:
    """The secret settings are rebuilt from service_settings, so a change without the key fails."""
    put(client, "/_inference/completion/u", OPENAI)
    assert_error(
        client.put(
            "/_inference/completion/u/_update", json={"service_settings": {"model_id": "other"}}
        ),
        400,
        "validation_exception",
        "Validation Failed: 1: [secret_settings] does not contain the required setting [api_key];",
    )
    assert emulator.stored_secrets("u") == {"api_key": "sk"}
    # with the key, other service settings are silently ignored (up to the newest code)
    r = client.put(
        "/_inference/completion/u/_update",
        json={"service_settings": {"model_id": "other", "api_key": "sk2"}},
    )
    assert r.status_code == 200, r.text
    assert r.json()["service_settings"]["model_id"] == "gpt-4o"
    assert emulator.stored_secrets("u") == {"api_key": "sk2"}


def test_update_rejects_other_service_settings_on_the_newest_code(
    client: httpx.Client, emulator: Emulator
) -> None:
    emulator.set_version("9.5.0")
    put(client, "/_inference/completion/u", OPENAI)
    assert_error(
        client.put(
            "/_inference/completion/u/_update",
            json={"service_settings": {"model_id": "other", "api_key": "k"}},
        ),
        400,
        "status_exception",
        "Configuration contains settings [{model_id=other}] unknown to the [openai] service",
    )
    r = client.put(
        "/_inference/completion/u/_update",
        json={
            "service_settings": {"rate_limit": {"requests_per_minute": 9}},
            "task_settings": {"user": None},
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["service_settings"]["rate_limit"] == {"requests_per_minute": 9}


def test_update_route_missing_before_8_17(client: httpx.Client, emulator: Emulator) -> None:
    put(client, "/_inference/completion/u", OPENAI)
    emulator.set_version("8.16.1")
    r = client.put("/_inference/completion/u/_update", json={"task_settings": {}})
    assert r.status_code == 400
    assert r.json() == {
        "error": "no handler found for uri [/_inference/completion/u/_update] and method [PUT]",
        "status": 400,
    }


def test_update_accepts_only_put(client: httpx.Client) -> None:
    put(client, "/_inference/completion/u", OPENAI)
    r = client.post("/_inference/completion/u/_update", json={"task_settings": {"user": "a"}})
    assert r.status_code == 405
    assert r.headers["allow"] == "PUT"
    assert r.json() == {
        "error": "Incorrect HTTP method for uri [/_inference/completion/u/_update] and method "
        "[POST], allowed: [PUT]",
        "status": 405,
    }


def test_update_chunking_settings_only_on_the_newest_code(
    client: httpx.Client, emulator: Emulator
) -> None:
    emulator.set_version("9.4.0")
    put(client, "/_inference/text_embedding/u", OPENAI_EMBED)
    chunking = {"strategy": "word", "max_chunk_size": 100, "overlap": 20}
    assert_error(
        client.put("/_inference/text_embedding/u/_update", json={"chunking_settings": chunking}),
        400,
        "status_exception",
        NOT_UPDATABLE.format("{chunking_settings={overlap=20, max_chunk_size=100, strategy=word}}"),
    )
    emulator.set_version("9.5.0")
    r = client.put("/_inference/text_embedding/u/_update", json={"chunking_settings": chunking})
    assert r.status_code == 200, r.text
    assert r.json()["chunking_settings"] == chunking  # replaced, not merged


@pytest.mark.parametrize(
    ("version", "after"),
    [
        ("8.17.0", {"strategy": "word", "max_chunk_size": 250, "overlap": 100}),
        ("9.1.0", {"strategy": "word", "max_chunk_size": 250, "overlap": 100}),
        ("9.4.0", {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1}),
    ],
)
def test_update_resets_chunking_until_9_4(
    client: httpx.Client, emulator: Emulator, version: str, after: dict[str, Any]
) -> None:
    emulator.set_version(version)
    put(client, "/_inference/text_embedding/u", OPENAI_EMBED)
    r = client.put(
        "/_inference/text_embedding/u/_update", json={"service_settings": {"api_key": "n"}}
    )
    assert r.status_code == 200, r.text
    assert r.json()["chunking_settings"] == after
    assert client.get("/_inference/u").json()["endpoints"][0]["chunking_settings"] == after


def test_update_rescales_deployment(client: httpx.Client) -> None:
    import time

    put(client, "/_inference/sparse_embedding/e", ELSER)
    r = client.put(
        "/_inference/sparse_embedding/e/_update",
        json={"service_settings": {"num_allocations": 3, "num_threads": 4}},
    )
    assert r.status_code == 200
    assert r.json()["service_settings"]["num_allocations"] == 3
    assert r.json()["service_settings"]["num_threads"] == 1  # silently ignored
    time.sleep(0.1)
    stats = client.get("/_ml/trained_models/e/_stats").json()
    status = stats["trained_model_stats"][0]["deployment_stats"]["allocation_status"]
    assert status == {
        "allocation_count": 3,
        "target_allocation_count": 3,
        "state": "fully_allocated",
    }
    assert_error(
        client.put(
            "/_inference/sparse_embedding/e/_update",
            json={"service_settings": {"num_allocations": 2.0}},
        ),
        400,
        "validation_exception",
        "Validation Failed: 1: field [num_allocations] is not of the expected type. "
        "The value [2.0] cannot be converted to a [Integer];",
    )


def test_update_of_a_deployment_backed_endpoint_on_8_17(
    client: httpx.Client, emulator: Emulator
) -> None:
    emulator.set_version("8.17.0")
    put(client, "/_inference/sparse_embedding/e", ELSER)
    raw = '{"service_settings":{"adaptive_allocations":{"enabled":true}}}'
    r = client.put(
        "/_inference/sparse_embedding/e/_update",
        content=raw,
        headers={"content-type": "application/json"},
    )
    assert_error(
        r, 400, "status_exception", f"Failed to parse [num_allocations] of update request [{raw}]"
    )
    assert client.post("/_ml/trained_models/e/deployment/_stop?force=true").status_code == 200
    assert_error(
        client.put(
            "/_inference/sparse_embedding/e/_update",
            json={"service_settings": {"num_allocations": 2}},
        ),
        404,
        "resource_not_found_exception",
        "Requested model ID [e] does not have a matching trained model and thus cannot be updated.",
    )


def test_update_of_an_endpoint_on_another_endpoints_deployment(client: httpx.Client) -> None:
    put(client, "/_inference/sparse_embedding/owner", ELSER)
    put(
        client,
        "/_inference/sparse_embedding/guest",
        {"service": "elasticsearch", "service_settings": {"deployment_id": "owner"}},
    )
    assert_error(
        client.put(
            "/_inference/sparse_embedding/guest/_update",
            json={"service_settings": {"num_allocations": 4}},
        ),
        409,
        "status_exception",
        "Cannot update inference endpoint [guest] for model deployment [owner] as it was created "
        "by another inference endpoint. The model can only be updated using inference endpoint "
        "id [owner].",
    )


def test_update_of_an_endpoint_on_a_trained_models_api_deployment(
    client: httpx.Client, emulator: Emulator
) -> None:
    emulator.add_deployment(".elser_model_2", deployment_id="ml-dep")
    put(
        client,
        "/_inference/sparse_embedding/guest",
        {"service": "elasticsearch", "service_settings": {"deployment_id": "ml-dep"}},
    )
    assert_error(
        client.put(
            "/_inference/sparse_embedding/guest/_update",
            json={"service_settings": {"num_allocations": 4}},
        ),
        409,
        "status_exception",
        "Cannot update inference endpoint [guest] using model deployment [ml-dep]. The model "
        "deployment must be updated through the trained models API.",
    )


# ----------------------------------------------------------------------------- DELETE


def test_delete(client: httpx.Client) -> None:
    put(client, "/_inference/completion/d", OPENAI)
    assert_error(
        client.delete("/_inference/completion/nope"),
        404,
        "resource_not_found_exception",
        "Inference endpoint not found [nope]",
    )
    assert_error(
        client.delete("/_inference/rerank/d"),
        400,
        "status_exception",
        "Requested task type [rerank] does not match the inference endpoint's task type "
        "[completion]",
    )
    r = client.delete("/_inference/d")
    assert r.status_code == 200
    assert r.json() == {"acknowledged": True, "pipelines": [], "indexes": []}
    assert client.get("/_inference/d").status_code == 404


def test_delete_preconfigured(client: httpx.Client) -> None:
    assert_error(
        client.delete("/_inference/.rerank-v1-elasticsearch"),
        400,
        "status_exception",
        "[.rerank-v1-elasticsearch] is a reserved inference endpoint. Use the force=true query "
        "parameter to delete the inference endpoint.",
    )
    r = client.delete("/_inference/rerank/.rerank-v1-elasticsearch", params={"force": "true"})
    assert r.status_code == 200
    assert r.json()["acknowledged"] is True
    assert client.get("/_inference/.rerank-v1-elasticsearch").status_code == 200  # reappears


PIPELINE_MSG = (
    "Inference endpoint {id} is referenced by pipelines: [{p}]. Ensure that no pipelines are "
    "using this inference endpoint, or use force to ignore this warning and delete the inference "
    "endpoint."
)
INDEX_MSG = (
    " Inference endpoint {id} is being used in the mapping for indexes: [{i}]. Ensure that no "
    "index mappings are using this inference endpoint, or use force to ignore this warning and "
    "delete the inference endpoint."
)


def test_delete_reference_checks(client: httpx.Client) -> None:
    put(client, "/_inference/text_embedding/emb", OPENAI_EMBED)
    pipeline = {
        "processors": [
            {"set": {"field": "a", "value": 1}},
            {"foreach": {"field": "x", "processor": {"inference": {"model_id": "emb"}}}},
        ]
    }
    assert client.put("/_ingest/pipeline/p2", json=pipeline).json() == {"acknowledged": True}
    assert (
        client.put(
            "/_ingest/pipeline/p1", json={"processors": [{"inference": {"model_id": "emb"}}]}
        ).status_code
        == 200
    )
    assert client.get("/_ingest/pipeline/p1").json() == {
        "p1": {"processors": [{"inference": {"model_id": "emb"}}]}
    }

    assert_error(
        client.delete("/_inference/emb"),
        409,
        "status_exception",
        PIPELINE_MSG.format(id="emb", p="p1, p2"),
    )

    mappings = {
        "properties": {
            "body": {
                "type": "text",
                "fields": {"sem": {"type": "semantic_text", "inference_id": "emb"}},
            }
        }
    }
    r = client.put("/docs", json={"mappings": mappings})
    assert r.json() == {"acknowledged": True, "shards_acknowledged": True, "index": "docs"}
    both = PIPELINE_MSG.format(id="emb", p="p1, p2") + INDEX_MSG.format(id="emb", i="docs")
    assert_error(client.delete("/_inference/emb"), 409, "status_exception", both)

    dry = client.delete("/_inference/emb", params={"dry_run": "true"})
    assert dry.status_code == 200
    assert dry.json() == {
        "acknowledged": False,
        "pipelines": ["p1", "p2"],
        "indexes": ["docs"],
        "error_message": both,
    }
    assert client.get("/_inference/emb").status_code == 200  # dry_run never deletes

    for pid in ("p1", "p2"):
        assert client.delete(f"/_ingest/pipeline/{pid}").status_code == 200
    assert_error(
        client.delete("/_inference/emb"),
        409,
        "status_exception",
        INDEX_MSG.format(id="emb", i="docs"),
    )
    assert client.delete("/docs").json() == {"acknowledged": True}
    assert client.delete("/_inference/emb").status_code == 200


def test_delete_force_skips_reference_checks(client: httpx.Client) -> None:
    put(client, "/_inference/text_embedding/emb", OPENAI_EMBED)
    client.put("/_ingest/pipeline/p", json={"processors": [{"inference": {"model_id": "emb"}}]})
    r = client.delete("/_inference/text_embedding/emb", params={"force": "true"})
    assert r.json() == {"acknowledged": True, "pipelines": [], "indexes": []}


def test_reference_checks_follow_versions(client: httpx.Client, emulator: Emulator) -> None:
    emulator.set_version("8.15.0")
    put(client, "/_inference/completion/a", OPENAI)
    client.put(
        "/idx",
        json={"mappings": {"properties": {"s": {"type": "semantic_text", "inference_id": "a"}}}},
    )
    r = client.delete("/_inference/a")
    assert r.json() == {"acknowledged": True, "pipelines": []}  # no index check, no "indexes" key
    emulator.set_version("8.14.0")
    put(client, "/_inference/completion/b", OPENAI)
    client.put("/_ingest/pipeline/p", json={"processors": [{"inference": {"model_id": "b"}}]})
    assert client.delete("/_inference/b").status_code == 200


def test_dry_run_reports_references_in_java_set_order_and_never_deletes(
    client: httpx.Client,
) -> None:
    put(client, "/_inference/text_embedding/emb", OPENAI_EMBED)
    dry = client.delete("/_inference/emb", params={"dry_run": "true"})
    assert dry.json() == {
        "acknowledged": False,
        "pipelines": [],
        "indexes": [],
        "error_message": "",
    }
    for pid in ("zeta", "alpha", "mid"):
        client.put(
            f"/_ingest/pipeline/{pid}", json={"processors": [{"inference": {"model_id": "emb"}}]}
        )
    mappings = {"properties": {"s": {"type": "semantic_text", "inference_id": "emb"}}}
    for index in ("docs-b", "docs-a", "archive"):
        client.put(f"/{index}", json={"mappings": mappings})
    # Elasticsearch collects both lists in HashSets: arrays and message follow their order
    message = PIPELINE_MSG.format(id="emb", p="zeta, alpha, mid") + INDEX_MSG.format(
        id="emb", i="docs-a, archive, docs-b"
    )
    for params in ({"dry_run": "true"}, {"dry_run": "true", "force": "true"}):
        dry = client.delete("/_inference/text_embedding/emb", params=params)
        assert dry.status_code == 200
        assert dry.json() == {
            "acknowledged": False,
            "pipelines": ["zeta", "alpha", "mid"],
            "indexes": ["docs-a", "archive", "docs-b"],
            "error_message": message,
        }
    assert client.get("/_inference/emb").status_code == 200
    assert_error(client.delete("/_inference/emb"), 409, "status_exception", message)


def test_delete_on_8_15_checks_pipelines_with_the_older_wording(
    client: httpx.Client, emulator: Emulator
) -> None:
    emulator.set_version("8.15.0")
    put(client, "/_inference/completion/b", OPENAI)
    client.put("/_ingest/pipeline/p", json={"processors": [{"inference": {"model_id": "b"}}]})
    dry = client.delete("/_inference/b", params={"dry_run": "true"})
    assert dry.status_code == 200
    assert dry.json() == {"acknowledged": False, "pipelines": ["p"]}  # no indexes, no message
    assert_error(
        client.delete("/_inference/b"),
        409,
        "status_exception",
        "Inference endpoint b is referenced by pipelines and cannot be deleted. Use `force` to "
        "delete it anyway, or use `dry_run` to list the pipelines that reference it.",
    )
    assert client.delete("/_inference/b", params={"force": "true"}).json() == {
        "acknowledged": True,
        "pipelines": [],
    }


def test_delete_before_8_15_knows_neither_force_nor_dry_run(
    client: httpx.Client, emulator: Emulator
) -> None:
    emulator.set_version("8.14.3")
    put(client, "/_inference/completion/b", OPENAI)
    assert_error(
        client.delete("/_inference/b", params={"dry_run": "true"}),
        400,
        "illegal_argument_exception",
        "request [/_inference/b] contains unrecognized parameter: [dry_run]",
    )
    assert_error(
        client.delete("/_inference/completion/b", params={"force": "true", "dry_run": "true"}),
        400,
        "illegal_argument_exception",
        "request [/_inference/completion/b] contains unrecognized parameters: [dry_run], [force]",
    )
    assert client.get("/_inference/b").status_code == 200
    assert client.delete("/_inference/b").json() == {"acknowledged": True}


def test_pipeline_and_index_errors(client: httpx.Client) -> None:
    r = client.get("/_ingest/pipeline/nope")
    assert r.status_code == 404
    assert r.json() == {}
    assert_error(
        client.delete("/_ingest/pipeline/nope"),
        404,
        "resource_not_found_exception",
        "pipeline [nope] is missing",
    )
    assert_error(client.delete("/nope"), 404, "index_not_found_exception", "no such index [nope]")
    client.put("/i", json={})
    r = client.put("/i", json={})
    assert r.status_code == 400
    assert r.json()["error"]["type"] == "resource_already_exists_exception"


def test_concurrent_requests(emulator: Emulator) -> None:
    from concurrent.futures import ThreadPoolExecutor

    emulator.reset()

    def work(n: int) -> tuple[int, int]:
        with httpx.Client(base_url=emulator.url, timeout=10) as c:
            a = c.put(f"/_inference/completion/c{n}", json=OPENAI).status_code
            b = c.get(f"/_inference/c{n}").status_code
            return a, b

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(work, range(64)))
    assert results == [(200, 200)] * 64
    with httpx.Client(base_url=emulator.url) as c:
        assert len(c.get("/_inference/completion/_all").json()["endpoints"]) == 64
