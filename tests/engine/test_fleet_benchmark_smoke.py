"""Smoke test of benchmarks/fleet.py: N=2 on one cluster, no added latency, the real CLI.

Only structure and request counts are asserted (one request per endpoint to create, update
and delete, none to preview, a refresh in two requests for the cluster), never time:
timings belong in benchmarks/README.md, not in a test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks import fleet

pytestmark = [pytest.mark.engine, pytest.mark.timeout(600)]
N = 2


def test_sizes_name_the_clusters() -> None:
    assert fleet.parse_sizes("50, 200,500x5") == [(50, 1), (200, 1), (500, 5)]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, pulumi_cli_dir: Path) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("fleet") / "report.json"
    argv = ["--sizes", str(N), "--latency-ms", "0", "--cli-dir", str(pulumi_cli_dir)]
    assert fleet.main([*argv, "--json", str(out)]) == 0
    written: dict[str, Any] = json.loads(out.read_text())
    return written


def _rows(report: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["kind"], r["operation"]): r for r in report["rows"]}


def test_every_kind_runs_every_operation_beside_the_no_op_floor(report: dict[str, Any]) -> None:
    rows = _rows(report)
    assert set(rows) == {(k, o) for k in fleet.KINDS for o in fleet.OPERATIONS}
    for row in rows.values():
        assert row["n"] == N and row["wall_s"] > 0 and row["cli_peak_mb"] > 0
        assert row["ratio"] is not None
    # Memory is sampled every 0.2 s: a provider of two resources may come and go between two
    # samples of one short command, so the kind's column (the peak over its commands) is checked.
    for kind in fleet.KINDS:
        provider_peak = max(rows[(kind, o)]["provider_peak_mb"] for o in fleet.OPERATIONS)
        assert (provider_peak > 0) == (kind != "component"), kind
        cpu = {r: sum(rows[(kind, o)]["cpu_s"][r] for o in fleet.OPERATIONS) for r in fleet.ROLES}
        assert cpu["cli"] > 0 and cpu["program"] > 0, (kind, cpu)
    assert all(report["state_bytes"][f"{N}|{kind}"] > 0 for kind in fleet.KINDS)
    assert "| 2 | native |" in report["table"]
    assert "CPU s, all five (CLI / program / provider)" in report["table"]


@pytest.mark.parametrize("kind", ["dynamic", "native"])
def test_requests_per_endpoint(report: dict[str, Any], kind: str) -> None:
    rows = _rows(report)
    per = {o: rows[(kind, o)]["per_endpoint"] for o in fleet.OPERATIONS}
    # refresh: the first endpoint alone, the other from the one listing
    assert per == {"up": 1, "preview": 0, "refresh": 0.5, "update": 1, "destroy": 1}
    assert rows[(kind, "refresh")]["requests"].get("GET /_inference/_all") == 1
    for floor in ("component", "noop"):
        assert all(rows[(floor, o)]["per_endpoint"] == 0 for o in fleet.OPERATIONS)
