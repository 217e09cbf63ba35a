"""validate_endpoint: a broad table of invalid declarations, each refused at the right path."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from pulumi_inference._pulumi_wire import PULUMI_UNKNOWN_WIRE_VALUE, UNKNOWN, is_unknown
from pulumi_inference.catalogue import Issue, validate_endpoint

OPENAI = {
    "inference_id": "openai-embeddings",
    "task_type": "text_embedding",
    "service": "openai",
    "service_settings": {"model_id": "text-embedding-3-small", "api_key": "sk-1"},
}
COHERE = {**OPENAI, "service": "cohere", "service_settings": {"model_id": "embed", "api_key": "k"}}
ELASTICSEARCH = {
    "inference_id": "e5",
    "task_type": "text_embedding",
    "service": "elasticsearch",
    "service_settings": {
        "model_id": ".multilingual-e5-small",
        "num_threads": 1,
        "num_allocations": 1,
    },
}
ADAPTIVE = {"enabled": True, "min_number_of_allocations": 1, "max_number_of_allocations": 4}
ANTHROPIC = {
    "inference_id": "claude",
    "task_type": "completion",
    "service": "anthropic",
    "service_settings": {"model_id": "claude-sonnet-4-5", "api_key": "k"},
    "task_settings": {"max_tokens": 1024},
}
AZURE = {
    "inference_id": "azure",
    "task_type": "text_embedding",
    "service": "azureopenai",
    "service_settings": {
        "api_key": "k",
        "resource_name": "r",
        "deployment_id": "d",
        "api_version": "2024-02-01",
    },
}
AZURE_OAUTH = {"client_id": "c", "client_secret": "s", "tenant_id": "t", "scopes": ["x"]}
CUSTOM = {
    "inference_id": "custom",
    "task_type": "text_embedding",
    "service": "custom",
    "service_settings": {
        "secret_parameters": {"api_key": "k"},
        "url": "https://example.com/embed",
        "request": '{"input": ${input}}',
        "response": {"json_parser": {"text_embeddings": "$.data[*].embedding[*]"}},
    },
}
VERTEX_GARDEN = {
    "inference_id": "garden",
    "task_type": "completion",
    "service": "googlevertexai",
    "service_settings": {"provider": "meta", "service_account_json": "{}", "url": "https://x"},
}


def with_(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """``base`` with top-level changes; ``service_settings__key=value`` edits one setting."""
    result = {
        key: (dict(value) if isinstance(value, dict) else value) for key, value in base.items()
    }
    for key, value in changes.items():
        if "__" in key:
            section, setting = key.split("__", 1)
            settings = dict(result.get(section) or {})
            if value is _DROP:
                settings.pop(setting, None)
            else:
                settings[setting] = value
            result[section] = settings
        else:
            result[key] = value
    return result


_DROP = object()

SENTENCE = {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1}

CASES: list[tuple[str, dict[str, Any], str, str]] = [
    # inference_id
    ("uppercase id", with_(OPENAI, inference_id="My-Endpoint"), "inference_id", "lowercase"),
    ("id starts with dash", with_(OPENAI, inference_id="-abc"), "inference_id", "start"),
    ("id ends with underscore", with_(OPENAI, inference_id="abc_"), "inference_id", "ending"),
    ("id with space", with_(OPENAI, inference_id="a b"), "inference_id", "'a-b'"),
    ("id _all", with_(OPENAI, inference_id="_all"), "inference_id", "_all"),
    (
        "reserved id",
        with_(OPENAI, inference_id=".elser-2-elasticsearch"),
        "inference_id",
        "reserved",
    ),
    ("empty id", with_(OPENAI, inference_id=""), "inference_id", "required"),
    ("id not a string", with_(OPENAI, inference_id=42), "inference_id", "string"),
    # task_type
    (
        "task type typo",
        with_(OPENAI, task_type="text_embeddings"),
        "task_type",
        "did you mean 'text_embedding'",
    ),
    ("task type nonsense", with_(OPENAI, task_type="translate"), "task_type", "sparse_embedding"),
    ("task type missing", with_(OPENAI, task_type=None), "task_type", "required"),
    (
        "task type unsupported",
        with_(OPENAI, task_type="rerank"),
        "task_type",
        "does not support task type 'rerank'",
    ),
    (
        "elser rerank",
        with_(ELASTICSEARCH, service="elser", task_type="rerank"),
        "task_type",
        "sparse_embedding",
    ),
    # service
    ("service typo", with_(OPENAI, service="openia"), "service", "did you mean 'openai'"),
    ("service unknown lists known", with_(OPENAI, service="skynet"), "service", "watsonxai"),
    ("service missing", with_(OPENAI, service=None), "service", "required"),
    ("service empty", with_(OPENAI, service=""), "service", "required"),
    # unknown keys
    (
        "misspelled key",
        with_(OPENAI, service_settings__modelid="x"),
        "service_settings.modelid",
        "did you mean 'model_id'?",
    ),
    (
        "unknown key",
        with_(OPENAI, service_settings__foo="x"),
        "service_settings.foo",
        "unknown setting 'foo' for service 'openai'",
    ),
    (
        "mistral model_id",
        {
            "inference_id": "m",
            "task_type": "text_embedding",
            "service": "mistral",
            "service_settings": {"api_key": "k", "model_id": "mistral-embed"},
        },
        "service_settings.model_id",
        "mistral names it 'model'",
    ),
    (
        "bedrock model_id",
        {
            "inference_id": "b",
            "task_type": "completion",
            "service": "amazonbedrock",
            "service_settings": {
                "access_key": "a",
                "secret_key": "s",
                "region": "r",
                "provider": "amazontitan",
                "model_id": "m",
            },
        },
        "service_settings.model_id",
        "amazonbedrock names it 'model'",
    ),
    (
        "task key in service_settings",
        with_(ANTHROPIC, service_settings__max_tokens=5),
        "service_settings.max_tokens",
        "belongs in task_settings",
    ),
    (
        "unknown task setting",
        with_(OPENAI, task_settings={"temprature": 1}),
        "task_settings.temprature",
        "unknown setting",
    ),
    (
        "task setting of another task type",
        with_(COHERE, task_settings={"top_n": 3}),
        "task_settings.top_n",
        "applies only to task types rerank",
    ),
    (
        "service setting of another task type",
        with_(OPENAI, task_type="completion", service_settings__dimensions=128),
        "service_settings.dimensions",
        "applies only",
    ),
    (
        "response-only key",
        with_(OPENAI, service_settings__dimensions_set_by_user=True),
        "service_settings.dimensions_set_by_user",
        "computed by the cluster",
    ),
    (
        "unknown nested key",
        with_(OPENAI, service_settings__rate_limit={"rpm": 5}),
        "service_settings.rate_limit.rpm",
        "requests_per_minute",
    ),
    (
        "task settings for a service without any",
        {
            "inference_id": "d",
            "task_type": "completion",
            "service": "deepseek",
            "service_settings": {"api_key": "k", "model_id": "deepseek-chat"},
            "task_settings": {"temperature": 1},
        },
        "task_settings.temperature",
        "accepted task_settings: none",
    ),
    # missing required keys
    (
        "missing model_id",
        with_(OPENAI, service_settings__model_id=_DROP),
        "service_settings.model_id",
        "missing required setting 'model_id'",
    ),
    (
        "missing secret",
        with_(COHERE, service_settings__api_key=_DROP),
        "service_settings.api_key",
        "(a secret)",
    ),
    (
        "missing bedrock secret_key",
        {
            "inference_id": "b",
            "task_type": "completion",
            "service": "amazonbedrock",
            "service_settings": {"access_key": "a", "region": "r", "provider": "p", "model": "m"},
        },
        "service_settings.secret_key",
        "missing required",
    ),
    (
        "missing vertex service account",
        with_(VERTEX_GARDEN, service_settings__service_account_json=_DROP),
        "service_settings.service_account_json",
        "secret",
    ),
    (
        "None counts as missing",
        with_(COHERE, service_settings__model_id=None),
        "service_settings.model_id",
        "missing",
    ),
    (
        "missing service_settings",
        with_(OPENAI, service_settings=None),
        "service_settings",
        "required",
    ),
    (
        "custom without json_parser",
        with_(CUSTOM, service_settings__response={}),
        "service_settings.response.json_parser",
        "missing required",
    ),
    (
        "custom without request",
        with_(CUSTOM, service_settings__request=_DROP),
        "service_settings.request",
        "missing required",
    ),
    (
        "custom without secret_parameters",
        with_(CUSTOM, service_settings__secret_parameters=_DROP),
        "service_settings.secret_parameters",
        "missing required",
    ),
    (
        "custom without url",
        with_(CUSTOM, service_settings__url=_DROP),
        "service_settings.url",
        "missing required",
    ),
    # kinds and values
    (
        "string expected",
        with_(OPENAI, service_settings__model_id=5),
        "service_settings.model_id",
        "must be a string",
    ),
    (
        "empty string",
        with_(OPENAI, service_settings__model_id=""),
        "service_settings.model_id",
        "must not be empty",
    ),
    (
        "2.5 as integer",
        with_(OPENAI, service_settings__dimensions=2.5),
        "service_settings.dimensions",
        "whole number",
    ),
    (
        "bool as integer",
        with_(OPENAI, service_settings__dimensions=True),
        "service_settings.dimensions",
        "not a boolean",
    ),
    (
        "string as integer",
        with_(OPENAI, service_settings__dimensions="128"),
        "service_settings.dimensions",
        "must be an integer",
    ),
    (
        "integer below minimum",
        with_(OPENAI, service_settings__dimensions=0),
        "service_settings.dimensions",
        "at least 1",
    ),
    (
        "bool as number",
        with_(ANTHROPIC, task_settings={"max_tokens": 5, "temperature": True}),
        "task_settings.temperature",
        "must be a number",
    ),
    (
        "string as boolean",
        with_(COHERE, task_type="rerank", task_settings={"return_documents": "yes"}),
        "task_settings.return_documents",
        "boolean",
    ),
    (
        "bad similarity",
        with_(OPENAI, service_settings__similarity="euclid"),
        "service_settings.similarity",
        "one of cosine, dot_product, l2_norm",
    ),
    (
        "nested integer",
        with_(OPENAI, service_settings__rate_limit={"requests_per_minute": "x"}),
        "service_settings.rate_limit.requests_per_minute",
        "integer",
    ),
    (
        "list items",
        with_(OPENAI, service_settings__scopes=["a", 1]),
        "service_settings.scopes[1]",
        "string",
    ),
    (
        "object values",
        with_(OPENAI, task_settings={"headers": {"X-Id": 5}}),
        "task_settings.headers.X-Id",
        "string",
    ),
    (
        "object expected",
        with_(OPENAI, service_settings__rate_limit=500),
        "service_settings.rate_limit",
        "object",
    ),
    (
        "service_settings not an object",
        with_(OPENAI, service_settings=["model_id"]),
        "service_settings",
        "object",
    ),
    ("task_settings not an object", with_(OPENAI, task_settings="fast"), "task_settings", "object"),
    # deployments
    (
        "num_threads 3",
        with_(ELASTICSEARCH, service_settings__num_threads=3),
        "service_settings.num_threads",
        "power of two",
    ),
    (
        "num_threads 64",
        with_(ELASTICSEARCH, service_settings__num_threads=64),
        "service_settings.num_threads",
        "power of two",
    ),
    (
        "num_threads 0",
        with_(ELASTICSEARCH, service_settings__num_threads=0),
        "service_settings.num_threads",
        "power of two",
    ),
    (
        "num_threads missing",
        with_(ELASTICSEARCH, service_settings__num_threads=_DROP),
        "service_settings.num_threads",
        "missing required setting 'num_threads'",
    ),
    (
        "elasticsearch model_id missing",
        with_(ELASTICSEARCH, service_settings__model_id=_DROP),
        "service_settings.model_id",
        "deployment_id",
    ),
    (
        "neither allocations",
        with_(ELASTICSEARCH, service_settings__num_allocations=_DROP),
        "service_settings.num_allocations",
        "one of 'num_allocations' or 'adaptive_allocations'",
    ),
    (
        "elser neither allocations",
        {
            "inference_id": "elser",
            "task_type": "sparse_embedding",
            "service": "elser",
            "service_settings": {"num_threads": 1},
        },
        "service_settings.num_allocations",
        "is required",
    ),
    (
        "both allocations",
        with_(ELASTICSEARCH, service_settings__adaptive_allocations=ADAPTIVE),
        "service_settings.num_allocations",
        "cannot be set while adaptive_allocations is enabled",
    ),
    (
        "num_allocations 0",
        with_(ELASTICSEARCH, service_settings__num_allocations=0),
        "service_settings.num_allocations",
        "at least 1",
    ),
    (
        "num_allocations 2.5",
        with_(ELASTICSEARCH, service_settings__num_allocations=2.5),
        "service_settings.num_allocations",
        "integer",
    ),
    (
        "adaptive min > max",
        with_(
            ELASTICSEARCH,
            service_settings__num_allocations=_DROP,
            service_settings__adaptive_allocations={**ADAPTIVE, "min_number_of_allocations": 5},
        ),
        "service_settings.adaptive_allocations.min_number_of_allocations",
        "must not exceed",
    ),
    (
        "adaptive min < 0",
        with_(
            ELASTICSEARCH,
            service_settings__num_allocations=_DROP,
            service_settings__adaptive_allocations={**ADAPTIVE, "min_number_of_allocations": -2},
        ),
        "service_settings.adaptive_allocations.min_number_of_allocations",
        "0 or more",
    ),
    (
        "adaptive max 0",
        with_(
            ELASTICSEARCH,
            service_settings__num_allocations=_DROP,
            service_settings__adaptive_allocations={
                "enabled": True,
                "max_number_of_allocations": 0,
            },
        ),
        "service_settings.adaptive_allocations.max_number_of_allocations",
        "1 or more",
    ),
    (
        "adaptive unknown key",
        with_(
            ELASTICSEARCH,
            service_settings__num_allocations=_DROP,
            service_settings__adaptive_allocations={**ADAPTIVE, "max": 3},
        ),
        "service_settings.adaptive_allocations.max",
        "unknown setting",
    ),
    # chunking
    (
        "chunking on rerank",
        with_(COHERE, task_type="rerank", chunking_settings=SENTENCE),
        "chunking_settings",
        "only to",
    ),
    (
        "chunking on completion",
        with_(ANTHROPIC, chunking_settings=SENTENCE),
        "chunking_settings",
        "remove them",
    ),
    (
        "chunking not an object",
        with_(OPENAI, chunking_settings="sentence"),
        "chunking_settings",
        "object",
    ),
    (
        "sentence_overlap 2",
        with_(OPENAI, chunking_settings={**SENTENCE, "sentence_overlap": 2}),
        "chunking_settings.sentence_overlap",
        "at most 1",
    ),
    (
        "sentence max 19",
        with_(OPENAI, chunking_settings={**SENTENCE, "max_chunk_size": 19}),
        "chunking_settings.max_chunk_size",
        "at least 20",
    ),
    (
        "sentence with word overlap",
        with_(OPENAI, chunking_settings={**SENTENCE, "overlap": 5}),
        "chunking_settings.overlap",
        "did you mean 'sentence_overlap'?",
    ),
    (
        "word overlap > half",
        with_(OPENAI, chunking_settings={"strategy": "word", "max_chunk_size": 100, "overlap": 51}),
        "chunking_settings.overlap",
        "at most half of max_chunk_size (100)",
    ),
    (
        "word overlap 0",
        with_(OPENAI, chunking_settings={"strategy": "word", "max_chunk_size": 100, "overlap": 0}),
        "chunking_settings.overlap",
        "at least 1",
    ),
    (
        "word overlap missing",
        with_(OPENAI, chunking_settings={"strategy": "word", "max_chunk_size": 100}),
        "chunking_settings.overlap",
        "requires 'overlap'",
    ),
    (
        "word max 301",
        with_(OPENAI, chunking_settings={"strategy": "word", "max_chunk_size": 301, "overlap": 10}),
        "chunking_settings.max_chunk_size",
        "at most 300",
    ),
    (
        "word max 9",
        with_(OPENAI, chunking_settings={"strategy": "word", "max_chunk_size": 9, "overlap": 1}),
        "chunking_settings.max_chunk_size",
        "at least 10",
    ),
    (
        "recursive both separators",
        with_(
            OPENAI,
            chunking_settings={
                "strategy": "recursive",
                "max_chunk_size": 200,
                "separators": ["\n"],
                "separator_group": "markdown",
            },
        ),
        "chunking_settings.separators",
        "not both",
    ),
    (
        "recursive empty separators",
        with_(
            OPENAI,
            chunking_settings={"strategy": "recursive", "max_chunk_size": 200, "separators": []},
        ),
        "chunking_settings.separators",
        "must not be empty",
    ),
    (
        "recursive bad group",
        with_(
            OPENAI,
            chunking_settings={
                "strategy": "recursive",
                "max_chunk_size": 200,
                "separator_group": "html",
            },
        ),
        "chunking_settings.separator_group",
        "plaintext, markdown",
    ),
    (
        "none with size",
        with_(OPENAI, chunking_settings={"strategy": "none", "max_chunk_size": 5}),
        "chunking_settings.max_chunk_size",
        "strategy 'none'",
    ),
    (
        "strategy missing",
        with_(OPENAI, chunking_settings={"max_chunk_size": 100}),
        "chunking_settings.strategy",
        "missing 'strategy'",
    ),
    (
        "strategy unknown",
        with_(OPENAI, chunking_settings={"strategy": "paragraph"}),
        "chunking_settings.strategy",
        "sentence, word, recursive, none",
    ),
    (
        "strategy case",
        with_(OPENAI, chunking_settings={"strategy": "Sentence", "max_chunk_size": 50}),
        "chunking_settings.strategy",
        "'sentence'",
    ),
    # service-specific rules
    (
        "anthropic without max_tokens",
        with_(ANTHROPIC, task_settings={"temperature": 0.5}),
        "task_settings.max_tokens",
        "missing required setting 'max_tokens'",
    ),
    (
        "anthropic without task_settings",
        with_(ANTHROPIC, task_settings=None),
        "task_settings.max_tokens",
        "missing required",
    ),
    (
        "anthropic max_tokens 10.5",
        with_(ANTHROPIC, task_settings={"max_tokens": 10.5}),
        "task_settings.max_tokens",
        "integer",
    ),
    (
        "azure two credentials",
        with_(AZURE, service_settings__entra_id="e"),
        "service_settings.entra_id",
        "exactly one credential",
    ),
    (
        "azure key and oauth",
        with_(AZURE, service_settings={**AZURE["service_settings"], **AZURE_OAUTH}),
        "service_settings.client_id",
        "exactly one credential",
    ),
    (
        "azure no credential",
        with_(AZURE, service_settings__api_key=_DROP),
        "service_settings.api_key",
        "needs one credential",
    ),
    (
        "azure partial oauth",
        with_(
            AZURE,
            service_settings__api_key=_DROP,
            service_settings__client_id="c",
            service_settings__client_secret="s",
        ),
        "service_settings.tenant_id",
        "together; add 'tenant_id'",
    ),
    (
        "openai no credential",
        with_(OPENAI, service_settings__api_key=_DROP),
        "service_settings.api_key",
        "needs one credential",
    ),
    (
        "openai key and oauth",
        with_(
            OPENAI,
            service_settings__client_secret="s",
            service_settings__client_id="c",
            service_settings__scopes=["a"],
            service_settings__token_url="https://t",
        ),
        "service_settings.client_id",
        "exactly one credential",
    ),
    (
        "vertex garden without url",
        with_(VERTEX_GARDEN, service_settings__url=_DROP),
        "service_settings.url",
        "'url' or 'streaming_url'",
    ),
    (
        "vertex embeddings without project",
        {
            "inference_id": "v",
            "task_type": "text_embedding",
            "service": "googlevertexai",
            "service_settings": {"service_account_json": "{}", "model_id": "m"},
        },
        "service_settings.project_id",
        "missing required setting 'project_id'",
    ),
    (
        "vertex unknown provider",
        with_(VERTEX_GARDEN, service_settings__provider="openai"),
        "service_settings.provider",
        "one of google",
    ),
]


@pytest.mark.parametrize(("label", "endpoint", "path", "text"), CASES, ids=[c[0] for c in CASES])
def test_invalid_declarations_are_refused(
    label: str, endpoint: dict[str, Any], path: str, text: str
) -> None:
    """REQ-CHECK-1, REQ-CHECK-2: each invalid declaration is refused at its path, saying how to fix
    it."""
    issues = validate_endpoint(**endpoint)
    matching = [issue for issue in issues if issue.path == path]
    assert matching, f"no issue at {path}: {issues}"
    assert any(text in issue.message for issue in matching), matching


@pytest.mark.parametrize(
    "endpoint",
    [OPENAI, COHERE, ELASTICSEARCH, ANTHROPIC, AZURE, CUSTOM, VERTEX_GARDEN],
    ids=["openai", "cohere", "elasticsearch", "anthropic", "azure", "custom", "vertex"],
)
def test_the_bases_of_the_table_are_valid(endpoint: dict[str, Any]) -> None:
    assert validate_endpoint(**endpoint) == []


def test_valid_variants_are_accepted() -> None:
    """REQ-CHECK-2: integral floats, any-case choices and every valid variant pass."""
    oauth = {**AZURE["service_settings"], **AZURE_OAUTH}
    del oauth["api_key"]
    assert validate_endpoint(**with_(AZURE, service_settings=oauth)) == []
    assert (
        validate_endpoint(
            **with_(AZURE, service_settings__api_key=_DROP, service_settings__entra_id="e")
        )
        == []
    )
    # integral floats (Pulumi sends every number as a float) are integers
    assert validate_endpoint(**with_(OPENAI, service_settings__dimensions=128.0)) == []
    assert validate_endpoint(**with_(ELASTICSEARCH, service_settings__num_threads=8.0)) == []
    # choices compare case-insensitively, as the cluster does
    assert validate_endpoint(**with_(OPENAI, service_settings__similarity="COSINE")) == []
    # adaptive allocations with num_allocations while disabled, and min 0
    disabled = {"enabled": False, "min_number_of_allocations": 0, "max_number_of_allocations": 2}
    assert (
        validate_endpoint(**with_(ELASTICSEARCH, service_settings__adaptive_allocations=disabled))
        == []
    )
    # -1 is the cluster's "not set" for either adaptive bound
    unset = {"enabled": True, "min_number_of_allocations": -1, "max_number_of_allocations": 4}
    assert (
        validate_endpoint(
            **with_(
                ELASTICSEARCH,
                service_settings__num_allocations=_DROP,
                service_settings__adaptive_allocations=unset,
            )
        )
        == []
    )
    # attaching to an existing deployment needs nothing else
    attached = {
        "inference_id": "x",
        "task_type": "sparse_embedding",
        "service": "elasticsearch",
        "service_settings": {"deployment_id": ".elser_model_2"},
    }
    assert validate_endpoint(**attached) == []
    # every chunking strategy in its valid form, and {} for "the default"
    for chunking in (
        SENTENCE,
        {"strategy": "sentence", "max_chunk_size": 20, "sentence_overlap": 0},
        {"strategy": "word", "max_chunk_size": 100, "overlap": 50},
        {"strategy": "recursive", "max_chunk_size": 200, "separator_group": "markdown"},
        {"strategy": "recursive", "max_chunk_size": 200, "separators": ["\n\n", "\n"]},
        {"strategy": "none"},
        {},
    ):
        assert validate_endpoint(**with_(OPENAI, chunking_settings=chunking)) == [], chunking
    # open task settings (SageMaker's elastic api passes any key to the model)
    sagemaker = {
        "inference_id": "s",
        "task_type": "rerank",
        "service": "amazon_sagemaker",
        "service_settings": {
            "access_key": "a",
            "secret_key": "s",
            "region": "r",
            "api": "elastic",
            "endpoint_name": "e",
        },
        "task_settings": {"anything": 1},
    }
    assert validate_endpoint(**sagemaker) == []


def test_issue_reads_as_path_and_message() -> None:
    issue = Issue("service_settings.modelid", "did you mean 'model_id'?")
    assert str(issue) == "service_settings.modelid: did you mean 'model_id'?"


def test_every_problem_is_reported_not_only_the_first() -> None:
    """REQ-CHECK-2: all problems at once, each once."""
    issues = validate_endpoint(
        inference_id="Bad Id",
        task_type="text_embedding",
        service="openai",
        service_settings={"modelid": "x", "dimensions": 2.5},
        chunking_settings={"strategy": "word", "max_chunk_size": 5, "overlap": 1},
    )
    paths = {issue.path for issue in issues}
    assert paths >= {
        "inference_id",
        "service_settings.modelid",
        "service_settings.dimensions",
        "service_settings.api_key",
        "chunking_settings.max_chunk_size",
    }
    # model_id is missing because it was misspelt: the did-you-mean says it, once.
    assert "service_settings.model_id" not in paths
    assert len(issues) == len(set(issues)) == len(paths)


def test_unknown_service_allowed_checks_only_shapes() -> None:
    """REQ-CHECK-1: an unknown service is refused unless allow_unknown_service passes it through."""
    endpoint = with_(OPENAI, service="brand_new", service_settings={"whatever": 1})
    assert [i.path for i in validate_endpoint(**endpoint)] == ["service"]
    assert validate_endpoint(**endpoint, allow_unknown_service=True) == []
    bad = with_(endpoint, service_settings="x")
    assert [i.path for i in validate_endpoint(**bad, allow_unknown_service=True)] == [
        "service_settings"
    ]


# --- values not known yet ------------------------------------------------------------


@pytest.mark.parametrize(
    "unknown", [UNKNOWN, PULUMI_UNKNOWN_WIRE_VALUE], ids=["sentinel", "pulumi-wire"]
)
@pytest.mark.parametrize(
    "endpoint",
    [
        with_(OPENAI, inference_id="<U>"),
        with_(OPENAI, task_type="<U>"),
        with_(OPENAI, service="<U>"),
        with_(OPENAI, service_settings="<U>"),
        with_(ANTHROPIC, task_settings="<U>"),
        with_(OPENAI, chunking_settings="<U>"),
        with_(OPENAI, service_settings__api_key="<U>"),
        with_(OPENAI, service_settings__dimensions="<U>"),
        with_(OPENAI, service_settings__rate_limit={"requests_per_minute": "<U>"}),
        with_(
            OPENAI,
            service_settings__api_key=_DROP,
            service_settings__client_id="c",
            service_settings__client_secret="s",
            service_settings__token_url="https://t",
            service_settings__scopes=["a", "<U>"],
        ),
        with_(ANTHROPIC, task_settings={"max_tokens": "<U>"}),
        with_(ELASTICSEARCH, service_settings__num_threads="<U>"),
        with_(ELASTICSEARCH, service_settings__num_allocations="<U>"),
        with_(
            ELASTICSEARCH,
            service_settings__num_allocations=_DROP,
            service_settings__adaptive_allocations="<U>",
        ),
        with_(
            ELASTICSEARCH,
            service_settings__num_allocations=_DROP,
            service_settings__adaptive_allocations={**ADAPTIVE, "min_number_of_allocations": "<U>"},
        ),
        with_(OPENAI, chunking_settings={"strategy": "<U>", "max_chunk_size": 5}),
        with_(
            OPENAI, chunking_settings={"strategy": "word", "max_chunk_size": "<U>", "overlap": 60}
        ),
        with_(VERTEX_GARDEN, service_settings__provider="<U>", service_settings__url=_DROP),
        with_(AZURE, service_settings__api_key="<U>"),
    ],
)
def test_unknown_values_are_skipped(endpoint: dict[str, Any], unknown: object) -> None:
    """REQ-CHECK-4: a value not known during a preview skips the checks that need it."""

    def swap(value: Any) -> Any:
        if value == "<U>":
            return unknown
        if isinstance(value, dict):
            return {key: swap(item) for key, item in value.items()}
        if isinstance(value, list):
            return [swap(item) for item in value]
        return value

    assert validate_endpoint(**{key: swap(value) for key, value in endpoint.items()}) == []


def test_unknown_values_do_not_hide_other_problems() -> None:
    """REQ-CHECK-4: what is known is still checked."""
    issues = validate_endpoint(
        **with_(OPENAI, service_settings__model_id=UNKNOWN, service_settings__modelid="x")
    )
    assert [issue.path for issue in issues] == ["service_settings.modelid"]
    issues = validate_endpoint(**with_(OPENAI, task_type=UNKNOWN, service_settings__dimensions=2.5))
    assert [issue.path for issue in issues] == ["service_settings.dimensions"]


def test_unknown_is_a_singleton_that_survives_pickling() -> None:
    assert pickle.loads(pickle.dumps(UNKNOWN)) is UNKNOWN  # noqa: S301 - our own bytes
    assert repr(UNKNOWN) == "UNKNOWN"
    assert is_unknown(UNKNOWN)
    assert is_unknown(PULUMI_UNKNOWN_WIRE_VALUE)
    assert not is_unknown("04da6b54")
    assert not is_unknown(None)
