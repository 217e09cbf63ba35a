"""Server-sent events as Elasticsearch's ``ServerSentEventsRestActionListener`` writes them.

Each event is ``\\ufeffevent: <message|error>\\ndata: <compact JSON>\\n\\n`` (Elasticsearch
starts every event with a byte-order mark); a stream ends with ``data: [DONE]``. An error
before the stream opens is answered with its own status and one ``error`` event: the usual
error body with ``status``, or, for ``chat_completion``, the OpenAI-style
``{"error":{"code":..,"message":..,"type":..}}`` (``UnifiedChatCompletionException``).
"""

from __future__ import annotations

import json
from http import HTTPStatus

from ._errors import EsError, JsonDict, Response

_BOM = "\ufeff"


def _event(kind: str, data: str) -> bytes:
    return f"{_BOM}event: {kind}\ndata: {data}\n\n".encode()


def _compact(value: JsonDict) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def message_stream(payloads: list[JsonDict]) -> Response:
    events = [_event("message", _compact(p)) for p in payloads]
    events.append(_event("message", "[DONE]"))
    return Response(200, None, stream=events)


def error_stream(err: EsError, *, chat: bool) -> Response:
    if chat:
        code = HTTPStatus(err.status).name.lower()
        body: JsonDict = {"error": {"code": code, "message": err.reason, "type": err.type}}
    else:
        body = err.body()
    return Response(err.status, None, list(err.headers), stream=[_event("error", _compact(body))])
