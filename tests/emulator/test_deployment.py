"""Waiting for model deployments (elasticsearch service) against the emulator."""

from __future__ import annotations

import itertools
import logging
import time
from typing import Any

import pytest

from pulumi_inference import InferenceEndpointProvider
from pulumi_inference.client import Created, InferenceClient, RetryPolicy
from pulumi_inference.connection import ClusterConnection
from pulumi_inference.emulator import Emulator, EmulatorConfig
from pulumi_inference.errors import DeploymentTimeoutError, EndpointAlreadyExistsError
from pulumi_inference.operations._deployment import (
    read_status,
    wait_until_ready,
    with_target_allocations,
)
from pulumi_inference.operations._desired import DesiredEndpoint
from pulumi_inference.operations._drift import matches_declaration
from tests.support.fake_time import FakeTime

FAST = RetryPolicy(deadline=3.0, base_delay=0.01, max_delay=0.05)


pytestmark = pytest.mark.usefixtures("fast_retries")


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(deployment_seconds=0.5)


def e5_props(emulator: Emulator, inference_id: str = "e5", **extra: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "inference_id": inference_id,
        "task_type": "text_embedding",
        "service": "elasticsearch",
        "service_settings": {
            "model_id": ".multilingual-e5-small",
            "num_allocations": 2,
            "num_threads": 1,
        },
        "connection": {"url": emulator.url},
    }
    props.update(extra)
    return props


def connect(emulator: Emulator) -> InferenceClient:
    return InferenceClient(ClusterConnection(url=emulator.url), policy=FAST)


def create_without_waiting(emulator: Emulator, props: dict[str, Any]) -> DesiredEndpoint:
    spec = DesiredEndpoint.from_props(props)
    created = connect(emulator).put_endpoint(
        spec.task_type, spec.inference_id, spec.request_body(), []
    )
    assert isinstance(created, Created), created
    return spec


def stats_requests(emulator: Emulator) -> list[dict[str, Any]]:
    return [r for r in emulator.requests() if r["path"].endswith("/_stats")]


def allocation(emulator: Emulator, deployment_id: str) -> dict[str, Any]:
    with emulator.state.lock:
        deployment = emulator.state.deployments.get(deployment_id)
        assert deployment is not None
        stats: dict[str, Any] = deployment.stats()
    return stats


def test_returns_only_when_fully_allocated(emulator: Emulator) -> None:
    """REQ-DEPLOY-1: ready means started, fully allocated, count equal to target."""
    emulator.settings.update({"deployment_seconds": 1.0})
    spec = create_without_waiting(emulator, e5_props(emulator))
    wait_until_ready(connect(emulator), spec)
    stats = allocation(emulator, "e5")
    assert stats["state"] == "started"
    assert stats["allocation_status"] == {
        "allocation_count": 2,
        "target_allocation_count": 2,
        "state": "fully_allocated",
    }


def test_half_allocated_or_starting_is_not_ready() -> None:
    """REQ-DEPLOY-1: starting or half allocated is not ready."""

    def stats(state: str, count: int, alloc_state: str) -> dict[str, Any]:
        deployment = {
            "deployment_id": "e5",
            "state": state,
            "allocation_status": {
                "allocation_count": count,
                "target_allocation_count": 2,
                "state": alloc_state,
            },
        }
        return {"trained_model_stats": [{"deployment_stats": deployment}]}

    assert not read_status(stats("starting", 0, "starting"), "e5", {}).ready
    assert not read_status(stats("started", 1, "started"), "e5", {}).ready
    assert read_status(stats("started", 2, "fully_allocated"), "e5", {}).ready
    assert not read_status(None, "e5", {}).ready
    other = {"trained_model_stats": [{"deployment_stats": {"deployment_id": "other"}}]}
    assert not read_status(other, "e5", {}).ready
    serverless = {"trained_model_stats": [{"deployment_stats": {"deployment_id": "e5"}}]}
    assert read_status(serverless, "e5", {}).ready


def test_polls_with_backoff_not_in_a_hot_loop_and_logs_each_state_once(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    """REQ-DEPLOY-1: polls back off; each new state is one progress line."""
    emulator.settings.update({"deployment_seconds": 3.0})
    spec = create_without_waiting(emulator, e5_props(emulator))
    caplog.set_level(logging.INFO, logger="pulumi_inference")
    started = time.monotonic()
    wait_until_ready(connect(emulator), spec)
    took = time.monotonic() - started
    polls = stats_requests(emulator)
    assert 3.0 <= took < 7.0
    assert 3 <= len(polls) <= 6  # 0, 1, 2.5, 4.75 s: backoff, not a hot loop
    gaps = [b["time"] - a["time"] for a, b in itertools.pairwise(polls)]
    assert all(later > earlier for earlier, later in itertools.pairwise(gaps))
    progress = [r.getMessage() for r in caplog.records if "deployment state" in r.getMessage()]
    assert progress[0].endswith("state starting, starting, allocations 0/2")
    assert progress[-1].endswith("state started, fully_allocated, allocations 2/2")
    assert len(progress) == len(set(progress))  # a line per change, not per poll
    assert all("inference endpoint 'e5'" in line for line in progress)


def test_adaptive_with_minimum_zero_resting_at_zero_is_ready(emulator: Emulator) -> None:
    """REQ-DEPLOY-1: zero allocations is ready with an adaptive minimum of 0."""
    props = e5_props(emulator, "e5-adaptive")
    props["service_settings"] = {
        "model_id": ".multilingual-e5-small",
        "num_threads": 1,
        "adaptive_allocations": {
            "enabled": True,
            "min_number_of_allocations": 0,
            "max_number_of_allocations": 4,
        },
    }
    spec = create_without_waiting(emulator, props)
    wait_until_ready(connect(emulator), spec)
    stats = allocation(emulator, "e5-adaptive")
    assert stats["allocation_status"]["allocation_count"] == 0
    assert stats["state"] == "started"


def test_timeout_names_the_endpoint_the_last_state_and_what_to_look_at(emulator: Emulator) -> None:
    """REQ-DEPLOY-1: the deployment_timeout bounds the wait; polls at most 15 s apart."""
    emulator.faults.never_ready()
    spec = create_without_waiting(emulator, e5_props(emulator, deployment_timeout="2m"))
    fake = FakeTime()
    with pytest.raises(DeploymentTimeoutError) as caught:
        wait_until_ready(connect(emulator), spec, sleep=fake.sleep, clock=fake.clock)
    error = caught.value
    assert error.inference_id == "e5"
    assert error.last_state == "state starting, starting, allocations 0/2"
    message = str(error)
    assert "'e5'" in message and emulator.url in message and "2m00s" in message
    assert "state starting, starting, allocations 0/2" in message
    assert "GET /_ml/trained_models/e5/_stats" in message and "ML nodes" in message
    assert sum(fake.sleeps) == pytest.approx(120.0)
    assert len(fake.sleeps) < 20  # backoff up to 15 s between polls
    assert max(fake.sleeps) <= 15.0


def test_an_unreachable_moment_while_polling_does_not_end_the_wait(emulator: Emulator) -> None:
    """REQ-DEPLOY-1: a failing poll does not end the wait."""
    spec = create_without_waiting(emulator, e5_props(emulator))
    emulator.faults.status(503, path="/_stats$", count=None)
    brief = InferenceClient(
        ClusterConnection(url=emulator.url), policy=RetryPolicy(0.05, 0.01, 0.02)
    )
    fault_removed = False

    def sleep(seconds: float) -> None:
        nonlocal fault_removed
        if not fault_removed:
            emulator.faults.clear()
            fault_removed = True
        time.sleep(seconds)

    wait_until_ready(brief, spec, sleep=sleep)
    assert allocation(emulator, "e5")["allocation_status"]["state"] == "fully_allocated"


# -- through the provider ---------------------------------------------------------------


def test_provider_create_waits_out_a_408_from_the_cluster(emulator: Emulator) -> None:
    """REQ-DEPLOY-1: a 408 from the cluster is waited out."""
    emulator.settings.update({"deployment_seconds": 1.0})
    emulator.faults.deployment_timeout()
    result = InferenceEndpointProvider().create(e5_props(emulator))
    assert result.id == "e5"
    assert [r["status"] for r in emulator.requests() if r["method"] == "PUT"] == [408]
    assert allocation(emulator, "e5")["allocation_status"]["state"] == "fully_allocated"
    assert stats_requests(emulator)


def test_wait_for_deployment_false_returns_at_once(emulator: Emulator) -> None:
    """REQ-DEPLOY-1: wait_for_deployment=False does not poll."""
    emulator.settings.update({"deployment_seconds": 5.0})
    started = time.monotonic()
    InferenceEndpointProvider().create(e5_props(emulator, wait_for_deployment=False))
    assert time.monotonic() - started < 1.0
    assert stats_requests(emulator) == []
    assert allocation(emulator, "e5")["state"] == "starting"


def test_a_timed_out_create_rolls_back_and_the_next_create_makes_it_again(
    emulator: Emulator,
) -> None:
    """REQ-CREATE-5: a deployment not ready in time leaves nothing unmanaged behind."""
    emulator.settings.update({"deployment_seconds": 1.5})
    provider = InferenceEndpointProvider()
    with pytest.raises(DeploymentTimeoutError) as caught:
        provider.create(e5_props(emulator, deployment_timeout=0.3))
    assert "rolled back" in str(caught.value)
    assert emulator.endpoint("e5") is None  # the create's own endpoint was deleted again
    result = provider.create(e5_props(emulator, deployment_timeout=30))  # the next `pulumi up`
    assert result.id == "e5"
    assert result.outs["effective_service_settings"]["num_allocations"] == 2
    assert [r["status"] for r in emulator.requests() if r["method"] == "PUT"] == [200, 200]
    with emulator.state.lock:
        assert list(emulator.state.endpoints) == ["e5"]


def test_a_timed_out_create_whose_rollback_fails_says_so_and_how_to_adopt(
    emulator: Emulator,
) -> None:
    """REQ-CREATE-5: the endpoint could not be removed again: the error says it is still
    there and how to take it over."""
    emulator.settings.update({"deployment_seconds": 1.5})
    emulator.faults.status(403, method="DELETE", count=None)
    with pytest.raises(DeploymentTimeoutError) as caught:
        InferenceEndpointProvider().create(e5_props(emulator, deployment_timeout=0.3))
    message = str(caught.value)
    assert "Removing it again failed" in message and "still on the cluster" in message
    assert "adopt_existing=True" in message
    assert "rolled back" not in message
    assert emulator.endpoint("e5") is not None


def test_the_target_allocation_view_matches_a_deployment_still_starting(emulator: Emulator) -> None:
    emulator.settings.update({"deployment_seconds": 5.0})
    spec = create_without_waiting(emulator, e5_props(emulator))
    c = connect(emulator)
    live = c.get_endpoint("text_embedding", "e5")
    assert live is not None
    assert live["service_settings"]["num_allocations"] == 0  # GET reports the live count
    assert not matches_declaration(spec, live)
    view = with_target_allocations(c, spec, live)
    assert view["service_settings"]["num_allocations"] == 2
    assert matches_declaration(spec, view)
    other = DesiredEndpoint.from_props(
        e5_props(emulator, service_settings={**spec.service_settings, "num_threads": 2})
    )
    assert not matches_declaration(other, with_target_allocations(c, other, live))


def test_an_identical_endpoint_another_stack_made_is_never_taken_over(emulator: Emulator) -> None:
    """REQ-CREATE-3: two stacks declaring the same id on one cluster never share it."""
    emulator.settings.update({"deployment_seconds": 0.2})
    provider = InferenceEndpointProvider()
    provider.create(e5_props(emulator))  # the first stack
    with pytest.raises(EndpointAlreadyExistsError) as caught:
        provider.create(e5_props(emulator))  # the second stack, same declaration
    message = str(caught.value)
    assert "not managed by this stack" in message and "adopt_existing" in message
    assert [r["status"] for r in emulator.requests() if r["method"] == "PUT"] == [200, 400]


def test_a_lost_create_answer_of_a_deployment_endpoint_ends_in_success(emulator: Emulator) -> None:
    """REQ-CREATE-1: a lost answer is looked up, not resent."""
    emulator.settings.update({"deployment_seconds": 1.0})
    emulator.faults.drop_response(method="PUT")
    result = InferenceEndpointProvider().create(e5_props(emulator))
    assert result.id == "e5"


def test_a_different_declaration_with_the_same_id_is_not_adopted(emulator: Emulator) -> None:
    """REQ-CREATE-1, REQ-CREATE-3: never an overwrite: the existing endpoint stays untouched."""
    emulator.settings.update({"deployment_seconds": 2.0})
    provider = InferenceEndpointProvider()
    create_without_waiting(emulator, e5_props(emulator))
    other = e5_props(emulator)
    other["service_settings"] = {**other["service_settings"], "num_threads": 2}
    with pytest.raises(EndpointAlreadyExistsError) as caught:
        provider.create(other)
    assert "already exists" in str(caught.value)
    with emulator.state.lock:
        assert emulator.state.endpoints["e5"].service_settings["num_threads"] == 1  # untouched
