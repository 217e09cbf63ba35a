"""Elasticsearch-shaped errors and responses.

Every answer of the emulator is a :class:`Response`; handlers raise :class:`EsError` for the
error bodies Elasticsearch uses::

    {"error": {"root_cause": [{"type": .., "reason": ..}], "type": .., "reason": ..},
     "status": N}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]


@dataclass
class Response:
    """One HTTP answer: status, JSON body (``None`` for an empty body) and extra headers;
    or, when ``stream`` is set, server-sent events written one HTTP chunk each."""

    status: int
    body: Any
    headers: list[tuple[str, str]] = field(default_factory=list)
    stream: list[bytes] | None = None


class EsError(Exception):
    """An error answered with the Elasticsearch error body."""

    def __init__(
        self,
        status: int,
        type_: str,
        reason: str,
        *,
        headers: list[tuple[str, str]] | None = None,
        extra: JsonDict | None = None,
    ) -> None:
        super().__init__(reason)
        self.status = status
        self.type = type_
        self.reason = reason
        self.headers = headers or []
        self.extra = extra or {}

    def body(self) -> JsonDict:
        cause: JsonDict = {"type": self.type, "reason": self.reason, **self.extra}
        return {"error": {"root_cause": [dict(cause)], **cause}, "status": self.status}

    def response(self) -> Response:
        return Response(self.status, self.body(), list(self.headers))


class RawError(Exception):
    """An error whose body is not the structured form (e.g. ``no handler found``)."""

    def __init__(
        self, status: int, body: Any, headers: list[tuple[str, str]] | None = None
    ) -> None:
        super().__init__(str(body))
        self.status = status
        self.body = body
        self.headers = headers or []

    def response(self) -> Response:
        return Response(self.status, self.body, list(self.headers))


def bad_request(reason: str, type_: str = "status_exception") -> EsError:
    return EsError(400, type_, reason)


def validation_failed(messages: list[str]) -> EsError:
    """``Validation Failed: 1: a;2: b;`` as Elasticsearch's ValidationException renders it."""
    text = "".join(f"{i}: {m};" for i, m in enumerate(messages, start=1))
    return EsError(400, "validation_exception", f"Validation Failed: {text}")


def not_found(inference_id: str) -> EsError:
    return EsError(
        404, "resource_not_found_exception", f"Inference endpoint not found [{inference_id}]"
    )


def no_handler(method: str, uri: str) -> RawError:
    return RawError(
        400, {"error": f"no handler found for uri [{uri}] and method [{method}]", "status": 400}
    )


def method_not_allowed(method: str, uri: str, allowed: str) -> RawError:
    """A known path asked with a method it has no route for (``allowed``: e.g. ``PUT``)."""
    return RawError(
        405,
        {
            "error": f"Incorrect HTTP method for uri [{uri}] and method [{method}], "
            f"allowed: [{allowed}]",
            "status": 405,
        },
        [("Allow", allowed)],
    )


def unrecognized_parameters(path: str, names: list[str]) -> EsError:
    """A query parameter the route does not know (names sorted, as Elasticsearch lists them)."""
    plural = "s" if len(names) > 1 else ""
    listed = ", ".join(f"[{n}]" for n in names)
    return bad_request(
        f"request [{path}] contains unrecognized parameter{plural}: {listed}",
        "illegal_argument_exception",
    )
