"""What the emulated cluster checks in a request and adds to it: ids, task types, versions,
``PUT`` validation, server-added defaults and preconfigured endpoints, over the table of
services in ``_services``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._version import Version
from ._errors import EsError, JsonDict, bad_request, validation_failed
from ._java import java_repr
from ._services import (
    DEFAULT_CHUNKING,
    DENSE_TASK_TYPES,
    DEPLOYMENT_SERVICES,
    ELSER_MODEL,
    ELSER_MODEL_LINUX,
    EMBEDDING_TASK_TYPES,
    INTEGER_ADAPTIVE_KEYS,
    INTEGER_CHUNKING_KEYS,
    INTEGER_SERVICE_KEYS,
    INTEGER_TASK_KEYS,
    POSITIVE_SERVICE_KEYS,
    SECRET_KEYS,
    SERVICES,
    TASK_TYPES,
    ServiceRule,
    default_dimensions,
)

_ID_RE = re.compile(r"[a-z0-9](?:[a-z0-9_\-.]*[a-z0-9])?")

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
