"""``GET|HEAD /``: the cluster's name, uuid and version."""

from __future__ import annotations

from ._errors import Response
from ._store import State


def cluster_info(state: State) -> Response:
    s = state.settings
    return Response(
        200,
        {
            "name": "emulator-node-0",
            "cluster_name": s.cluster_name,
            "cluster_uuid": s.cluster_uuid,
            "version": {
                "number": s.version,
                "build_flavor": s.build_flavor,
                "build_type": "emulator",
                "build_hash": "0000000000000000000000000000000000000000",
                "build_date": "2025-01-01T00:00:00.000Z",
                "build_snapshot": s.version.endswith("-SNAPSHOT"),
                "lucene_version": "10.2.2",
                "minimum_wire_compatibility_version": "8.19.0",
                "minimum_index_compatibility_version": "8.0.0",
            },
            "tagline": "You Know, for Search",
        },
    )
