"""The body of an inference call, parsed and validated as Elasticsearch does.

``InferenceAction.Request`` (``input``, ``input_type``, ``query``, ``return_documents``,
``top_n``, ``task_settings``, ``timeout``; strict: an unknown field is refused) and its
``validate()``; ``RequestEmbedding`` (9.4+: ``input`` may hold ``content`` objects); and
``UnifiedCompletionRequest`` (``chat_completion``: ``messages`` and the OpenAI-style options).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .._version import Version
from ._errors import EsError, JsonDict

PARSER_NAME = "cluster:internal/xpack/inference"
RERANK_OPTIONS_SINCE = ((8, 19, 0), (9, 1, 0))
"""``return_documents`` and ``top_n`` in the body (``RERANK_COMMON_OPTIONS_ADDED``)."""
EMBEDDING_ITEM_LISTS_SINCE: Version = (9, 5, 0)
"""Several items in one ``content`` object of an ``embedding`` input."""

_FIELDS = ("input", "input_type", "task_settings", "query", "timeout")
_CHAT_FIELDS = frozenset(
    {
        "messages",
        "model",
        "max_completion_tokens",
        "n",
        "stop",
        "stream",
        "temperature",
        "tool_choice",
        "tools",
        "top_p",
        "user",
        "reasoning",
    }
)
_INPUT_TYPES = frozenset({"search", "ingest", "classification", "clustering"})


@dataclass
class InferRequest:
    """One inference call's body (``inputs`` always a list; chat calls keep ``messages``)."""

    inputs: list[str] = field(default_factory=list)
    input_type: str | None = None
    query: str | None = None
    return_documents: bool | None = None
    top_n: int | None = None
    task_settings: JsonDict = field(default_factory=dict)
    messages: list[JsonDict] = field(default_factory=list)
    model: str | None = None
    input_missing: bool = False


def _parse_error(reason: str) -> EsError:
    return EsError(400, "x_content_parse_exception", reason)


def _field_error(name: str) -> EsError:
    return _parse_error(f"[1:2] [{PARSER_NAME}] failed to parse field [{name}]")


def _knows_rerank_options(version: Version) -> bool:
    eight, nine = RERANK_OPTIONS_SINCE
    return version >= nine or (version[0] == 8 and version >= eight)


def _require_body(body: Any) -> JsonDict:
    if not isinstance(body, dict):
        raise EsError(400, "parse_exception", "request body is required")
    return body


def parse_infer(body: Any, version: Version, *, serverless: bool) -> InferRequest:
    """The ``InferenceAction.Request`` body; unknown fields refused as its strict parser does."""
    data = _require_body(body)
    accepted = set(_FIELDS)
    if serverless or _knows_rerank_options(version):
        accepted |= {"return_documents", "top_n"}
    for key in data:
        if key not in accepted:
            raise _parse_error(f"[1:2] [{PARSER_NAME}] unknown field [{key}]")
    out = InferRequest(inputs=_strings(data.get("input"), "input"))
    out.input_type = _optional(data, "input_type", str)
    out.query = _optional(data, "query", str)
    out.return_documents = _optional(data, "return_documents", bool)
    out.top_n = _optional(data, "top_n", int)
    out.task_settings = _optional(data, "task_settings", dict) or {}
    out.input_missing = data.get("input") is None
    return out


def _optional(data: JsonDict, name: str, kind: type) -> Any:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _field_error(name)
    return value


def _strings(value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise _field_error(name)


def validate(req: InferRequest, task_type: str | None) -> None:
    """``InferenceAction.Request.validate()``: the first problem, as a validation failure."""
    problem = _first_problem(req, task_type)
    if problem is not None:
        reason = f"Validation Failed: 1: {problem};"
        raise EsError(400, "action_request_validation_exception", reason)


def _first_problem(req: InferRequest, task_type: str | None) -> str | None:
    if req.input_missing:
        return "Field [input] cannot be null"
    if not req.inputs:
        return "Field [input] cannot be an empty array"
    if task_type == "rerank":
        if req.query is None:
            return "Field [query] cannot be null for task type [rerank]"
        if not req.query:
            return "Field [query] cannot be empty for task type [rerank]"
    elif task_type is not None:
        for name in ("return_documents", "top_n"):
            if getattr(req, name) is not None:
                return f"Field [{name}] cannot be specified for task type [{task_type}]"
    if task_type not in {None, "text_embedding", "embedding"} and req.input_type is not None:
        return f"Field [input_type] cannot be specified for task type [{task_type}]"
    if req.input_type is not None and req.input_type.lower() not in _INPUT_TYPES:
        return f"Unrecognized input_type [{req.input_type}]"
    return None


def parse_embedding(body: Any, version: Version) -> InferRequest:
    """``RequestEmbedding``: strings, or ``content`` objects whose items are embedded together."""
    data = _require_body(body)
    for key in data:
        if key not in {"input", "input_type", "task_settings", "timeout"}:
            raise _parse_error(f"[1:2] [{PARSER_NAME}] unknown field [{key}]")
    raw = data.get("input")
    items = raw if isinstance(raw, list) else ([] if raw is None else [raw])
    out = InferRequest(inputs=[_embedding_input(item, version) for item in items])
    out.input_missing = raw is None
    out.input_type = _optional(data, "input_type", str)
    out.task_settings = _optional(data, "task_settings", dict) or {}
    return out


def _embedding_input(item: Any, version: Version) -> str:
    """The text an ``embedding`` input stands for (an image's data URI counts as its text)."""
    if isinstance(item, str):
        return item
    content = item.get("content") if isinstance(item, dict) else None
    parts = content if isinstance(content, list) else [content]
    if isinstance(content, list) and version < EMBEDDING_ITEM_LISTS_SINCE:
        raise _field_error("input")
    values = [p.get("value") for p in parts if isinstance(p, dict)]
    if not values or len(values) != len(parts) or not all(isinstance(v, str) for v in values):
        raise _field_error("input")
    return " ".join(str(v) for v in values)


def parse_chat(body: Any) -> InferRequest:
    """``UnifiedCompletionRequest``: ``messages`` (each with a ``role`` and a ``content``)."""
    data = _require_body(body)
    for key in data:
        if key not in _CHAT_FIELDS:
            raise _parse_error(f"[1:2] [{PARSER_NAME}] unknown field [{key}]")
    messages = data.get("messages")
    if messages is None:
        raise EsError(400, "illegal_argument_exception", "Required [messages]")
    if not isinstance(messages, list) or not all(_is_message(m) for m in messages):
        raise _field_error("messages")
    return InferRequest(messages=list(messages), model=_optional(data, "model", str))


def _is_message(message: Any) -> bool:
    if not isinstance(message, dict) or not isinstance(message.get("role"), str):
        return False
    content = message.get("content")
    if isinstance(content, str) or content is None:
        return True
    return isinstance(content, list) and all(
        isinstance(part, dict) and isinstance(part.get("text"), str) for part in content
    )


def message_text(message: JsonDict) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return " ".join(str(part["text"]) for part in content)
    return content if isinstance(content, str) else ""
