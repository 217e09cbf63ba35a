"""What `pulumi-inference recover` asks the cluster, against the emulator: whether a pending
create's endpoint exists and is the declared one (operations.compare_with_cluster), the plan
it makes of a stack's export, and a refresh while a deployment is still starting."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_inference import operations
from pulumi_inference.client import Created, InferenceClient, RetryPolicy
from pulumi_inference.connection import ClusterConnection
from pulumi_inference.emulator import Emulator, EmulatorConfig
from pulumi_inference.operations import DesiredEndpoint
from pulumi_inference.properties import DYNAMIC_RESOURCE_TYPE, NATIVE_RESOURCE_TYPE
from pulumi_inference.recovery._plan import plan
from pulumi_inference.recovery._state import StackState

pytestmark = pytest.mark.usefixtures("fast_retries")
FAST = RetryPolicy(deadline=3.0, base_delay=0.01, max_delay=0.05)


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(deployment_seconds=30)  # every deployment here is still starting


def _client(emulator: Emulator) -> InferenceClient:
    return InferenceClient(ClusterConnection(url=emulator.url), policy=FAST)


def _e5(inference_id: str, **settings: Any) -> dict[str, Any]:
    return {
        "inference_id": inference_id,
        "task_type": "text_embedding",
        "service": "elasticsearch",
        "service_settings": {
            "model_id": ".multilingual-e5-small",
            "num_allocations": 2,
            "num_threads": 1,
            **settings,
        },
    }


def _create(emulator: Emulator, props: dict[str, Any]) -> None:
    """A create sent without waiting: the deployment stays starting (a run killed now)."""
    spec = DesiredEndpoint.from_props(props)
    answer = _client(emulator).put_endpoint(
        spec.task_type, spec.inference_id, spec.request_body(), []
    )
    assert isinstance(answer, Created)


def test_a_starting_deployment_matches_its_declaration(emulator: Emulator) -> None:
    _create(emulator, _e5("e5"))
    live = emulator.endpoint("e5") or {}
    assert live["service_settings"]["num_allocations"] != 2  # GET reports the live count
    found = operations.compare_with_cluster(_client(emulator), _e5("e5"))
    assert (found.exists, found.matches, found.differences) == (True, True, ())


def test_a_different_or_missing_endpoint_does_not_match(emulator: Emulator) -> None:
    _create(emulator, _e5("e5", num_threads=2))
    differs = operations.compare_with_cluster(_client(emulator), _e5("e5"))
    assert differs.exists and not differs.matches
    assert differs.differences == ("service_settings.num_threads",)
    other_task = {**_e5("e5"), "task_type": "sparse_embedding"}
    assert operations.compare_with_cluster(_client(emulator), other_task).differences
    absent = operations.compare_with_cluster(_client(emulator), _e5("never-created"))
    assert (absent.exists, absent.matches) == (False, False)


def test_a_refresh_while_the_deployment_starts_records_its_target(emulator: Emulator) -> None:
    _create(emulator, _e5("e5"))
    spec = DesiredEndpoint.from_props(_e5("e5"))
    found = operations.read(_client(emulator), spec, _e5("e5"))
    assert found is not None
    assert found.inputs["service_settings"]["num_allocations"] == 2
    emulator.edit_endpoint("e5", service_settings={"num_allocations": 3})  # scaled by hand
    found = operations.read(_client(emulator), spec, _e5("e5"))
    assert found is not None
    assert found.inputs["service_settings"]["num_allocations"] == 3  # still drift


def _pending(urn_name: str, type_: str, inputs: dict[str, Any], **extra: Any) -> dict[str, Any]:
    urn = f"urn:pulumi:dev::team::{type_}::{urn_name}"
    return {"resource": {"urn": urn, "type": type_, "inputs": inputs, **extra}, "type": "creating"}


def test_the_plan_adopts_clears_and_leaves(emulator: Emulator) -> None:
    _create(emulator, _e5("matching"))
    _create(emulator, _e5("changed", num_threads=4))
    provider_urn = "urn:pulumi:dev::team::pulumi:providers:elasticsearch-inference::cluster"
    secret = {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        "plaintext": '"sk-x"',
    }
    dynamic = {**_e5("matching"), "connection": {"url": emulator.url}, "__provider": "pickled"}
    native = {
        "inferenceId": "changed",
        "taskType": "text_embedding",
        "service": "elasticsearch",
        "serviceSettings": _e5("changed")["service_settings"],
    }
    missing = {
        "inference_id": "gone",
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small"},
        "connection": {"url": emulator.url},
        "secrets": {"service_settings": {"api_key": secret}},
    }
    state = StackState(
        {
            "deployment": {
                "resources": [{"urn": provider_urn, "inputs": {"url": emulator.url}}],
                "pending_operations": [
                    _pending("a", DYNAMIC_RESOURCE_TYPE, dynamic),
                    _pending("b", NATIVE_RESOURCE_TYPE, native, provider=f"{provider_urn}::id-1"),
                    _pending("c", DYNAMIC_RESOURCE_TYPE, missing),
                    _pending("d", "aws:s3/bucket:Bucket", {}),
                ],
            }
        }
    )
    steps = plan(state, {}, environ={})
    assert [(s.action, s.pending.name, s.inference_id) for s in steps] == [
        ("adopt", "a", "matching"),
        ("leave", "b", "changed"),
        ("clear", "c", "gone"),
        ("leave", "d", None),
    ]
    assert "service_settings.num_threads" in steps[1].reason
    assert all("sk-x" not in step.line() for step in steps)
