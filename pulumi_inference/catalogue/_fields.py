"""Field specs shared by many services (credentials, rate limits, embedding details)."""

from __future__ import annotations

from typing import Any

from ._model import UPDATE_API_SINCE, FieldSpec

SIMILARITIES = ("cosine", "dot_product", "l2_norm")
INPUT_TYPES = ("classification", "clustering", "ingest", "search")
RETRIEVAL_INPUT_TYPES = ("ingest", "search")
TRUNCATIONS = ("end", "none", "start")  # parsed case-insensitively: END, NONE, START

DENSE = frozenset({"text_embedding", "embedding"})
TEXT_EMBEDDING = frozenset({"text_embedding"})
RERANK = frozenset({"rerank"})
COMPLETIONS = frozenset({"completion", "chat_completion"})


def secret(name: str, description: str, *, required: bool = True, **kw: Any) -> FieldSpec:
    """A credential: stored apart, never returned, rotatable with ``_update`` since 8.17."""
    return FieldSpec(
        name,
        "string",
        description,
        required=required,
        secret=True,
        updatable_since=UPDATE_API_SINCE,
        **kw,
    )


def api_key(
    description: str = "API key of the third-party service.", *, required: bool = True
) -> FieldSpec:
    return secret("api_key", description, required=required)


def string(name: str, description: str, *, required: bool = False, **kw: Any) -> FieldSpec:
    return FieldSpec(name, "string", description, required=required, **kw)


def integer(name: str, description: str, *, minimum: int | None = 1, **kw: Any) -> FieldSpec:
    return FieldSpec(name, "integer", description, minimum=minimum, **kw)


def number(name: str, description: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name, "number", description, **kw)


def boolean(name: str, description: str, **kw: Any) -> FieldSpec:
    return FieldSpec(name, "boolean", description, **kw)


def model_id(
    description: str = "Name of the model to use.", *, required: bool = True, **kw: Any
) -> FieldSpec:
    return string("model_id", description, required=required, **kw)


def url(
    description: str = "URL of the service endpoint.", *, required: bool = False, **kw: Any
) -> FieldSpec:
    return string("url", description, required=required, **kw)


RATE_LIMIT = FieldSpec(
    "rate_limit",
    "object",
    "Requests per minute this endpoint may send to the service; the cluster adds a "
    "per-service default when omitted.",
    server_computed=True,
    fields=(
        FieldSpec(
            "requests_per_minute",
            "integer",
            "Number of requests allowed per minute.",
            minimum=1,
        ),
    ),
)


# The specification lists similarity, dimensions and max_input_tokens for only some services;
# the plugin's *EmbeddingsServiceSettings parse them for every embedding service that uses
# these helpers, so the catalogue follows the plugin (docs/catalogue-vs-spec.md, "omitted").


def dimensions(task_types: frozenset[str] = DENSE, **kw: Any) -> FieldSpec:
    return FieldSpec(
        "dimensions",
        "integer",
        "Number of dimensions of the output embeddings; the cluster fills it from a test "
        "call when omitted.",
        minimum=1,
        task_types=task_types,
        server_computed=True,
        **kw,
    )


def similarity(task_types: frozenset[str] = DENSE, **kw: Any) -> FieldSpec:
    return FieldSpec(
        "similarity",
        "string",
        "Similarity measure of the embeddings: cosine, dot_product or l2_norm "
        "(the cluster picks one when omitted).",
        task_types=task_types,
        server_computed=True,
        choices=SIMILARITIES,
        **kw,
    )


def max_input_tokens(task_types: frozenset[str] | None = DENSE) -> FieldSpec:
    return FieldSpec(
        "max_input_tokens",
        "integer",
        "Maximum number of input tokens the model accepts.",
        minimum=1,
        task_types=task_types,
    )


DIMENSIONS_SET_BY_USER = FieldSpec(
    "dimensions_set_by_user",
    "boolean",
    "Whether dimensions were declared (the cluster records it; it cannot be sent).",
    response_only=True,
    server_computed=True,
)

HEADERS = FieldSpec(
    "headers",
    "object",
    "Extra HTTP headers sent with each request to the service.",
    items="string",
)

USER = string("user", "End-user identifier passed to the service.")

RETURN_DOCUMENTS = boolean(
    "return_documents", "Whether the rerank results include the document texts.", task_types=RERANK
)

TOP_N = integer("top_n", "Number of most relevant documents to return.", task_types=RERANK)
