"""``GET /_inference[/{task_type}][/{inference_id}]``: one endpoint, or all (``_all``, ``*``)."""

from __future__ import annotations

from ._errors import JsonDict, Response, not_found
from ._region_policy import eis_metadata
from ._requests import parse_task_type
from ._store import State, StoredEndpoint
from ._views import endpoint_view, preconfigured, task_mismatch


def _shown(state: State, ep: StoredEndpoint) -> JsonDict:
    """The GET view, with an EIS endpoint's ``metadata`` (its regions) on 9.5+."""
    view = endpoint_view(state, ep, live=True)
    metadata = eis_metadata(state, ep)
    if metadata is not None:
        view["metadata"] = metadata
    return view


class EndpointReader:
    """Reads stored and preconfigured endpoints, sorted by id as Elasticsearch lists them."""

    def __init__(self, state: State) -> None:
        self.state = state

    def get(self, task_type: str | None, inference_id: str) -> Response:
        task = parse_task_type(task_type) if task_type is not None else None
        with self.state.lock:
            if inference_id in {"_all", "*"}:
                everything = [_shown(self.state, ep) for ep in self.state.endpoints.values()]
                everything += preconfigured(self.state)
                found = [e for e in everything if task is None or e["task_type"] == task]
                return Response(200, {"endpoints": sorted(found, key=lambda e: e["inference_id"])})
            stored = self.state.endpoints.get(inference_id)
            if stored is not None:
                match = [_shown(self.state, stored)]
            else:  # one of the preconfigured endpoints, or none
                match = [e for e in preconfigured(self.state) if e["inference_id"] == inference_id]
        if not match:
            raise not_found(inference_id)
        if task is not None and match[0]["task_type"] != task:
            raise task_mismatch(task, match[0]["task_type"])
        return Response(200, {"endpoints": match[:1]})
