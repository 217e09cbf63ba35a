"""The native plugin's own conversions, without the engine: schema, values and secrets at the
key, camelCase paths in check failures and detailed diffs. Behaviour shared with the dynamic
resource is tested once for both front ends (tests/engine/test_engine*.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckRequest,
    DiffRequest,
    PropertyDiffKind,
)

from pulumi_inference._pulumi_wire import PULUMI_UNKNOWN_WIRE_VALUE, UNKNOWN
from pulumi_inference.connection import FIELDS
from pulumi_inference.native._provider import InferenceEndpointPlugin
from pulumi_inference.native._schema import schema
from pulumi_inference.native._server import _request_secrets
from pulumi_inference.native._values import to_plain, to_wire
from pulumi_inference.properties import NATIVE_RESOURCE_TYPE, PROPERTIES

URN = f"urn:pulumi:dev::p::{NATIVE_RESOURCE_TYPE}::emb"


def in_project(runtime: str, directory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run as the engine starts the plugin: in the directory of a project of ``runtime``."""
    directory.mkdir(exist_ok=True)
    (directory / "Pulumi.yaml").write_text(f"name: p\nruntime: {runtime}\n")
    monkeypatch.chdir(directory)


def failures_by_path(response: Any) -> dict[str, str]:
    """Check failures by the path their reason starts with (they name no property: the engine
    would print `value {<nil>}` for a nested path)."""
    assert all(failure.property == "" for failure in response.failures or [])
    return dict(failure.reason.split(": ", 1) for failure in response.failures or [])


def wire(value: Any, *, secret: bool = False) -> PropertyValue:
    """A PropertyValue from plain Python (maps and lists nested)."""
    if isinstance(value, dict):
        built = PropertyValue({key: wire(item) for key, item in value.items()})
    elif isinstance(value, list):
        built = PropertyValue([wire(item) for item in value])
    elif isinstance(value, int) and not isinstance(value, bool):
        built = PropertyValue(float(value))
    else:
        built = PropertyValue(value)
    return built.with_secret(secret)


def openai_inputs(**overrides: Any) -> dict[str, PropertyValue]:
    props = {
        "inferenceId": wire("emb"),
        "taskType": wire("text_embedding"),
        "service": wire("openai"),
        "serviceSettings": PropertyValue(
            {
                "model_id": wire("text-embedding-3-small"),
                "api_key": wire("sk-native-0001", secret=True),
            }
        ),
        "taskSettings": wire({"user": "a"}),
    }
    props.update(overrides)
    return props


def test_the_schema_speaks_camel_case_and_keeps_credentials_secret() -> None:
    document = schema()
    resource = document["resources"][NATIVE_RESOURCE_TYPE]
    inputs = set(resource["inputProperties"])
    assert {"inferenceId", "taskType", "service", "serviceSettings", "forceDelete"} <= inputs
    assert "connection" not in inputs and "secrets" not in inputs  # dynamic-only
    assert {"effectiveServiceSettings", "clusterVersion"} <= set(resource["properties"])
    assert resource["requiredInputs"] == ["inferenceId", "taskType", "service", "serviceSettings"]
    config = document["config"]["variables"]
    for field in FIELDS:
        assert config[field.config_key].get("secret", False) is field.secret
    assert document["provider"]["inputProperties"] == config
    described = {p.name for p in PROPERTIES if p.role != "dynamic"}
    assert len(resource["properties"]) == len(described)


def test_a_secret_key_is_secret_in_place_and_the_rest_stays_readable() -> None:
    plain, marked = to_plain(openai_inputs())
    assert plain["service_settings"] == {
        "model_id": "text-embedding-3-small",
        "api_key": "sk-native-0001",
    }
    assert marked == {("service_settings", "api_key")}
    back = to_wire(plain, set())  # even unmarked on the way in, the catalogue's key is secret
    settings = back["serviceSettings"]
    assert not settings.is_secret
    assert settings.value["api_key"].is_secret  # type: ignore[index]
    assert not settings.value["model_id"].is_secret  # type: ignore[index]
    whole = to_wire({"task_settings": {"user": "a"}}, {("task_settings",)})
    assert whole["taskSettings"].is_secret  # what the caller hid stays hidden


def test_numbers_and_unknowns_cross_the_wire_faithfully() -> None:
    plain, _ = to_plain(
        {"serviceSettings": wire({"num_threads": 2}), "taskType": PropertyValue.computed()}
    )
    assert plain["service_settings"] == {"num_threads": 2}
    assert isinstance(plain["service_settings"]["num_threads"], int)
    assert plain["task_type"] is UNKNOWN
    back = to_wire({"task_type": UNKNOWN}, set())
    assert back["taskType"].value == PULUMI_UNKNOWN_WIRE_VALUE


def test_check_names_failures_by_their_schema_path_without_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_project("yaml", tmp_path, monkeypatch)
    plugin = InferenceEndpointPlugin()
    bad = openai_inputs(
        serviceSettings=PropertyValue(
            {"modelid": wire("m"), "api_key": wire("sk-native-0002", secret=True)}
        ),
        serviceSetting=wire({}),
    )
    response = asyncio.run(plugin.check(CheckRequest(URN, {}, bad, b"")))
    failures = failures_by_path(response)
    assert "serviceSettings.modelid" in failures
    assert "did you mean 'model_id'" in failures["serviceSettings.modelid"]
    assert "serviceSettings.model_id" not in failures  # implied by the misspelling
    assert "did you mean 'serviceSettings'" in failures["serviceSetting"]
    assert all("sk-native-0002" not in reason for reason in failures.values())


def test_the_detailed_diff_names_each_key_and_marks_replacements() -> None:
    plugin = InferenceEndpointPlugin()
    old = openai_inputs(effectiveServiceSettings=wire({"dimensions": 1536}))
    new = openai_inputs(
        serviceSettings=PropertyValue(
            {
                "model_id": wire("text-embedding-3-large"),
                "api_key": wire("sk-native-0003", secret=True),
            }
        ),
        taskSettings=wire({"user": "b"}),
    )
    response = asyncio.run(plugin.diff(DiffRequest(URN, "emb", old, new, [])))
    assert response.changes is True
    assert response.replaces == ["serviceSettings"]
    assert response.delete_before_replace is True
    kinds = {key: diff.kind for key, diff in response.detailed_diff.items()}
    assert kinds == {
        "serviceSettings.model_id": PropertyDiffKind.UPDATE_REPLACE,
        "serviceSettings.api_key": PropertyDiffKind.UPDATE,
        "taskSettings.user": PropertyDiffKind.UPDATE,
    }


def test_every_secret_in_a_request_is_known_for_redaction() -> None:
    from pulumi.runtime.proto import provider_pb2

    request = provider_pb2.CreateRequest(
        urn=URN,
        properties=PropertyValue.marshal_map(
            openai_inputs(taskSettings=wire({"user": "private-user-0004"}, secret=True))
        ),
    )
    found = set(_request_secrets(request))
    assert {"sk-native-0001", "private-user-0004"} <= found
    assert "text-embedding-3-small" not in found


class _Aborted(Exception):
    pass


class _Context:
    """What the gRPC server hands a servicer method: here, only ``abort``."""

    def __init__(self) -> None:
        self.details = ""

    async def abort(self, code: object, details: str) -> None:
        self.details = details
        raise _Aborted(details)


def _failing_call(secret: str) -> Any:
    """A servicer method as Pulumi's server wraps it: the provider's error re-raised with a
    formatted stack appended to its message."""

    async def call(self: object, request: object, context: object) -> None:
        try:
            raise RuntimeError(f"the cluster said no to {secret}")
        except RuntimeError as error:
            raise Exception(f'{error}:\n  File "provider.py", line 1, in create\n') from None

    return call


def test_an_error_reaches_the_engine_as_its_message_alone(monkeypatch: Any) -> None:
    """REQ-ERROR-1 (native): no frames, no secret; PULUMI_INFERENCE_DEBUG keeps the stack."""
    import pytest
    from pulumi.runtime.proto import provider_pb2

    from pulumi_inference._environment import DEBUG_ENV
    from pulumi_inference.native._server import _clean

    request = provider_pb2.CreateRequest(
        urn=URN, properties=PropertyValue.marshal_map(openai_inputs())
    )
    wrapped = _clean(_failing_call("sk-native-0001"), lambda: [])
    monkeypatch.delenv(DEBUG_ENV, raising=False)
    context = _Context()
    with pytest.raises(_Aborted):
        asyncio.run(wrapped(object(), request, context))
    assert context.details == "the cluster said no to [secret]"

    monkeypatch.setenv(DEBUG_ENV, "1")
    debug = _Context()
    with pytest.raises(_Aborted):
        asyncio.run(wrapped(object(), request, debug))
    assert 'File "provider.py"' in debug.details and "sk-native-0001" not in debug.details


def test_messages_name_the_provider_settings_as_the_schema_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The core spells property names through the naming of the door serving the call: the
    schema's camelCase natively (a YAML, TypeScript or Go program), Python's keywords for the
    dynamic resource and for a Python program of the native door."""
    from pulumi_inference._naming import naming, spelled
    from pulumi_inference.native._values import schema_naming

    def hint() -> str:
        return f"set {spelled('force_delete', True)}; raise {spelled('deployment_timeout')}"

    with naming(schema_naming):
        assert hint() == "set forceDelete: true; raise deploymentTimeout"
    assert hint() == "set force_delete=True; raise deployment_timeout"
    plugin = InferenceEndpointPlugin()
    bad = openai_inputs(deploymentTimeout=wire("soon"))
    in_project("yaml", tmp_path / "yaml", monkeypatch)
    response = asyncio.run(plugin.check(CheckRequest(URN, {}, bad, b"")))
    assert list(failures_by_path(response)) == ["deploymentTimeout"]
    in_project("python", tmp_path / "python", monkeypatch)
    response = asyncio.run(plugin.check(CheckRequest(URN, {}, bad, b"")))
    assert list(failures_by_path(response)) == ["deployment_timeout"]
