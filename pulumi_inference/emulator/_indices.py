"""``PUT|GET|HEAD|DELETE /{index}`` and ``PUT|GET /{index}/_mapping``: just enough index
management for ``semantic_text`` mappings to be found by the delete reference checks.

A ``semantic_text`` field declared without ``inference_id`` gets the default Elasticsearch
fills in (``SemanticTextFieldMapper.getDefaultInferenceId``), stored and shown in the mapping:

- before 8.16 there is none: the mapping is refused (``inference_id`` must be specified);
- 8.16 to 9.2: ``.elser-2-elasticsearch`` (ELSER on the cluster's ML nodes);
- 9.3 and later, with the Elastic Inference Service: ``.elser-2-elastic`` (ELSER on EIS);
- 9.4 and later (indices created then) and Serverless, with EIS:
  ``.jina-embeddings-v5-text-small``;
- without EIS, always ``.elser-2-elasticsearch``.
"""

from __future__ import annotations

import uuid
from typing import Any

from ._errors import EsError, Response, bad_request
from ._store import Settings, State, deep_copy

ML_NODE_ELSER = ".elser-2-elasticsearch"
EIS_ELSER = ".elser-2-elastic"
EIS_JINA = ".jina-embeddings-v5-text-small"


def default_semantic_inference_id(settings: Settings) -> str | None:
    """The endpoint a ``semantic_text`` field without ``inference_id`` uses; ``None``: none."""
    version = settings.version_tuple
    if settings.serverless:
        return EIS_JINA
    if version < (8, 16, 0):
        return None
    if settings.eis_available and version >= (9, 4, 0):
        return EIS_JINA
    if settings.eis_available and version >= (9, 3, 0):
        return EIS_ELSER
    return ML_NODE_ELSER


def _with_defaults(properties: Any, default: str | None) -> None:
    """Fill ``inference_id`` into every ``semantic_text`` field of ``properties`` (nested
    objects and multi-fields too), in place."""
    if not isinstance(properties, dict):
        return
    for node in properties.values():
        if not isinstance(node, dict):
            continue
        if node.get("type") == "semantic_text" and not node.get("inference_id"):
            if default is None:
                raise EsError(
                    400,
                    "mapper_parsing_exception",
                    "Failed to parse mapping: field [inference_id] must be specified",
                )
            node["inference_id"] = default
        _with_defaults(node.get("properties"), default)
        _with_defaults(node.get("fields"), default)


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
        mappings = deep_copy(body.get("mappings") or {})
        with self.state.lock:
            _with_defaults(mappings.get("properties"), self._default())
            existing = self.state.indices.get(name)
            if existing is not None:
                raise EsError(
                    400,
                    "resource_already_exists_exception",
                    f"index [{name}/{existing['uuid']}] already exists",
                )
            self.state.indices[name] = {
                "uuid": uuid.uuid4().hex[:22],
                "mappings": mappings,
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

    def _default(self) -> str | None:
        return default_semantic_inference_id(self.state.settings)

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
                props = deep_copy(props)
                _with_defaults(props, self._default())
                index["mappings"].setdefault("properties", {}).update(props)
        return Response(200, {"acknowledged": True})

    def get_mapping(self, name: str) -> Response:
        with self.state.lock:
            index = self.state.indices.get(name)
            if index is None:
                raise self._no_index(name)
            return Response(200, {name: {"mappings": deep_copy(index["mappings"])}})
