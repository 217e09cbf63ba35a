"""``GET|POST /_security/user/_has_privileges``: which privileges the caller holds.

As Elasticsearch answers it: any authenticated user may ask (no privilege is needed), the
answer names each requested cluster privilege and index privilege with ``true`` or
``false``, and ``has_all_requested`` says whether all are held. A privilege is held when the
caller has it or one that includes it (``manage`` includes ``manage_inference``, which
includes ``monitor_inference``; ``all`` includes everything). With security off (the
emulator without credentials) Elasticsearch refuses the call; so does the emulator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ._auth import Principal
from ._errors import EsError, Response

INCLUDES: Mapping[str, frozenset[str]] = {
    "manage": frozenset(
        {
            "manage_inference",
            "monitor_inference",
            "monitor",
            "manage_ml",
            "monitor_ml",
            "manage_ingest_pipelines",
            "manage_pipeline",
            "read_pipeline",
        }
    ),
    "manage_inference": frozenset({"monitor_inference"}),
    "monitor": frozenset({"monitor_inference", "monitor_ml"}),
    "manage_ml": frozenset({"monitor_ml"}),
    "manage_ingest_pipelines": frozenset({"read_pipeline"}),
    "manage_pipeline": frozenset({"read_pipeline"}),
}


def _held(privileges: Iterable[str]) -> frozenset[str] | None:
    """Everything the principal's privileges grant; ``None`` means all."""
    held = set(privileges)
    if "all" in held:
        return None
    for privilege in list(held):
        held |= INCLUDES.get(privilege, frozenset())
    return frozenset(held)


def _names(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise EsError(
            400, "x_content_parse_exception", f"[has_privileges_request] failed to parse [{field}]"
        )
    return list(value)


def has_privileges(principal: Principal | None, body: Any) -> Response:
    if principal is None:
        raise EsError(
            500,
            "security_exception",
            "Security must be explicitly enabled when using a [basic] license. Enable security "
            "by setting [xpack.security.enabled] to [true] in the elasticsearch.yml file and "
            "restart the node.",
        )
    request = body if isinstance(body, Mapping) else {}
    held = _held(principal.privileges)
    cluster = {
        name: held is None or name in held for name in _names(request.get("cluster"), "cluster")
    }
    index: dict[str, dict[str, bool]] = {}
    for entry in request.get("index") or []:
        entry = entry if isinstance(entry, Mapping) else {}
        for name in _names(entry.get("names"), "names"):
            for privilege in _names(entry.get("privileges"), "privileges"):
                index.setdefault(name, {})[privilege] = held is None
    every = all(cluster.values()) and all(v for p in index.values() for v in p.values())
    return Response(
        200,
        {
            "username": principal.name,
            "has_all_requested": every,
            "cluster": cluster,
            "index": index,
            "application": {},
        },
    )
