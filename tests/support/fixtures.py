"""The es-spec request/response examples, kept as JSON (scripts/import-es-spec-fixtures)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "es_spec"


@dataclass(frozen=True)
class Example:
    name: str
    api: str
    kind: str
    method_request: str | None
    body: Any

    @property
    def method(self) -> str:
        return (self.method_request or "").split()[0]

    @property
    def path_segments(self) -> list[str]:
        path = (self.method_request or "").split()[1]
        return [part for part in path.strip("/").split("/") if part]

    @property
    def task_type_and_id(self) -> tuple[str, str]:
        """(task_type, inference_id) of a PUT request, wherever the task type is written."""
        segments = self.path_segments  # ["_inference", task_type?, id]
        if len(segments) >= 3:
            return segments[1], segments[2]
        return str(self.body.get("task_type")), segments[1]


def examples(kind: str | None = None, api_prefix: str = "") -> list[Example]:
    found = []
    for path in sorted(FIXTURES.rglob("*.json")):
        record = json.loads(path.read_text())
        if kind and record["kind"] != kind:
            continue
        if not record["api"].startswith(api_prefix):
            continue
        found.append(
            Example(
                path.stem, record["api"], record["kind"], record["method_request"], record["body"]
            )
        )
    return found


def put_requests() -> list[Example]:
    return [e for e in examples("request", "put") if e.method == "PUT"]


def response_pairs() -> list[tuple[Example, Example]]:
    """(request, response) pairs: the request whose id and task type the response reports."""
    requests = put_requests()
    pairs = []
    for response in examples("response", "put"):
        for request in requests:
            if request.api != response.api:
                continue
            task_type, inference_id = request.task_type_and_id
            if (task_type, inference_id) == (
                response.body.get("task_type"),
                response.body.get("inference_id"),
            ):
                pairs.append((request, response))
                break
    return pairs
