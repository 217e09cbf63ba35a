"""``DELETE /_inference/[{task_type}/]{inference_id}`` and its reference checks.

An endpoint named by an ingest pipeline's inference processor (8.15+) or by a
``semantic_text`` field of an index mapping (8.16+) is not deleted without ``force``;
``dry_run`` reports those references and never deletes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .._version import Version
from ._errors import EsError, JsonDict, Response, bad_request, not_found, unrecognized_parameters
from ._java import set_items, set_repr
from ._request import Request
from ._requests import parse_task_type
from ._store import State
from ._views import preconfigured, task_mismatch


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _walk(child)
    elif isinstance(value, list):
        for child in value:
            yield from _walk(child)


def pipeline_references(pipeline: Any) -> set[str]:
    refs: set[str] = set()
    for node in _walk(pipeline):
        inference = node.get("inference")
        if isinstance(inference, dict) and isinstance(inference.get("model_id"), str):
            refs.add(inference["model_id"])
    return refs


def mapping_references(mappings: Any) -> set[str]:
    refs: set[str] = set()
    for node in _walk(mappings):
        if node.get("type") == "semantic_text":
            refs.add(str(node.get("inference_id") or ".elser-2-elasticsearch"))
            if isinstance(node.get("search_inference_id"), str):
                refs.add(node["search_inference_id"])
    return refs


class EndpointDeleter:
    """Deletes endpoints (and the deployment an endpoint started), unless still referenced."""

    def __init__(self, state: State) -> None:
        self.state = state

    @property
    def version(self) -> Version:
        return self.state.settings.version_tuple

    def _references(self, inference_id: str) -> tuple[list[str], list[str]]:
        """Pipelines (8.15+) and semantic_text indexes (8.16+) naming the endpoint.

        Elasticsearch collects both in HashSets, so they come back in Java hash order.
        """
        version = self.version
        pipelines: list[str] = []
        indexes: list[str] = []
        if version >= (8, 15, 0):
            pipelines = set_items(
                pid
                for pid, body in sorted(self.state.pipelines.items())
                if inference_id in pipeline_references(body)
            )
        if version >= (8, 16, 0):
            indexes = set_items(
                name
                for name, index in sorted(self.state.indices.items())
                if inference_id in mapping_references(index.get("mappings"))
            )
        return pipelines, indexes

    def _reference_message(
        self, inference_id: str, pipelines: list[str], indexes: list[str]
    ) -> str:
        if self.version < (8, 16, 0):
            if not pipelines:
                return ""
            return (
                f"Inference endpoint {inference_id} is referenced by pipelines and cannot be "
                "deleted. Use `force` to delete it anyway, or use `dry_run` to list the pipelines "
                "that reference it."
            )
        text = ""
        if pipelines:
            text += (
                f"Inference endpoint {inference_id} is referenced by pipelines: "
                f"{set_repr(pipelines)}. Ensure that no pipelines are using this inference "
                "endpoint, or use force to ignore this warning and delete the inference endpoint."
            )
        if indexes:
            text += (
                f" Inference endpoint {inference_id} is being used in the mapping for indexes: "
                f"{set_repr(indexes)}. Ensure that no index mappings are using this inference "
                "endpoint, or use force to ignore this warning and delete the inference endpoint."
            )
        return text

    def _delete_body(
        self, acknowledged: bool, pipelines: list[str], indexes: list[str]
    ) -> JsonDict:
        body: JsonDict = {"acknowledged": acknowledged}
        if self.version >= (8, 15, 0):  # force and dry_run came with the pipeline list
            body["pipelines"] = pipelines
        if self.version >= (8, 16, 0):
            body["indexes"] = indexes
        return body

    def delete(self, task_type: str | None, inference_id: str, req: Request) -> Response:
        task = parse_task_type(task_type) if task_type is not None else None
        if self.version < (8, 15, 0):
            unknown = sorted({"force", "dry_run"} & set(req.query))
            if unknown:
                raise unrecognized_parameters(req.path, unknown)
        force, dry_run = req.flag("force"), req.flag("dry_run")
        with self.state.lock:
            default = next(
                (d for d in preconfigured(self.state) if d["inference_id"] == inference_id), None
            )
            ep = self.state.endpoints.get(inference_id)
            actual = default["task_type"] if default else (ep.task_type if ep else None)
            if actual is None:
                raise not_found(inference_id)
            if task is not None and task != actual:
                raise task_mismatch(task, actual)
            pipelines, indexes = self._references(inference_id)
            message = self._reference_message(inference_id, pipelines, indexes)
            if dry_run:  # never deletes, whatever else is asked
                body = self._delete_body(False, pipelines, indexes)
                if self.version >= (8, 16, 0):
                    body["error_message"] = message
                return Response(200, body)
            if default is not None:
                if not force:
                    raise bad_request(
                        f"[{inference_id}] is a reserved inference endpoint. Use the force=true "
                        "query parameter to delete the inference endpoint."
                    )
                return Response(200, self._delete_body(True, [], []))
            if message and not force:
                raise EsError(409, "status_exception", message)
            assert ep is not None
            del self.state.endpoints[inference_id]
            if ep.deployment_id == inference_id:
                self.state.deployments.remove(inference_id)
            return Response(200, self._delete_body(True, [], []))
