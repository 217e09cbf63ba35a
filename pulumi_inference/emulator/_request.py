"""One parsed HTTP request, as every route family and the control plane see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._auth import Principal
from ._errors import bad_request


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    raw_query: str
    headers: dict[str, str]  # lower-case names
    body: Any = None
    raw_body: bytes = b""
    body_error: str | None = None
    principal: Principal | None = field(default=None)

    @property
    def uri(self) -> str:
        return self.path + (f"?{self.raw_query}" if self.raw_query else "")

    def flag(self, name: str) -> bool:
        value = self.query.get(name)
        if value is None:
            return False
        if value in {"", "true"}:
            return True
        if value == "false":
            return False
        raise bad_request(
            f"Failed to parse value [{value}] as only [true] or [false] are allowed.",
            "illegal_argument_exception",
        )
