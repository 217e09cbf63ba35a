"""Smoke test of benchmarks/run.py and its modules (one per layer measured): three endpoints,
no added latency, no engine.

Only structure and request counts are asserted (one PUT per create, no inference request in a
preview, ...), never time: timings belong in benchmarks/README.md, not in a test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks import run as bench
from benchmarks._cluster import API_KEY, MODEL, api_props, request_body
from benchmarks._measure import summarize

pytestmark = [pytest.mark.grpc, pytest.mark.timeout(240)]

N = 3
OPERATIONS = ["create", "refresh", "preview", "update", "delete"]
ROUTE_OF = {
    "create": "PUT /_inference/{task_type}/{id}",
    "refresh": "GET /_inference/{task_type}/{id}",
    "update": "PUT /_inference/{task_type}/{id}/_update",
    "delete": "DELETE /_inference/{task_type}/{id}",
}


def test_summarize_counts_routes_connections_and_errors() -> None:
    entries = [
        {"method": "GET", "path": "/", "status": 200, "connection_id": 1},
        {
            "method": "PUT",
            "path": "/_inference/text_embedding/a",
            "status": 200,
            "connection_id": 1,
        },
        {
            "method": "PUT",
            "path": "/_inference/text_embedding/b",
            "status": 400,
            "connection_id": 2,
        },
        {
            "method": "PUT",
            "path": "/_inference/text_embedding/a/_update",
            "status": None,
            "connection_id": 3,
        },
        {
            "method": "GET",
            "path": "/_ml/trained_models/a/_stats",
            "status": 200,
            "connection_id": 3,
        },
        {
            "method": "GET",
            "path": "/_security/user/_has_privileges",
            "status": 500,
            "connection_id": 3,
        },
    ]
    traffic = summarize(entries)
    assert (traffic.inference, traffic.root_gets, traffic.other) == (3, 1, 1)
    assert (traffic.privilege_checks, traffic.privilege_checks_refused) == (1, 1)
    assert traffic.connections == 3
    assert traffic.errors == 2
    assert traffic.routes == {
        "GET /": 1,
        "GET /_security/user/_has_privileges": 1,
        "GET /_ml/trained_models/{id}/_stats": 1,
        "PUT /_inference/{task_type}/{id}": 2,
        "PUT /_inference/{task_type}/{id}/_update": 1,
    }


def test_the_floor_body_is_what_the_provider_sends() -> None:
    body = request_body(api_props("smoke-body"))
    assert body == {
        "service": "openai",
        "service_settings": {"model_id": MODEL, "api_key": API_KEY},
        "task_settings": {"user": "a"},
    }


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench") / "report.json"
    argv = ["--endpoints", str(N), "--latency-ms", "0", "--no-engine", "--repeat", "1"]
    argv += ["--deployments", "1", "--import-runs", "1", "--json", str(out)]
    assert bench.main(argv) == 0
    written: dict[str, Any] = json.loads(Path(out).read_text())
    return written


def rows(report: dict[str, Any], layer: str) -> dict[str, dict[str, Any]]:
    return {r["operation"]: r for r in report["rows"] if r["layer"] == layer}


def test_report_structure(report: dict[str, Any]) -> None:
    assert report["meta"]["endpoints"] == N
    assert report["meta"]["engine"] is False
    assert {r["layer"] for r in report["rows"]} == {"floor", "provider"}
    assert list(rows(report, "provider"))[:5] == OPERATIONS
    assert list(rows(report, "floor"))[:5] == OPERATIONS
    for row in report["rows"]:
        assert row["n"] in {N, 1}
        assert row["errors"] == 0
        assert row["wall_s"] >= 0
    for name in ("create", "refresh", "update", "delete"):
        provider = rows(report, "provider")[name]
        assert provider["floor_s"] is not None
        assert provider["ratio"] is not None
        assert provider["peak_rss_mb"] > 0
        assert provider["connections"] >= 1
    assert "| provider | create |" in report["table"]
    imports = report["import_time"]
    assert set(imports["wall_s"]) == {"python", "pulumi", "pulumi_inference"}
    assert imports["importtime_ms"]["pulumi_inference_on_top_of_pulumi"] > 0


@pytest.mark.parametrize("layer", ["floor", "provider"])
def test_one_request_per_endpoint_and_none_in_preview(report: dict[str, Any], layer: str) -> None:
    by_op = rows(report, layer)
    for name, route in ROUTE_OF.items():
        assert by_op[name]["inference_requests"] == N, name
        assert by_op[name]["routes"].get(route) == N, (name, by_op[name]["routes"])
        assert by_op[name]["other_requests"] == 0
    assert by_op["preview"]["inference_requests"] == 0
    assert by_op["preview"]["other_requests"] == 0


def test_the_floor_sends_nothing_for_a_preview(report: dict[str, Any]) -> None:
    preview = rows(report, "floor")["preview"]
    assert (preview["root_gets"], preview["privilege_checks"]) == (0, 0)
    assert preview["routes"] == {}


def test_provider_reads_the_cluster_version_once_per_process(report: dict[str, Any]) -> None:
    """GET / once per process whatever the count of endpoints: version, access check and
    which cluster answers (a delete, too, confirms the cluster first: issue 30)."""
    by_op = rows(report, "provider")
    assert [by_op[name]["root_gets"] for name in OPERATIONS] == [1, 1, 1, 1, 1]
    assert by_op["preview"]["detail"]["diff"] == {"DIFF_NONE": N}


def test_provider_checks_the_cluster_once_per_process_where_it_checks(
    report: dict[str, Any],
) -> None:
    """The check (REQ-CHECK-7) asks GET / and _has_privileges once per cluster per process,
    read-only; the benchmark's emulator has security off, so _has_privileges is refused (as
    Elasticsearch refuses it) and the provider carries on."""
    by_op = rows(report, "provider")
    assert [by_op[name]["privilege_checks"] for name in OPERATIONS] == [1, 0, 1, 1, 0]
    checked = [by_op[name]["privilege_checks_refused"] for name in OPERATIONS]
    assert checked == [1, 0, 1, 1, 0]
    assert by_op["preview"]["routes"] == {
        "GET /": 1,
        "GET /_security/user/_has_privileges": 1,
    }


def test_deployment_rows(report: dict[str, Any]) -> None:
    floor = rows(report, "floor")["create (deployment)"]
    provider = rows(report, "provider")["create (deployment)"]
    for row in (floor, provider):
        assert row["n"] == 1
        assert row["routes"]["PUT /_inference/{task_type}/{id}"] == 1
        assert row["routes"]["GET /_ml/trained_models/{id}/_stats"] >= 1
    assert rows(report, "provider")["delete (deployment)"]["inference_requests"] == 1
