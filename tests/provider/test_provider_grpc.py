"""The real dynamic-provider process over gRPC, as the engine drives it: pickled provider,
wire-format numbers, stack config through Configure, four calls at once."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from devtools.provider_process import _PICKLED, ProviderCallError, ProviderProcess
from pulumi_inference.emulator import Emulator, EmulatorConfig

pytestmark = pytest.mark.grpc
SECRET = "sk-grpc-secret-value-77"


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(deployment_seconds=0.3, api_keys=["grpc-cluster-key"])


@pytest.fixture(scope="module")
def process(emulator_server: Emulator) -> Iterator[ProviderProcess]:
    url = emulator_server.url
    config = {"elasticsearch:url": url, "elasticsearch:apiKey": "grpc-cluster-key"}
    with ProviderProcess(config=config) as proc:
        yield proc


def props(inference_id: str, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "inference_id": inference_id,
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small", "api_key": SECRET},
        "task_settings": {"user": "a"},
    }
    base.update(overrides)
    return base


def test_provider_pickles_by_reference() -> None:
    # A class in an installed module is pickled by reference: small and stable across runs.
    assert len(_PICKLED) < 400


def test_check_failures_cross_the_wire_with_property_paths(process: ProviderProcess) -> None:
    """REQ-CHECK-2: check failures reach the engine with their paths, leading the reason (a
    property named would make the engine print `value {<nil>}` for a nested path)."""
    _, failures = process.check(props("Bad Id", service_settings={"modelid": "m"}))
    assert {prop for prop, _ in failures} == {""}
    paths = {reason.split(": ", 1)[0] for _, reason in failures}
    assert {"inference_id", "service_settings.modelid"} <= paths


def test_lifecycle_with_stack_config_connection(
    process: ProviderProcess, emulator: Emulator
) -> None:
    """REQ-CONN-1, REQ-READ-3: the cluster from stack config; read keeps the secret."""
    inputs, failures = process.check(props("grpc-life"))
    assert failures == []
    id_, outs = process.create(inputs)
    assert id_ == "grpc-life"
    assert emulator.endpoint("grpc-life") is not None
    assert process.diff(id_, outs, inputs).changes == 1  # DIFF_NONE

    read_id, read_outs, read_inputs = process.read(id_, outs)
    assert read_id == id_
    assert (
        read_inputs["service_settings"]["api_key"] == SECRET
    )  # kept: the cluster never returns it
    assert process.diff(id_, read_outs, inputs).changes == 1

    changed = props("grpc-life", task_settings={"user": "b"})
    diff = process.diff(id_, read_outs, changed)
    assert diff.changes == 2 and list(diff.replaces) == []  # DIFF_SOME, in place
    updated = process.update(id_, read_outs, changed)
    assert updated["effective_task_settings"] == {"user": "b"}

    replaced = props(
        "grpc-life", service_settings={"model_id": "text-embedding-3-large", "api_key": SECRET}
    )
    diff = process.diff(id_, updated, replaced)
    assert list(diff.replaces) == ["service_settings"] and diff.deleteBeforeReplace

    process.delete(id_, updated)
    assert emulator.endpoint("grpc-life") is None
    gone_id, _, _ = process.read(id_, updated)
    assert gone_id == ""


def test_wire_floats_reach_the_cluster_as_integers(
    process: ProviderProcess, emulator: Emulator
) -> None:
    """REQ-PLAN-1: the engine's 2.0 is sent as 2 and does not diff."""
    deployment = {
        "inference_id": "grpc-e5",
        "task_type": "text_embedding",
        "service": "elasticsearch",
        "service_settings": {
            "model_id": ".multilingual-e5-small",
            "num_threads": 1,
            "num_allocations": 2,
        },
    }
    id_, outs = process.create(deployment)
    assert (emulator.endpoint("grpc-e5") or {})["service_settings"]["num_allocations"] == 2
    assert process.diff(id_, outs, deployment).changes == 1
    process.delete(id_, outs)


def test_errors_cross_the_wire_without_secrets(emulator: Emulator) -> None:
    """REQ-SECRET-2: the 401 reaches the engine without a secret."""
    config = {"elasticsearch:url": emulator.url, "elasticsearch:apiKey": "not-the-cluster-key-123"}
    with ProviderProcess(config=config) as wrong_key, pytest.raises(ProviderCallError) as raised:
        wrong_key.create(props("grpc-denied"))
    message = str(raised.value)
    assert "grpc-denied" in message and "401" in message
    assert SECRET not in message and "not-the-cluster-key-123" not in message


def test_connection_from_environment_variables(emulator: Emulator) -> None:
    """REQ-CONN-1: the cluster from ELASTICSEARCH_* alone."""
    env = {"ELASTICSEARCH_URL": emulator.url, "ELASTICSEARCH_API_KEY": "grpc-cluster-key"}
    with ProviderProcess(env=env) as from_env:
        id_, outs = from_env.create(props("grpc-env"))
        assert emulator.endpoint("grpc-env") is not None
        from_env.delete(id_, outs)


def test_four_concurrent_calls_on_one_deserialized_provider(
    process: ProviderProcess, emulator: Emulator
) -> None:
    def lifecycle(index: int) -> str:
        id_, outs = process.create(props(f"grpc-par-{index}"))
        process.read(id_, outs)
        process.delete(id_, outs)
        return id_

    with ThreadPoolExecutor(max_workers=4) as pool:
        done = list(pool.map(lifecycle, range(12)))
    assert sorted(done) == sorted(f"grpc-par-{i}" for i in range(12))
    assert all(emulator.endpoint(f"grpc-par-{i}") is None for i in range(12))


def test_deployment_progress_is_reported_on_stderr(process: ProviderProcess) -> None:
    """REQ-DEPLOY-1: progress lines reach the engine."""
    deployment = {
        "inference_id": "grpc-elser",
        "task_type": "sparse_embedding",
        "service": "elasticsearch",
        "service_settings": {"model_id": ".elser_model_2", "num_threads": 1, "num_allocations": 1},
    }
    id_, outs = process.create(deployment)
    assert any("grpc-elser" in line and "deployment" in line for line in process.stderr_lines)
    process.delete(id_, outs)


def test_secret_marked_inputs_are_accepted_and_stay_marked(process: ProviderProcess) -> None:
    """A caller that sends secrets (the engine does not) gets them back marked secret."""
    from pulumi_inference.dynamic._wire import is_secret_marker, mark_secret

    declared = props("grpc-marked")
    declared["service_settings"] = {
        "model_id": "text-embedding-3-small",
        "api_key": mark_secret(SECRET),
    }
    _, failures = process.check(declared)
    assert failures == []
    id_, outs = process.create(declared)
    # Python's deserializer lifts a nested secret to the enclosing dict.
    assert is_secret_marker(outs["service_settings"])
    assert outs["service_settings"]["value"]["api_key"] == SECRET
    _, read_outs, read_inputs = process.read(id_, outs)
    assert is_secret_marker(read_outs["service_settings"])
    assert is_secret_marker(read_inputs["service_settings"])
    assert process.diff(id_, read_outs, declared).changes == 1
    process.delete(id_, read_outs)


def test_every_extension_of_pulumis_server_works_with_this_pulumi(
    process: ProviderProcess,
) -> None:
    """The provider leans on how Pulumi's dynamic server is written (pulumi_inference/dynamic/
    _server.py); run on the lowest and the newest Pulumi allowed (scripts/test-pulumi-range),
    this fails when one of those extensions stopped working with that version."""
    from pulumi_inference.dynamic._reliances import NO_LONGER_WORKS

    id_, outs = process.create(props("grpc-extensions"))
    changed = props("grpc-extensions", task_settings={"user": "b"})
    response = process.diff(id_, outs, changed)
    assert response.hasDetailedDiff
    assert "task_settings.user" in response.detailedDiff
    process.delete(id_, outs)
    assert [line for line in process.stderr_lines if NO_LONGER_WORKS in line] == []
