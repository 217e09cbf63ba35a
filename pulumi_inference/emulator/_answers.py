"""The bodies an inference call answers, per task type, from the rules of ``_results``.

Shapes as Elasticsearch's result classes write them: ``text_embedding`` (``_bytes``/``_bits``
for byte and bit embeddings), ``embeddings`` for the ``embedding`` task, ``sparse_embedding``
with ``is_truncated``, ``rerank`` entries, ``completion`` results; streamed completions as
``{"completion":[{"delta":..}]}`` events and chat completions as OpenAI-style
``chat.completion.chunk`` objects (``StreamingUnifiedChatCompletionResults``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._errors import JsonDict
from ._infer_request import InferRequest, message_text
from ._results import (
    as_bits,
    as_bytes,
    completion,
    dense_vector,
    pieces,
    ranked,
    sparse_vector,
    stable_id,
    words,
)
from ._services import default_dimensions

ML_NODE_TOKEN_LIMIT = 512
"""Models on ML nodes (ELSER, E5, the rerank model) read this many words and drop the rest."""
PROVIDER_TOKEN_LIMIT = 8192
"""A third-party model refuses an input of more words than this (unless ``max_input_tokens``)."""


@dataclass(frozen=True)
class Target:
    """The endpoint an inference call runs on, stored or preconfigured."""

    inference_id: str
    task_type: str
    service: str
    service_settings: JsonDict
    task_settings: JsonDict
    deployment_id: str | None = None
    preconfigured: bool = False

    @property
    def model(self) -> str:
        ss = self.service_settings
        return str(ss.get("model_id") or ss.get("model") or ss.get("deployment_id") or "")

    @property
    def seed(self) -> str:
        return f"{self.service}/{self.model}"

    @property
    def on_ml_nodes(self) -> bool:
        return self.service in {"elasticsearch", "elser"}

    @property
    def element_kind(self) -> str:
        ss = self.service_settings
        kind = str(ss.get("element_type") or ss.get("embedding_type") or "float").lower()
        if kind in {"byte", "int8"}:
            return "bytes"
        if kind in {"bit", "binary"}:
            return "bits"
        return "float"

    @property
    def dimensions(self) -> int:
        dims = self.service_settings.get("dimensions")
        if isinstance(dims, int) and not isinstance(dims, bool) and dims > 0:
            return dims
        return default_dimensions(self.service, self.service_settings)


def dense_answer(target: Target, inputs: list[str], task_type: str) -> JsonDict:
    base = "embeddings" if task_type == "embedding" else "text_embedding"
    vectors = [dense_vector(target.seed, text, target.dimensions) for text in inputs]
    kind = target.element_kind
    if kind == "bytes":
        return {f"{base}_bytes": [{"embedding": as_bytes(v)} for v in vectors]}
    if kind == "bits":
        return {f"{base}_bits": [{"embedding": as_bits(v)} for v in vectors]}
    return {base: [{"embedding": v} for v in vectors]}


def sparse_answer(target: Target, inputs: list[str]) -> JsonDict:
    limit = ML_NODE_TOKEN_LIMIT if target.on_ml_nodes else None
    found = [sparse_vector(target.seed, text, limit) for text in inputs]
    return {
        "sparse_embedding": [{"is_truncated": r.truncated, "embedding": r.weights} for r in found]
    }


def _setting(req: InferRequest, target: Target, name: str) -> Any:
    """A rerank option: the request body, then its task settings, then the endpoint's."""
    value = getattr(req, name)
    if value is None:
        value = req.task_settings.get(name)
    if value is None:
        value = target.task_settings.get(name)
    return value


def rerank_answer(target: Target, req: InferRequest, documents: list[str]) -> JsonDict:
    order = ranked(req.query or "", documents)
    top_n = _setting(req, target, "top_n")
    if isinstance(top_n, int) and not isinstance(top_n, bool) and top_n >= 0:
        order = order[:top_n]
    with_text = _setting(req, target, "return_documents") is not False
    entries = []
    for index, score in order:
        entry: JsonDict = {"index": index, "relevance_score": score}
        if with_text:
            entry["text"] = req.inputs[index]  # as sent, even when the model read less
        entries.append(entry)
    return {"rerank": entries}


def completion_answer(inputs: list[str]) -> JsonDict:
    return {"completion": [{"result": completion(text)} for text in inputs]}


def completion_events(inputs: list[str]) -> list[JsonDict]:
    """One ``{"completion":[{"delta":..}]}`` event per streamed piece of the answer."""
    text = completion(" ".join(inputs))
    return [{"completion": [{"delta": piece}]} for piece in pieces(text)]


def chat_events(target: Target, req: InferRequest) -> list[JsonDict]:
    """The chunks of a streamed chat answer: the role, the content piece by piece, the stop
    and the usage (the answer is the last user message in upper case)."""
    asked = [message_text(m) for m in req.messages if m.get("role") == "user"]
    answer = completion(asked[-1] if asked else "")
    model = req.model or target.model
    chunk_id = "chatcmpl-" + stable_id(target.seed, answer)

    def chunk(choices: list[JsonDict], **extra: Any) -> JsonDict:
        body: JsonDict = {"id": chunk_id, "choices": choices, "model": model}
        return {**body, "object": "chat.completion.chunk", **extra}

    parts = pieces(answer)
    prompt = sum(len(words(message_text(m))) for m in req.messages)
    usage = {"completion_tokens": len(parts), "prompt_tokens": prompt}
    usage["total_tokens"] = usage["completion_tokens"] + prompt
    return [
        chunk([{"delta": {"content": "", "role": "assistant"}, "index": 0}]),
        *(chunk([{"delta": {"content": part}, "index": 0}]) for part in parts),
        chunk([{"delta": {}, "finish_reason": "stop", "index": 0}]),
        chunk([], usage=usage),
    ]
