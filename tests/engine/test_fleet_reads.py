"""A `pulumi refresh` of many endpoints of one cluster asks the cluster in two requests (one
endpoint alone, the rest from one `GET /_inference/_all`, client/_shared.py), through both
doors, and each command asks afresh: a change by hand between two refreshes is seen."""

from __future__ import annotations

import pytest

from devtools.engine import Engine
from devtools.engine_programs import (
    Cluster,
    Door,
    changes,
    keyed_config,
    openai_embeddings,
    secret_value,
    unique,
)
from pulumi_inference.emulator import EmulatorConfig

pytestmark = [pytest.mark.engine, pytest.mark.timeout(240)]
LISTING = "/_inference/_all"


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return keyed_config(deployment_seconds=0.1)


def _reads(cluster: Cluster) -> list[str]:
    return [path for method, path in cluster.inference_requests() if method == "GET"]


def test_a_refresh_asks_the_cluster_twice_and_each_command_afresh(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    """REQ-READ-5: two requests per refresh, and a change by hand seen by the next one."""
    prefix = unique("fleet")
    ids = [f"{prefix}-{n}" for n in range(8)]
    declarations = {f"e{n}": openai_embeddings(i, secret_value("k")) for n, i in enumerate(ids)}
    stack = engine.stack("fleet", door.program(declarations, cluster.connection))
    stack.up(color="never")

    for edited, user in ((ids[2], "first-edit"), (ids[5], "second-edit")):
        cluster.hand_edit(edited, {"task_settings": {"user": user}})
        cluster.clear()
        refreshed = stack.refresh(color="never")
        assert changes(refreshed.summary.resource_changes) == {"update": 1}, edited
        reads = _reads(cluster)
        assert reads.count(LISTING) == 1 and len(reads) == 2, reads
        assert [m for m, _ in cluster.inference_requests() if m != "GET"] == []
