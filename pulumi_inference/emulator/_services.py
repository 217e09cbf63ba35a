"""The emulated cluster's table of services: task types, keys, secrets, requirements, and the
dimensions it gives a model (request validation and defaults: ``_requests``).

Deliberately independent of :mod:`pulumi_inference.catalogue`: the emulator is a stand-in
cluster and so an independent check of the library's own service knowledge. The table is
permissive: a service whose full key set is not known with certainty accepts any key
(``service_keys=None``), so every documented request example is accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._errors import JsonDict

TASK_TYPES: tuple[str, ...] = (
    "text_embedding",
    "sparse_embedding",
    "rerank",
    "completion",
    "chat_completion",
    "embedding",
)
EMBEDDING_TASK_TYPES = frozenset({"text_embedding", "sparse_embedding", "embedding"})
DENSE_TASK_TYPES = frozenset({"text_embedding", "embedding"})

SECRET_KEYS = frozenset(
    {
        "api_key",
        "access_key",
        "secret_key",
        "service_account_json",
        "entra_id",
        "client_secret",
        "secret_parameters",
    }
)

DEFAULT_CHUNKING: JsonDict = {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1}
LEGACY_CHUNKING: JsonDict = {"strategy": "word", "max_chunk_size": 250, "overlap": 100}

ELSER_MODEL_LINUX = ".elser_model_2_linux-x86_64"
ELSER_MODEL = ".elser_model_2"


# Integer-typed settings: a float such as 2.0 is refused ("cannot be converted to a [Integer]").
INTEGER_SERVICE_KEYS = ("num_allocations", "num_threads", "dimensions", "max_input_tokens")
POSITIVE_SERVICE_KEYS = ("num_threads", "dimensions", "max_input_tokens")
INTEGER_TASK_KEYS = ("max_tokens", "top_n", "top_k")
INTEGER_CHUNKING_KEYS = ("max_chunk_size", "overlap", "sentence_overlap")
INTEGER_ADAPTIVE_KEYS = ("min_number_of_allocations", "max_number_of_allocations")

ALL = frozenset(TASK_TYPES)
CHAT = frozenset({"completion", "chat_completion"})


@dataclass(frozen=True)
class ServiceRule:
    """One service: task types, accepted keys (``None`` = accept any), requirements."""

    name: str
    task_types: frozenset[str]
    service_keys: frozenset[str] | None = None
    task_keys: frozenset[str] | None = None
    required: tuple[str, ...] = ()
    secret_required: tuple[str, ...] = ()  # all of these
    secret_any_of: tuple[str, ...] = ()  # at least one of these
    secret_any_message: str | None = None
    rate_limit: int | Mapping[str, int] | None = None
    required_task: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    dense_defaults: bool = True  # add dimensions/similarity for dense embeddings
    # keys a request may not set for a task type (the cluster computes them)
    refused: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def rate_limit_for(self, task_type: str) -> int | None:
        if isinstance(self.rate_limit, Mapping):
            return self.rate_limit.get(task_type)
        return self.rate_limit


def _keys(*names: str) -> frozenset[str]:
    return frozenset(names)


_AZURE_SECRET_MESSAGE = "[secret_settings] must have either the [api_key] or the [entra_id] key set"
_COMMON = ("rate_limit", "dimensions", "similarity", "max_input_tokens")

SERVICES: dict[str, ServiceRule] = {
    r.name: r
    for r in (
        ServiceRule(
            "openai",
            frozenset({"text_embedding", "completion", "chat_completion"}),
            _keys(
                *_COMMON,
                "api_key",
                "model_id",
                "url",
                "organization_id",
                "client_id",
                "client_secret",
                "scopes",
                "token_url",
                "headers",
            ),
            _keys("user", "headers"),
            required=("model_id",),
            secret_any_of=("api_key", "client_secret"),
            rate_limit={"text_embedding": 3000, "completion": 500, "chat_completion": 500},
        ),
        ServiceRule(
            "cohere",
            frozenset({"text_embedding", "rerank", "completion"}),
            _keys(*_COMMON, "api_key", "model_id", "embedding_type", "url", "api_version"),
            _keys("input_type", "truncate", "top_n", "return_documents", "max_chunks_per_doc"),
            secret_required=("api_key",),
            rate_limit=10000,
        ),
        ServiceRule(
            "mistral",
            frozenset({"text_embedding", "completion", "chat_completion"}),
            _keys(*_COMMON, "api_key", "model"),
            required=("model",),
            secret_required=("api_key",),
            rate_limit=240,
        ),
        ServiceRule(
            "anthropic",
            CHAT,
            _keys("rate_limit", "api_key", "model_id"),
            _keys("max_tokens", "temperature", "top_k", "top_p"),
            required=("model_id",),
            secret_required=("api_key",),
            rate_limit=50,
            required_task={"completion": ("max_tokens",), "chat_completion": ("max_tokens",)},
        ),
        ServiceRule(
            "azureopenai",
            frozenset({"text_embedding", "completion", "chat_completion"}),
            _keys(
                *_COMMON,
                "api_key",
                "entra_id",
                "resource_name",
                "deployment_id",
                "api_version",
                "client_id",
                "client_secret",
                "tenant_id",
                "scopes",
            ),
            _keys("user", "headers"),
            required=("resource_name", "deployment_id", "api_version"),
            secret_any_of=("api_key", "entra_id", "client_secret"),
            secret_any_message=_AZURE_SECRET_MESSAGE,
            rate_limit={"text_embedding": 1440, "completion": 120, "chat_completion": 120},
        ),
        ServiceRule(
            "azureaistudio",
            frozenset({"text_embedding", "completion", "rerank"}),
            _keys(*_COMMON, "api_key", "target", "provider", "endpoint_type"),
            required=("target", "provider", "endpoint_type"),
            secret_required=("api_key",),
            rate_limit=240,
        ),
        ServiceRule(
            "amazonbedrock",
            frozenset({"text_embedding", "completion", "chat_completion"}),
            _keys(*_COMMON, "access_key", "secret_key", "region", "model", "provider"),
            required=("region", "model", "provider"),
            secret_required=("access_key", "secret_key"),
            rate_limit=240,
            # AmazonBedrockEmbeddingsServiceSettings: dimensions come from the model
            refused={"text_embedding": ("dimensions",)},
        ),
        ServiceRule(
            "amazon_sagemaker",
            ALL - {"embedding"},
            required=("endpoint_name", "region", "api"),
            secret_required=("access_key", "secret_key"),
        ),
        ServiceRule(
            "alibabacloud-ai-search",
            frozenset({"text_embedding", "sparse_embedding", "rerank", "completion"}),
            _keys(*_COMMON, "api_key", "service_id", "host", "workspace", "http_schema"),
            required=("service_id", "host", "workspace"),
            secret_required=("api_key",),
            rate_limit=1000,
        ),
        ServiceRule(
            "googleaistudio",
            frozenset({"text_embedding", "completion", "chat_completion"}),
            _keys(*_COMMON, "api_key", "model_id"),
            required=("model_id",),
            secret_required=("api_key",),
            rate_limit=360,
        ),
        ServiceRule(
            "googlevertexai",
            frozenset({"text_embedding", "rerank", "completion", "chat_completion"}),
            secret_required=("service_account_json",),
            rate_limit=30000,
        ),
        ServiceRule(
            "hugging_face",
            ALL - {"embedding"},
            _keys(*_COMMON, "api_key", "url", "model_id"),
            required=("url",),
            secret_required=("api_key",),
            rate_limit=3000,
        ),
        ServiceRule(
            "jinaai",
            frozenset({"text_embedding", "rerank", "embedding"}),
            _keys(*_COMMON, "api_key", "model_id", "embedding_type", "multimodal_model"),
            required=("model_id",),
            secret_required=("api_key",),
            rate_limit=2000,
        ),
        ServiceRule(
            "voyageai",
            frozenset({"text_embedding", "rerank", "embedding"}),
            _keys(*_COMMON, "api_key", "model_id", "embedding_type"),
            required=("model_id",),
            rate_limit=2000,
        ),
        ServiceRule(
            "watsonxai",
            frozenset({"text_embedding", "completion", "chat_completion", "rerank"}),
            _keys(*_COMMON, "api_key", "url", "api_version", "model_id", "project_id"),
            required=("url", "api_version", "model_id", "project_id"),
            secret_required=("api_key",),
            rate_limit=120,
        ),
        ServiceRule(
            "elasticsearch",
            frozenset({"text_embedding", "sparse_embedding", "rerank"}),
            _keys(
                "model_id",
                "num_threads",
                "num_allocations",
                "adaptive_allocations",
                "deployment_id",
                "dimensions",
                "similarity",
                "element_type",
            ),
        ),
        ServiceRule(
            "elser",
            frozenset({"sparse_embedding"}),
            _keys("model_id", "num_threads", "num_allocations", "adaptive_allocations"),
        ),
        ServiceRule(
            "custom",
            ALL - {"embedding"},
            required=("url", "request", "response"),
            rate_limit=10000,
            dense_defaults=False,
        ),
        ServiceRule("deepseek", CHAT, required=("model_id",), secret_required=("api_key",)),
        ServiceRule(
            "ai21", CHAT, required=("model_id",), secret_required=("api_key",), rate_limit=200
        ),
        ServiceRule(
            "llama",
            frozenset({"text_embedding", "completion", "chat_completion"}),
            required=("url", "model_id"),
            rate_limit=3000,
        ),
        ServiceRule(
            "contextualai",
            frozenset({"rerank"}),
            required=("model_id",),
            secret_required=("api_key",),
            rate_limit=1000,
        ),
        ServiceRule("groq", CHAT, required=("model_id",), secret_required=("api_key",)),
        ServiceRule(
            "nvidia",
            frozenset({"text_embedding", "completion", "chat_completion", "rerank"}),
            required=("model_id",),
            secret_required=("api_key",),
            rate_limit=3000,
        ),
        ServiceRule(
            "openshift_ai",
            frozenset({"text_embedding", "completion", "chat_completion", "rerank"}),
            required=("url",),
            secret_required=("api_key",),
            rate_limit=3000,
        ),
        ServiceRule(
            "fireworksai",
            frozenset({"text_embedding", "completion", "chat_completion"}),
            required=("model_id",),
            secret_required=("api_key",),
            rate_limit=6000,
        ),
        ServiceRule(
            "elastic",
            frozenset(
                {"sparse_embedding", "text_embedding", "rerank", "completion", "chat_completion"}
            ),
            required=("model_id",),
        ),
    )
}

DEPLOYMENT_SERVICES = frozenset({"elasticsearch", "elser"})

# Dimensions the "test call" reports, per model (substring match, first wins), else per service.
_MODEL_DIMENSIONS: tuple[tuple[str, int], ...] = (
    ("text-embedding-3-large", 3072),
    ("text-embedding-3-small", 1536),
    ("text-embedding-ada-002", 1536),
    ("jina-embeddings-v4", 2048),
    ("jina-clip", 1024),
    ("jina-embeddings-v3", 1024),
    ("nv-embedqa-1b", 2048),
    ("gritlm-7b", 4096),
    ("qwen3-embedding-8b", 4096),
    ("embed-english-light", 384),
    ("embed-multilingual-light", 384),
    ("multilingual-e5-small", 384),
    ("e5-small", 384),
    ("minilm", 384),
    ("text-embedding-004", 768),
    ("embedding-001", 768),
    ("slate-30m", 384),
)
_SERVICE_DIMENSIONS = {"azureopenai": 1536, "openai": 1536}


def default_dimensions(service: str, settings: Mapping[str, Any]) -> int:
    model = str(settings.get("model_id") or settings.get("model") or "").lower()
    for needle, dims in _MODEL_DIMENSIONS:
        if needle in model:
            return dims
    return _SERVICE_DIMENSIONS.get(service, 1024)
