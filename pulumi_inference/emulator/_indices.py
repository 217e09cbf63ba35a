"""``PUT|GET|HEAD|DELETE /{index}`` and ``PUT|GET /{index}/_mapping``: just enough index
management for ``semantic_text`` mappings to be found by the delete reference checks."""

from __future__ import annotations

import uuid
from typing import Any

from ._errors import EsError, Response, bad_request
from ._store import State, deep_copy


class Indices:
    def __init__(self, state: State) -> None:
        self.state = state

    @staticmethod
    def _no_index(name: str) -> EsError:
        return EsError(
            404,
            "index_not_found_exception",
            f"no such index [{name}]",
            extra={"index": name, "resource.type": "index_or_alias", "resource.id": name},
        )

    def put(self, name: str, body: Any) -> Response:
        if name != name.lower():
            raise bad_request(
                f"Invalid index name [{name}], must be lowercase", "invalid_index_name_exception"
            )
        body = body if isinstance(body, dict) else {}
        with self.state.lock:
            existing = self.state.indices.get(name)
            if existing is not None:
                raise EsError(
                    400,
                    "resource_already_exists_exception",
                    f"index [{name}/{existing['uuid']}] already exists",
                )
            self.state.indices[name] = {
                "uuid": uuid.uuid4().hex[:22],
                "mappings": deep_copy(body.get("mappings") or {}),
                "settings": deep_copy(body.get("settings") or {}),
            }
        return Response(200, {"acknowledged": True, "shards_acknowledged": True, "index": name})

    def get(self, name: str, head: bool) -> Response:
        with self.state.lock:
            index = self.state.indices.get(name)
            if index is None:
                if head:
                    return Response(404, None)
                raise self._no_index(name)
            return Response(
                200,
                {
                    name: {
                        "aliases": {},
                        "mappings": deep_copy(index["mappings"]),
                        "settings": deep_copy(index["settings"]),
                    }
                },
            )

    def delete(self, name: str) -> Response:
        with self.state.lock:
            if self.state.indices.pop(name, None) is None:
                raise self._no_index(name)
        return Response(200, {"acknowledged": True})

    def put_mapping(self, name: str, body: Any) -> Response:
        with self.state.lock:
            index = self.state.indices.get(name)
            if index is None:
                raise self._no_index(name)
            props = (body or {}).get("properties") if isinstance(body, dict) else None
            if isinstance(props, dict):
                index["mappings"].setdefault("properties", {}).update(deep_copy(props))
        return Response(200, {"acknowledged": True})

    def get_mapping(self, name: str) -> Response:
        with self.state.lock:
            index = self.state.indices.get(name)
            if index is None:
                raise self._no_index(name)
            return Response(200, {name: {"mappings": deep_copy(index["mappings"])}})
