"""A read by id (``InferenceEndpoint.get`` in both doors, ``pulumi import``): the core's
``look_up`` and each provider's read given the id and some state, against the emulator."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import ConfigureRequest, ReadRequest

from pulumi_inference import InferenceEndpointProvider, operations
from pulumi_inference.client import InferenceClient, RetryPolicy
from pulumi_inference.connection import ClusterConnection
from pulumi_inference.emulator import Emulator
from pulumi_inference.errors import EndpointNotFoundError, ValidationError
from pulumi_inference.native._provider import InferenceEndpointPlugin
from pulumi_inference.native._values import to_plain

FAST = RetryPolicy(deadline=2, unreachable_deadline=1, base_delay=0.01, max_delay=0.05)
URN = "urn:pulumi:dev::proj::elasticsearch-inference:index:InferenceEndpoint::emb"
API_KEY = "sk-look-up-0001"


@pytest.fixture
def cluster(emulator: Emulator) -> InferenceClient:
    client = InferenceClient(ClusterConnection(url=emulator.url), policy=FAST)
    client.put_endpoint(
        "text_embedding",
        "emb",
        {
            "service": "openai",
            "service_settings": {"model_id": "text-embedding-3-small", "api_key": API_KEY},
            "task_settings": {"user": "search"},
        },
        [API_KEY],
    )
    return client


def test_an_endpoint_is_found_by_its_id_whatever_its_task_type(cluster: InferenceClient) -> None:
    found = operations.look_up(cluster, "emb", {})
    assert found.inputs["task_type"] == "text_embedding"
    assert found.inputs["service_settings"] == {"model_id": "text-embedding-3-small"}
    assert found.observed.outputs()["cluster_version"]


def test_what_the_cluster_cannot_know_is_kept_as_given(cluster: InferenceClient) -> None:
    given = {
        "task_type": "TEXT-embedding",  # as the cluster parses it
        "service_settings": {"api_key": API_KEY, "model_id": "old-model"},
        "force_delete": True,
        "connection": {"url": "http://127.0.0.1:1"},
    }
    inputs = operations.look_up(cluster, "emb", given).inputs
    assert inputs["service_settings"] == {"model_id": "text-embedding-3-small", "api_key": API_KEY}
    assert inputs["force_delete"] is True
    assert inputs["connection"] == {"url": "http://127.0.0.1:1"}
    assert inputs["task_type"] == "text_embedding"


@pytest.mark.parametrize(
    ("key", "value"),
    [("task_type", "sparse_embedding"), ("service", "cohere"), ("inference_id", "other")],
)
def test_an_identity_the_endpoint_does_not_have_fails_naming_it(
    cluster: InferenceClient, key: str, value: str
) -> None:
    with pytest.raises(ValidationError) as failed:
        operations.look_up(cluster, "emb", {key: value})
    assert [path for path, _ in failed.value.issues] == [key]
    assert f"not {value!r}: give the {key} it has, or leave it out" in str(failed.value)


def test_an_absent_endpoint_fails_naming_the_id(cluster: InferenceClient) -> None:
    with pytest.raises(EndpointNotFoundError, match="'nope' does not exist"):
        operations.look_up(cluster, "nope", {"task_type": "text_embedding"})


def test_a_refresh_is_not_a_look_up() -> None:
    assert operations.is_look_up({"inference_id": "emb"})
    assert operations.is_look_up({})
    assert not operations.is_look_up(
        {"inference_id": "emb", "task_type": "text_embedding", "service": "openai"}
    )


# -- through each door's provider -----------------------------------------------------------


def test_the_dynamic_provider_reads_by_id_with_the_connection_given(
    emulator: Emulator, cluster: InferenceClient
) -> None:
    """``get`` registers the state given; the dynamic layout comes back, secrets apart."""
    given = {
        "connection": {"url": emulator.url},
        "task_type": "text_embedding",
        "secrets": {"service_settings": {"api_key": API_KEY}},
    }
    result = InferenceEndpointProvider().read("emb", given)
    assert result.id == "emb"
    assert result.outs["service"] == "openai"
    assert result.outs["service_settings"] == {"model_id": "text-embedding-3-small"}
    assert result.outs["secrets"] == {"service_settings": {"api_key": API_KEY}}
    assert result.outs["effective_task_settings"] == {"user": "search"}
    assert result.inputs is not None and "force_delete" not in result.inputs  # at its default


def test_the_dynamic_provider_refuses_a_contradicting_state(
    emulator: Emulator, cluster: InferenceClient
) -> None:
    given = {"connection": {"url": emulator.url}, "service": "cohere"}
    with pytest.raises(ValidationError, match="service"):
        InferenceEndpointProvider().read("emb", given)


def _native(emulator: Emulator) -> InferenceEndpointPlugin:
    plugin = InferenceEndpointPlugin()
    url = PropertyValue(emulator.url)
    asyncio.run(plugin.configure(ConfigureRequest({}, {"url": url}, True, False)))
    return plugin


def test_the_native_provider_reads_by_id_with_the_state_given(
    emulator: Emulator, cluster: InferenceClient
) -> None:
    given = {"taskType": PropertyValue("text_embedding"), "forceDelete": PropertyValue(True)}
    response = asyncio.run(_native(emulator).read(ReadRequest(URN, "emb", {}, given)))
    properties, secret = to_plain(response.properties or {})
    assert response.resource_id == "emb"
    assert properties["service"] == "openai"
    assert properties["force_delete"] is True
    assert properties["effective_task_settings"] == {"user": "search"}
    assert secret == set()


def test_pulumi_import_still_reads_by_the_id_alone(
    emulator: Emulator, cluster: InferenceClient
) -> None:
    response = asyncio.run(_native(emulator).read(ReadRequest(URN, "emb", {}, {})))
    inputs: dict[str, Any] = to_plain(response.inputs or {})[0]
    assert inputs == {
        "inference_id": "emb",
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small"},
        "task_settings": {"user": "search"},
    }
