"""What validate_endpoint does with the keys decided against the specification (issue 10).

Each case is one row of docs/catalogue-vs-spec.md, seen from a user's declaration.
"""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_inference.catalogue import validate_endpoint

BEDROCK = {
    "inference_id": "bedrock",
    "task_type": "text_embedding",
    "service": "amazonbedrock",
    "service_settings": {
        "access_key": "a",
        "secret_key": "s",
        "region": "us-east-1",
        "provider": "amazontitan",
        "model": "amazon.titan-embed-text-v2:0",
    },
}
ALIBABA = {
    "inference_id": "ali",
    "task_type": "text_embedding",
    "service": "alibabacloud-ai-search",
    "service_settings": {"api_key": "k", "host": "h", "service_id": "s", "workspace": "w"},
}
COHERE = {
    "inference_id": "cohere",
    "task_type": "text_embedding",
    "service": "cohere",
    "service_settings": {"api_key": "k", "model_id": "embed-v4.0"},
}
CONTEXTUAL = {
    "inference_id": "ctx",
    "task_type": "rerank",
    "service": "contextualai",
    "service_settings": {"api_key": "k", "model_id": "m"},
}
ELAND = {
    "inference_id": "eland",
    "task_type": "text_embedding",
    "service": "elasticsearch",
    "service_settings": {"model_id": "my-eland", "num_threads": 1, "num_allocations": 1},
}
GROQ = {
    "inference_id": "groq",
    "task_type": "chat_completion",
    "service": "groq",
    "service_settings": {"api_key": "k", "model_id": "llama"},
}
NVIDIA = {
    "inference_id": "nv",
    "task_type": "text_embedding",
    "service": "nvidia",
    "service_settings": {"api_key": "k", "model_id": "m"},
}
VOYAGE = {
    "inference_id": "voyage",
    "task_type": "text_embedding",
    "service": "voyageai",
    "service_settings": {"api_key": "k", "model_id": "voyage-3"},
}


def _with(base: dict[str, Any], section: str, **values: Any) -> dict[str, Any]:
    return {**base, section: {**base.get(section, {}), **values}}


ACCEPTED = [
    ("alibaba http_schema", _with(ALIBABA, "service_settings", http_schema="http")),
    ("alibaba max_input_tokens", _with(ALIBABA, "service_settings", max_input_tokens=512)),
    ("alibaba input_type", _with(ALIBABA, "task_settings", input_type="search")),
    ("cohere url", _with(COHERE, "service_settings", url="https://cohere.example")),
    ("cohere truncate any case", _with(COHERE, "task_settings", truncate="END")),
    ("cohere without input_type", _with(COHERE, "task_settings", truncate="none")),
    ("eland element_type", _with(ELAND, "service_settings", element_type="byte")),
    ("groq organization_id", _with(GROQ, "service_settings", organization_id="org")),
    ("nvidia truncate", _with(NVIDIA, "task_settings", input_type="ingest", truncate="start")),
    ("voyage int8", _with(VOYAGE, "service_settings", embedding_type="int8")),
    ("bedrock similarity", _with(BEDROCK, "service_settings", similarity="cosine")),
]

REFUSED = [
    (
        "bedrock dimensions",
        _with(BEDROCK, "service_settings", dimensions=512),
        "service_settings.dimensions",
        "computed by the cluster",
    ),
    (
        "eland dimensions",
        _with(ELAND, "service_settings", dimensions=384),
        "service_settings.dimensions",
        "computed by the cluster",
    ),
    (
        "contextualai url",
        _with(CONTEXTUAL, "service_settings", url="https://x"),
        "service_settings.url",
        "unknown setting 'url'",
    ),
    (
        "alibaba http_schema ftp",
        _with(ALIBABA, "service_settings", http_schema="ftp"),
        "service_settings.http_schema",
        "one of https, http",
    ),
    (
        "alibaba input_type classification",
        _with(ALIBABA, "task_settings", input_type="classification"),
        "task_settings.input_type",
        "one of ingest, search",
    ),
    (
        "cohere truncate middle",
        _with(COHERE, "task_settings", truncate="middle"),
        "task_settings.truncate",
        "one of end, none, start",
    ),
    (
        "eland element_type bit",
        _with(ELAND, "service_settings", element_type="bit"),
        "service_settings.element_type",
        "one of byte, float",
    ),
    (
        "voyage embedding_type number",
        _with(VOYAGE, "service_settings", embedding_type=1.0),
        "service_settings.embedding_type",
        "must be a string",
    ),
    (
        "custom json_parser value not a string",
        {
            "inference_id": "c",
            "task_type": "text_embedding",
            "service": "custom",
            "service_settings": {
                "secret_parameters": {"api_key": "k"},
                "url": "https://x",
                "request": "{}",
                "response": {"json_parser": {"text_embeddings": 1}},
            },
        },
        "service_settings.response.json_parser.text_embeddings",
        "must be a string",
    ),
]


@pytest.mark.parametrize(("label", "endpoint"), ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_keys_the_plugin_parses_are_accepted(label: str, endpoint: dict[str, Any]) -> None:
    """REQ-CHECK-2: keys the cluster parses are never refused."""
    assert validate_endpoint(**endpoint) == []


@pytest.mark.parametrize(
    ("label", "endpoint", "path", "text"), REFUSED, ids=[c[0] for c in REFUSED]
)
def test_keys_the_plugin_refuses_are_refused(
    label: str, endpoint: dict[str, Any], path: str, text: str
) -> None:
    """REQ-CHECK-2: keys the cluster refuses are refused offline."""
    issues = [issue for issue in validate_endpoint(**endpoint) if issue.path == path]
    assert issues, validate_endpoint(**endpoint)
    assert any(text in issue.message for issue in issues), issues
