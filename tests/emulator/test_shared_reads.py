"""Refreshing many endpoints of one cluster in a request per cluster (client/_shared.py),
counted in the emulator's request log: one endpoint asked alone, the rest from one listing
and one trained-model stats request, shared between concurrent reads, never stale after a
change made through the process, and each read on its own when the cluster refuses."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from pulumi_inference import operations
from pulumi_inference.client import InferenceClient, RetryPolicy, share_reads
from pulumi_inference.client._shared import SharedAnswer
from pulumi_inference.connection import ClusterConnection
from pulumi_inference.emulator import Emulator, EmulatorConfig
from pulumi_inference.errors import ClusterUnavailableError
from pulumi_inference.operations import DesiredEndpoint

pytestmark = pytest.mark.usefixtures("fast_retries")
FAST = RetryPolicy(deadline=1.0, base_delay=0.01, max_delay=0.05)
LISTING = ("GET", "/_inference/_all")
ALL_STATS = ("GET", "/_ml/trained_models/_all/_stats")


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(deployment_seconds=30)  # deployments stay starting


@pytest.fixture(autouse=True)
def sharing() -> Iterator[None]:
    share_reads(True)  # as in a provider process serving one engine command
    yield
    share_reads(False)


def _client(emulator: Emulator) -> InferenceClient:
    return InferenceClient(ClusterConnection(url=emulator.url), policy=FAST)


def _hosted(inference_id: str, user: str = "a") -> dict[str, Any]:
    return {
        "inference_id": inference_id,
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small", "api_key": "sk-shared"},
        "task_settings": {"user": user},
    }


def _e5(inference_id: str) -> dict[str, Any]:
    return {
        "inference_id": inference_id,
        "task_type": "text_embedding",
        "service": "elasticsearch",
        "service_settings": {
            "model_id": ".multilingual-e5-small",
            "num_allocations": 2,
            "num_threads": 1,
        },
    }


def _create(emulator: Emulator, props: dict[str, Any]) -> None:
    spec = DesiredEndpoint.from_props(props)
    _client(emulator).put_endpoint(
        spec.task_type, spec.inference_id, spec.request_body(), ["sk-shared"]
    )


def _read(client: InferenceClient, props: dict[str, Any]) -> operations.ReadOutcome | None:
    return operations.read(client, DesiredEndpoint.from_props(props), props)


def _gets(emulator: Emulator) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in emulator.requests() if r["method"] == "GET"]


def test_many_concurrent_reads_ask_the_cluster_twice(emulator: Emulator) -> None:
    """REQ-READ-5: one endpoint alone, the rest from one listing, the same answers."""
    declared = [_hosted(f"fleet-{n}") for n in range(12)]
    for props in declared:
        _create(emulator, props)
    emulator.edit_endpoint("fleet-3", task_settings={"user": "by-hand"})
    emulator.clear_requests()
    client = _client(emulator)
    with ThreadPoolExecutor(8) as pool:
        found = list(pool.map(lambda props: _read(client, props), declared))
    assert all(outcome is not None for outcome in found)
    assert found[3] is not None and found[3].inputs["task_settings"] == {"user": "by-hand"}
    gets = [get for get in _gets(emulator) if get != ("GET", "/")]
    assert gets.count(LISTING) == 1 and len(gets) == 2, gets  # one alone, one listing

    # The same answers a client that asks for each endpoint gives.
    share_reads(False)
    alone = [_read(_client(emulator), props) for props in declared]
    assert [o.inputs for o in found if o] == [o.inputs for o in alone if o]


def test_a_change_through_the_process_is_seen_by_the_next_read(emulator: Emulator) -> None:
    first, second = _hosted("changed-a"), _hosted("changed-b")
    for props in (first, second):
        _create(emulator, props)
    client = _client(emulator)
    assert _read(client, first) and _read(client, second)  # the listing is taken
    emulator.clear_requests()
    spec = DesiredEndpoint.from_props(second)
    client.update_endpoint(spec.task_type, spec.inference_id, {"task_settings": {"user": "b"}}, [])
    found = _read(client, second)
    assert found is not None and found.inputs["task_settings"] == {"user": "b"}
    client.delete_endpoint(spec.task_type, spec.inference_id, force=False)
    assert _read(client, second) is None
    assert _gets(emulator).count(LISTING) == 2  # a fresh listing after each change


def test_an_endpoint_missing_from_the_listing_is_asked_for_alone(emulator: Emulator) -> None:
    kept, late = _hosted("kept"), _hosted("late")
    _create(emulator, kept)
    client = _client(emulator)
    assert _read(client, kept) is not None  # the first read: alone
    assert _read(client, kept) is not None  # the listing, without "late"
    _create(emulator, late)  # by another process: the listing does not know it
    emulator.clear_requests()
    assert _read(client, late) is not None  # not taken for gone
    assert _read(client, _hosted("never")) is None
    assert _gets(emulator) == [
        ("GET", "/_inference/text_embedding/late"),
        ("GET", "/_inference/text_embedding/never"),
    ]


def test_a_cluster_that_refuses_the_listing_is_read_endpoint_by_endpoint(
    emulator: Emulator,
) -> None:
    declared = [_hosted(f"refused-{n}") for n in range(4)]
    for props in declared:
        _create(emulator, props)
    emulator.faults.status(403, method="GET", path="^/_inference/_all$", count=None)
    emulator.clear_requests()
    client = _client(emulator)
    assert all(_read(client, props) is not None for props in declared)
    gets = [get for get in _gets(emulator) if get != ("GET", "/")]
    assert gets.count(LISTING) == 1  # tried once, then each endpoint alone
    assert len(gets) == 1 + len(declared)


def test_starting_deployments_are_read_in_one_stats_request(emulator: Emulator) -> None:
    declared = [_e5(f"starting-{n}") for n in range(4)]
    for props in declared:
        _create(emulator, props)
    emulator.clear_requests()
    client = _client(emulator)
    found = [_read(client, props) for props in declared]
    assert all(o and o.inputs["service_settings"]["num_allocations"] == 2 for o in found)
    stats = [path for _, path in _gets(emulator) if path.startswith("/_ml/")]
    assert stats.count(ALL_STATS[1]) == 1 and len(stats) == 2, stats


def test_a_library_caller_always_asks_the_cluster(emulator: Emulator) -> None:
    share_reads(False)
    props = _hosted("library")
    _create(emulator, props)
    client = _client(emulator)
    for user in ("x", "y", "z"):
        emulator.edit_endpoint("library", task_settings={"user": user})
        found = _read(client, props)
        assert found is not None and found.inputs["task_settings"] == {"user": user}
    assert LISTING not in _gets(emulator)


def test_an_answer_fetched_across_a_change_is_not_kept() -> None:
    started, release = threading.Event(), threading.Event()
    fetched = []

    def fetch() -> int:
        fetched.append(1)
        started.set()
        release.wait(5)
        return len(fetched)

    shared = SharedAnswer(fetch, "numbers")
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(shared.get)
        assert started.wait(5)
        shared.drop()  # a write went through while the fetch was out
        assert shared.get() is None  # a read after the change does not join that fetch
        release.set()
        assert first.result(5) == 1  # its own reader gets it
    assert shared.get() == 2  # but it was not kept: the next read fetches again


def test_an_answer_is_not_used_once_old_and_a_failure_is_not_retried() -> None:
    now = [0.0]
    shared = SharedAnswer(lambda: now[0], "times", max_age=10, clock=lambda: now[0])
    assert shared.get() == 0.0
    now[0] = 9.0
    assert shared.get() == 0.0
    now[0] = 11.0
    assert shared.get() == 11.0

    calls = []

    def failing() -> int:
        calls.append(1)
        raise ClusterUnavailableError("no listing", status=503)

    broken = SharedAnswer(failing, "nothing")
    assert broken.get() is None and broken.get() is None
    assert calls == [1]
