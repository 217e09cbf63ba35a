"""What the emulated cluster knows about services, ids, versions and server-added defaults.

Deliberately independent of :mod:`pulumi_inference.catalogue`: the emulator is a stand-in
cluster and so an independent check of the library's own service knowledge. The table is
permissive: a service whose full key set is not known with certainty accepts any key
(``service_keys=None``), so every documented request example is accepted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._version import Version
from ._errors import EsError, JsonDict, bad_request, validation_failed
from ._java import java_repr

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

_ID_RE = re.compile(r"[a-z0-9](?:[a-z0-9_\-.]*[a-z0-9])?")

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


# ----------------------------------------------------------------------------- versions


def parse_version(text: str) -> Version:
    parts = re.findall(r"\d+", text.split("-", 1)[0])
    nums = [int(p) for p in parts[:3]] + [0, 0, 0]
    return (nums[0], nums[1], nums[2])


# ----------------------------------------------------------------------------- ids, task types


def check_inference_id(inference_id: str) -> None:
    if inference_id == "_all" or _ID_RE.fullmatch(inference_id) is None:
        raise EsError(
            400,
            "action_request_validation_exception",
            "Validation Failed: 1: Invalid inference_id; "
            f"'{inference_id}' can contain lowercase alphanumeric (a-z and 0-9), hyphens or "
            "underscores; must start and end with alphanumeric;",
        )


def parse_task_type(text: str) -> str:
    """Case-insensitive and trimmed, like ``TaskType.fromString``.

    A hyphen is read as an underscore (``chat-completion``): one official request example
    uses that spelling, and the emulator accepts every official example.
    """
    name = text.strip().lower().replace("-", "_")
    if name not in TASK_TYPES:
        raise bad_request(f"Unknown task_type [{text}]")
    return name


def resolve_task_type(path_task_type: str | None, body_task_type: Any) -> str:
    body = None if body_task_type is None else parse_task_type(str(body_task_type))
    if path_task_type is None:
        if body is None:
            raise bad_request("model is missing required setting [task_type]")
        return body
    if body is None or body == path_task_type:
        return path_task_type
    raise bad_request(
        "Cannot resolve conflicting task_type parameter in the request URL "
        f"[{path_task_type}] and the request body [{body}]"
    )


# ----------------------------------------------------------------------------- type checks


def _type_error(key: str, value: Any, java_type: str = "Integer") -> str:
    return (
        f"field [{key}] is not of the expected type. "
        f"The value [{java_repr(value)}] cannot be converted to a [{java_type}]"
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def integer_errors(
    service_settings: Mapping[str, Any],
    task_settings: Mapping[str, Any],
    chunking_settings: Mapping[str, Any] | None,
) -> list[str]:
    """Messages for settings that must be integers (or longs) but are not."""
    errors: list[str] = []
    for key in INTEGER_SERVICE_KEYS:
        if key in service_settings and service_settings[key] is not None:
            value = service_settings[key]
            if not _is_int(value):
                errors.append(_type_error(key, value))
            elif key in POSITIVE_SERVICE_KEYS and value <= 0:
                errors.append(
                    f"[service_settings] Invalid value [{value}]. [{key}] must be a positive "
                    "integer"
                )
    adaptive = service_settings.get("adaptive_allocations")
    if isinstance(adaptive, Mapping):
        for key in INTEGER_ADAPTIVE_KEYS:
            if key in adaptive and not _is_int(adaptive[key]):
                errors.append(_type_error(key, adaptive[key]))
    rate_limit = service_settings.get("rate_limit")
    if isinstance(rate_limit, Mapping):
        rpm = rate_limit.get("requests_per_minute")
        if rpm is not None and not _is_int(rpm):
            errors.append(_type_error("requests_per_minute", rpm, "Long"))
    for key in INTEGER_TASK_KEYS:
        if task_settings.get(key) is not None and not _is_int(task_settings[key]):
            errors.append(_type_error(key, task_settings[key]))
    for key in INTEGER_CHUNKING_KEYS:
        if chunking_settings and key in chunking_settings and not _is_int(chunking_settings[key]):
            errors.append(_type_error(key, chunking_settings[key]))
    return errors


def unknown_keys_error(service: str, unknown: Mapping[str, Any], version: Version) -> EsError:
    prefix = "Model configuration" if version < (8, 15, 0) else "Configuration"
    return bad_request(
        f"{prefix} contains settings [{java_repr(dict(unknown))}] unknown to the [{service}] "
        "service"
    )


# ----------------------------------------------------------------------------- PUT parsing


@dataclass
class ParsedEndpoint:
    """A validated PUT body, before server-side defaults."""

    inference_id: str
    task_type: str
    service: str  # as requested ("elser" stays "elser" here)
    service_settings: JsonDict
    secrets: JsonDict
    task_settings: JsonDict
    chunking_settings: JsonDict | None


def parse_put(
    inference_id: str,
    path_task_type: str | None,
    body: Any,
    version: Version,
    reserved_ids: frozenset[str],
) -> ParsedEndpoint:
    """Validate a create request in the order the cluster does (see the module README)."""
    check_inference_id(inference_id)
    if inference_id in reserved_ids:
        raise bad_request(
            f"[{inference_id}] is a reserved inference ID. "
            "Cannot create a new inference endpoint with a reserved ID."
        )
    if not isinstance(body, dict):
        raise EsError(400, "parse_exception", "request body is required")
    config = dict(body)
    task_type = resolve_task_type(path_task_type, config.pop("task_type", None))
    service = config.pop("service", None)
    if service is None:
        raise bad_request("Inference endpoint configuration is missing the [service] setting")
    if not isinstance(service, str) or service not in SERVICES:
        raise bad_request(f"Unknown service [{java_repr(service)}]")
    rule = SERVICES[service]
    if task_type not in rule.task_types:
        raise bad_request(f"The [{service}] service does not support task type [{task_type}]")

    raw_service, raw_task, chunking = _sections(config)
    errors = requirement_errors(rule, task_type, raw_service, raw_task)
    errors += integer_errors(raw_service, raw_task, chunking)
    if errors:
        raise validation_failed(errors)
    _refuse_unknown_keys(rule, config, raw_service, raw_task, version)

    public = {k: v for k, v in raw_service.items() if k not in SECRET_KEYS}
    secrets = {k: v for k, v in raw_service.items() if k in SECRET_KEYS}
    return ParsedEndpoint(
        inference_id=inference_id,
        task_type=task_type,
        service=service,
        service_settings=public,
        secrets=secrets,
        task_settings=dict(raw_task),
        chunking_settings=dict(chunking) if chunking is not None else None,
    )


def _sections(config: JsonDict) -> tuple[JsonDict, JsonDict, JsonDict | None]:
    """Take the three settings objects out of a PUT body; refuse one that is not an object."""
    raw_service = config.pop("service_settings", None)
    if raw_service is None:
        raise validation_failed(["[service_settings] does not contain the required settings"])
    if not isinstance(raw_service, dict):
        raise bad_request("[service_settings] must be an object")
    raw_task = config.pop("task_settings", None) or {}
    if not isinstance(raw_task, dict):
        raise bad_request("[task_settings] must be an object")
    chunking = config.pop("chunking_settings", None)
    if chunking is not None and not isinstance(chunking, dict):
        raise bad_request("[chunking_settings] must be an object")
    return raw_service, raw_task, chunking


def _refuse_unknown_keys(
    rule: ServiceRule,
    rest: JsonDict,
    service_settings: JsonDict,
    task_settings: JsonDict,
    version: Version,
) -> None:
    """Top-level keys left in ``rest``, and settings the service does not know."""
    unknown: JsonDict = dict(rest)
    if rule.service_keys is not None:
        unknown.update({k: v for k, v in service_settings.items() if k not in rule.service_keys})
    if rule.task_keys is not None:
        unknown.update({k: v for k, v in task_settings.items() if k not in rule.task_keys})
    if unknown:
        raise unknown_keys_error(rule.name, unknown, version)


def requirement_errors(
    rule: ServiceRule,
    task_type: str,
    service_settings: Mapping[str, Any],
    task_settings: Mapping[str, Any],
) -> list[str]:
    errors: list[str] = []
    if rule.name in DEPLOYMENT_SERVICES:
        if "deployment_id" in service_settings:
            return errors
        if rule.name == "elasticsearch" and "model_id" not in service_settings:
            errors.append("[service_settings] does not contain the required setting [model_id]")
        if "num_threads" not in service_settings:
            errors.append("[service_settings] does not contain the required setting [num_threads]")
        if "num_allocations" not in service_settings and not service_settings.get(
            "adaptive_allocations"
        ):
            errors.append(
                "[service_settings] does not contain one of the required settings "
                "[num_allocations, adaptive_allocations]"
            )
        return errors
    for key in rule.required:
        if service_settings.get(key) is None:
            errors.append(f"[service_settings] does not contain the required setting [{key}]")
    errors += secret_errors(rule, service_settings)
    for key in rule.required_task.get(task_type, ()):
        if task_settings.get(key) is None:
            errors.append(f"[task_settings] does not contain the required setting [{key}]")
    for key in rule.refused.get(task_type, ()):
        if key in service_settings:
            errors.append(f"[service_settings] does not allow the setting [{key}]")
    return errors


def secret_errors(rule: ServiceRule, settings: Mapping[str, Any]) -> list[str]:
    """What the service's secret settings parser says of ``settings`` (empty when all is there).

    The same parser rebuilds the secrets on ``_update``, so an update's ``service_settings``
    must carry the secret again.
    """
    errors = [
        f"[secret_settings] does not contain the required setting [{key}]"
        for key in rule.secret_required
        if settings.get(key) is None
    ]
    if rule.secret_any_of and not any(settings.get(k) for k in rule.secret_any_of):
        errors.append(
            rule.secret_any_message
            or f"[secret_settings] does not contain the required setting [{rule.secret_any_of[0]}]"
        )
    return errors


# ----------------------------------------------------------------------------- defaults


def apply_defaults(parsed: ParsedEndpoint, version: Version, linux_x86: bool) -> None:
    """Add what the cluster adds on PUT (rate_limit, dimensions, similarity, chunking...)."""
    rule = SERVICES[parsed.service]
    settings = parsed.service_settings
    task_type = parsed.task_type
    rpm = rule.rate_limit_for(task_type)
    if rpm is not None and "rate_limit" not in settings:
        settings["rate_limit"] = {"requests_per_minute": rpm}
    if parsed.service in DEPLOYMENT_SERVICES:
        if parsed.service == "elser" and version >= (8, 16, 0) and "model_id" not in settings:
            settings["model_id"] = ELSER_MODEL_LINUX if linux_x86 else ELSER_MODEL
        if task_type == "text_embedding":
            settings.setdefault("dimensions", default_dimensions(parsed.service, settings))
            settings.setdefault("similarity", "cosine")
            settings.setdefault("element_type", "float")
    elif task_type in DENSE_TASK_TYPES and rule.dense_defaults:
        if parsed.service == "fireworksai":
            settings.setdefault("url", "https://api.fireworks.ai/inference/v1/embeddings")
        user_set_dimensions = "dimensions" in settings
        settings.setdefault("dimensions", default_dimensions(parsed.service, settings))
        if parsed.service in {"jinaai", "cohere"}:
            settings.setdefault("embedding_type", "float")
        settings.setdefault("similarity", "dot_product")
        if parsed.service == "jinaai" and task_type == "embedding":
            model = str(settings.get("model_id", ""))
            settings.setdefault("multimodal_model", "v4" in model or "clip" in model)
        if parsed.service == "openshift_ai":
            settings.setdefault("dimensions_set_by_user", user_set_dimensions)
    if (
        parsed.chunking_settings is None
        and task_type in EMBEDDING_TASK_TYPES
        and version >= (8, 16, 0)
    ):
        parsed.chunking_settings = dict(DEFAULT_CHUNKING)


def canonical_service(service: str, version: Version) -> str:
    return "elasticsearch" if service == "elser" and version >= (8, 16, 0) else service


# ----------------------------------------------------------------------------- preconfigured


def preconfigured_endpoints(linux_x86: bool) -> list[JsonDict]:
    suffix = "_linux-x86_64" if linux_x86 else ""
    adaptive = {"enabled": True, "min_number_of_allocations": 0, "max_number_of_allocations": 32}

    def one(inference_id: str, task_type: str, model_id: str) -> JsonDict:
        settings: JsonDict = {
            "num_threads": 1,
            "model_id": model_id,
            "adaptive_allocations": dict(adaptive),
        }
        endpoint: JsonDict = {
            "inference_id": inference_id,
            "task_type": task_type,
            "service": "elasticsearch",
            "service_settings": settings,
        }
        if task_type == "text_embedding":
            settings.update({"dimensions": 384, "similarity": "cosine", "element_type": "float"})
        if task_type in EMBEDDING_TASK_TYPES:
            endpoint["chunking_settings"] = dict(DEFAULT_CHUNKING)
        return endpoint

    return [
        one(".elser-2-elasticsearch", "sparse_embedding", ELSER_MODEL + suffix),
        one(
            ".multilingual-e5-small-elasticsearch",
            "text_embedding",
            ".multilingual-e5-small" + suffix,
        ),
        one(".rerank-v1-elasticsearch", "rerank", ".rerank-v1"),
    ]


PRECONFIGURED_IDS = frozenset(
    {".elser-2-elasticsearch", ".multilingual-e5-small-elasticsearch", ".rerank-v1-elasticsearch"}
)
