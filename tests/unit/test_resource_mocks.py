"""``InferenceEndpoint`` under ``pulumi.runtime.set_mocks``: the props it registers.

Mocks do not run the provider: these tests pin what the resource hands to the engine, which is
what ends up in `pulumi preview --diff` and in state. A value is a Pulumi secret on the wire
when the mock monitor sees it wrapped (``rpc.is_rpc_secret``); the Python SDK makes a whole
top-level property secret as soon as anything inside it is, so every credential must reach
the engine inside the ``secrets`` property only, and the rest must stay readable.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pytest
from pulumi.runtime import mocks, rpc

import pulumi_inference as inference
from pulumi_inference import _program
from pulumi_inference.services import (
    AdaptiveAllocations,
    CohereServiceSettings,
    CohereTaskSettings,
    ElasticsearchServiceSettings,
    OpenAIServiceSettings,
    OpenAITaskSettings,
)

ENDPOINT_TYPE = "pulumi-python:dynamic/elasticsearch:InferenceEndpoint"


# -- a mocked engine that keeps what was registered ---------------------------------------


class RecordingMocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.inputs: dict[str, dict[str, Any]] = {}
        self.types: dict[str, str] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.inputs[args.name] = args.inputs
        self.types[args.name] = args.typ
        state = dict(args.inputs)
        if args.typ == ENDPOINT_TYPE:  # what the provider adds: the cluster's view
            effective = dict(rpc.unwrap_rpc_secret(args.inputs.get("service_settings")) or {})
            if args.inputs.get("task_type") == "text_embedding":
                effective.setdefault("dimensions", 1536)
            state["effective_service_settings"] = effective
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


class _Monitor(mocks.MockMonitor):  # type: ignore[misc]
    def __init__(self, recorded: RecordingMocks) -> None:
        super().__init__(recorded)
        self.requests: dict[str, Any] = {}

    def RegisterResource(self, request: Any) -> Any:
        self.requests[request.name] = request
        return super().RegisterResource(request)


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass
class Run:
    """What one program run registered: inputs and requests by resource name, warnings."""

    inputs: dict[str, dict[str, Any]]
    types: dict[str, str]
    requests: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def props(self, name: str) -> dict[str, Any]:
        """The registered inputs of one resource, without the pickled provider."""
        return {key: value for key, value in self.inputs[name].items() if key != "__provider"}


_loop: asyncio.AbstractEventLoop | None = None


def _use_event_loop() -> None:
    """Pulumi's mocks run on the current event loop; a test before this one that used
    asyncio.run() leaves none current, so programs run on one loop of this module's."""
    global _loop
    if _loop is None or _loop.is_closed():
        _loop = asyncio.new_event_loop()
    asyncio.set_event_loop(_loop)


def run_program(
    program: Callable[[], None],
    *,
    stack: str = "test",
    project: str = "proj",
    mocks_: RecordingMocks | None = None,
    config: Mapping[str, str] | None = None,
    secret_config: Mapping[str, str] | None = None,
) -> Run:
    """Run ``program`` under mocks (``config`` keys without the project namespace)."""
    _use_event_loop()
    recorded = mocks_ or RecordingMocks()
    monitor = _Monitor(recorded)
    logger = logging.getLogger(f"pulumi-mocks-{uuid.uuid4().hex}")
    logger.propagate = False
    warnings = _Warnings()
    logger.addHandler(warnings)
    pulumi.runtime.set_mocks(
        recorded, project=project, stack=stack, preview=False, monitor=monitor, logger=logger
    )
    values = {**(config or {}), **(secret_config or {})}
    pulumi.runtime.set_all_config(
        {f"{project}:{key}": value for key, value in values.items()},
        [f"{project}:{key}" for key in secret_config or {}],
    )
    try:
        pulumi.runtime.test(program)()
    finally:
        pulumi.runtime.set_all_config({})
    return Run(recorded.inputs, recorded.types, monitor.requests, warnings.messages)


def secret(value: Any) -> Any:
    """The value inside a secret; fails when ``value`` is not a Pulumi secret."""
    assert rpc.is_rpc_secret(value), f"not a secret: {value!r}"
    return value["value"]


def readable(value: Any) -> Any:
    """``value`` itself; fails when it or anything inside it is a Pulumi secret."""
    assert not rpc.is_rpc_secret(value), f"hidden as a secret: {value!r}"
    if isinstance(value, Mapping):
        for item in value.values():
            readable(item)
    if isinstance(value, list):
        for item in value:
            readable(item)
    return value


@pytest.fixture(autouse=True)
def _fresh_model_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shared-model warning remembers models per process; each test starts empty."""
    monkeypatch.setattr(_program, "_deployed_models", {})


def _openai(name: str = "emb", **overrides: Any) -> Callable[[], None]:
    def program() -> None:
        kwargs: dict[str, Any] = {
            "inference_id": "openai-embeddings",
            "task_type": "text_embedding",
            "service": "openai",
            "service_settings": {"model_id": "text-embedding-3-small", "api_key": "sk-plain"},
        }
        kwargs.update(
            {key: value() if callable(value) else value for key, value in overrides.items()}
        )
        inference.InferenceEndpoint(name, **kwargs)

    return program


# -- secrets move into `secrets` ----------------------------------------------------------

_KEYS: dict[str, Callable[[], Any]] = {
    "plain string": lambda: "sk-123",
    "Output.secret": lambda: pulumi.Output.secret("sk-123"),
    "plain Output": lambda: pulumi.Output.from_input("sk-123"),
}


@pytest.mark.parametrize("kind", list(_KEYS))
def test_api_key_moves_into_the_secret_secrets_property(kind: str) -> None:
    """REQ-SECRET-1: a plain or Output key is secret; model_id stays readable."""
    run = run_program(
        _openai(
            service_settings=lambda: {
                "model_id": "text-embedding-3-small",
                "dimensions": 512,
                "api_key": _KEYS[kind](),
            },
            task_settings={"user": "search-team"},
        )
    )
    props = run.props("emb")
    assert run.types["emb"] == ENDPOINT_TYPE
    assert readable(props["service_settings"]) == {
        "model_id": "text-embedding-3-small",
        "dimensions": 512,
    }
    assert readable(props["task_settings"]) == {"user": "search-team"}
    assert secret(props["secrets"]) == {"service_settings": {"api_key": "sk-123"}}
    for name in ("inference_id", "task_type", "service"):
        readable(props[name])
    assert "sk-123" not in repr({k: v for k, v in props.items() if k != "secrets"})


def test_every_secret_key_moves_wherever_it_sits_and_the_rest_stays_readable() -> None:
    """REQ-SECRET-1: nested secret keys and client_secret too."""

    def program() -> None:
        inference.InferenceEndpoint(
            "custom",
            inference_id="custom-rerank",
            task_type="rerank",
            service="custom",
            service_settings={
                "url": "https://rerank.example.com/v1",
                "headers": {"Authorization": "Bearer ${api_key}"},
                "request": '{"query": ${query}, "documents": ${input}}',
                "response": {"json_parser": {"relevance_score": "$.results[*].score"}},
                "secret_parameters": {"api_key": pulumi.Output.secret("sk-custom")},
            },
        )
        inference.InferenceEndpoint(
            "azure",
            inference_id="azure-oauth",
            task_type="text_embedding",
            service="azureopenai",
            service_settings={
                "resource_name": "res",
                "deployment_id": "dep",
                "api_version": "2024-02-01",
                "client_id": "app-id",
                "client_secret": "oauth-secret",
                "tenant_id": "tenant",
                "scopes": ["https://cognitiveservices.azure.com/.default"],
            },
        )

    run = run_program(program)
    custom = run.props("custom")
    assert secret(custom["secrets"]) == {
        "service_settings": {"secret_parameters": {"api_key": "sk-custom"}}
    }
    public = readable(custom["service_settings"])
    assert "secret_parameters" not in public
    assert public["headers"] == {"Authorization": "Bearer ${api_key}"}
    assert public["url"] == "https://rerank.example.com/v1"

    azure = run.props("azure")
    assert secret(azure["secrets"]) == {"service_settings": {"client_secret": "oauth-secret"}}
    assert readable(azure["service_settings"]) == {
        "resource_name": "res",
        "deployment_id": "dep",
        "api_version": "2024-02-01",
        "client_id": "app-id",
        "tenant_id": "tenant",
        "scopes": ["https://cognitiveservices.azure.com/.default"],
    }


def test_an_endpoint_without_secrets_registers_no_secrets() -> None:
    def program() -> None:
        inference.InferenceEndpoint(
            "e5",
            inference_id="e5",
            task_type="text_embedding",
            service="elasticsearch",
            service_settings={
                "model_id": f".e5-{uuid.uuid4().hex}",
                "num_threads": 1,
                "num_allocations": 2,
            },
        )

    props = run_program(program).props("e5")
    assert props.get("secrets") is None
    assert readable(props["service_settings"])["num_allocations"] == 2


def test_secrets_is_declared_an_additional_secret_output_next_to_the_users_own() -> None:
    def program() -> None:
        inference.InferenceEndpoint(
            "plain",
            inference_id="plain",
            task_type="text_embedding",
            service="openai",
            service_settings={"model_id": "m", "api_key": "k"},
        )
        inference.InferenceEndpoint(
            "mine",
            inference_id="mine",
            task_type="text_embedding",
            service="openai",
            service_settings={"model_id": "m", "api_key": "k"},
            opts=pulumi.ResourceOptions(additional_secret_outputs=["effective_service_settings"]),
        )

    run = run_program(program)
    assert list(run.requests["plain"].additionalSecretOutputs) == ["secrets"]
    assert set(run.requests["mine"].additionalSecretOutputs) == {
        "secrets",
        "effective_service_settings",
    }


# -- whole sections given as Outputs ------------------------------------------------------


def test_service_settings_given_as_one_output_is_split_too() -> None:
    """REQ-SECRET-1: a whole section given as an Output is split as well."""

    def program() -> None:
        settings = pulumi.Output.from_input("text-embedding-3-small").apply(
            lambda model: {"model_id": model, "api_key": "sk-from-output"}
        )
        inference.InferenceEndpoint(
            "emb",
            inference_id="emb",
            task_type="text_embedding",
            service="openai",
            service_settings=settings,
        )

    props = run_program(program).props("emb")
    assert readable(props["service_settings"]) == {"model_id": "text-embedding-3-small"}
    assert secret(props["secrets"]) == {"service_settings": {"api_key": "sk-from-output"}}


def test_a_secret_output_of_service_settings_keeps_its_key_only_in_secrets() -> None:
    """REQ-SECRET-1: the key lives only in secrets."""

    def program() -> None:
        inference.InferenceEndpoint(
            "emb",
            inference_id="emb",
            task_type="text_embedding",
            service="openai",
            service_settings=pulumi.Output.secret({"model_id": "m", "api_key": "sk-secret-whole"}),
        )

    props = run_program(program).props("emb")
    public = props["service_settings"]
    public = public["value"] if rpc.is_rpc_secret(public) else public  # the user asked for it
    assert public == {"model_id": "m"}
    assert secret(props["secrets"]) == {"service_settings": {"api_key": "sk-secret-whole"}}


def test_an_output_resolving_to_a_typed_settings_object_is_split() -> None:
    def program() -> None:
        settings = pulumi.Output.from_input("rerank-v3.5").apply(
            lambda model: CohereServiceSettings(model_id=model, api_key="co-typed")
        )
        inference.InferenceEndpoint(
            "rerank",
            inference_id="rerank",
            task_type="rerank",
            service="cohere",
            service_settings=settings,
        )

    props = run_program(program).props("rerank")
    assert readable(props["service_settings"]) == {"model_id": "rerank-v3.5"}
    assert secret(props["secrets"]) == {"service_settings": {"api_key": "co-typed"}}


# -- typed settings classes ---------------------------------------------------------------


def test_typed_settings_classes_register_the_same_props_as_dicts() -> None:
    model = f".e5-{uuid.uuid4().hex}"

    def program() -> None:
        inference.InferenceEndpoint(
            "typed",
            inference_id="emb",
            task_type="text_embedding",
            service="openai",
            service_settings=OpenAIServiceSettings(
                model_id="text-embedding-3-small",
                dimensions=256,
                api_key=pulumi.Output.secret("sk-typed"),
            ),
            task_settings=OpenAITaskSettings(user="search"),
        )
        inference.InferenceEndpoint(
            "dicts",
            inference_id="emb",
            task_type="text_embedding",
            service="openai",
            service_settings={
                "model_id": "text-embedding-3-small",
                "dimensions": 256,
                "api_key": pulumi.Output.secret("sk-typed"),
            },
            task_settings={"user": "search"},
        )
        inference.InferenceEndpoint(
            "typed-rerank",
            inference_id="rr",
            task_type="rerank",
            service="cohere",
            service_settings=CohereServiceSettings(model_id="rerank-v3.5", api_key="co"),
            task_settings=CohereTaskSettings(top_n=3, return_documents=False),
        )
        inference.InferenceEndpoint(
            "dicts-rerank",
            inference_id="rr",
            task_type="rerank",
            service="cohere",
            service_settings={"model_id": "rerank-v3.5", "api_key": "co"},
            task_settings={"top_n": 3, "return_documents": False},
        )
        inference.InferenceEndpoint(
            "typed-e5",
            inference_id="e5",
            task_type="text_embedding",
            service="elasticsearch",
            service_settings=ElasticsearchServiceSettings(
                model_id=model,
                num_threads=1,
                adaptive_allocations=AdaptiveAllocations(
                    enabled=True, min_number_of_allocations=0, max_number_of_allocations=4
                ),
            ),
        )
        inference.InferenceEndpoint(
            "dicts-e5",
            inference_id="e5",
            task_type="text_embedding",
            service="elasticsearch",
            service_settings={
                "model_id": model,
                "num_threads": 1,
                "adaptive_allocations": {
                    "enabled": True,
                    "min_number_of_allocations": 0,
                    "max_number_of_allocations": 4,
                },
            },
        )

    run = run_program(program)
    assert run.props("typed") == run.props("dicts")
    assert run.props("typed-rerank") == run.props("dicts-rerank")
    assert readable(run.props("typed")["service_settings"]) == {
        "model_id": "text-embedding-3-small",
        "dimensions": 256,
    }
    assert readable(run.props("typed-rerank")["task_settings"]) == {
        "top_n": 3,
        "return_documents": False,
    }
    typed_e5 = run.props("typed-e5")
    assert readable(typed_e5["service_settings"]) == {
        "model_id": model,
        "num_threads": 1,
        "adaptive_allocations": {
            "enabled": True,
            "min_number_of_allocations": 0,
            "max_number_of_allocations": 4,
        },
    }
    assert typed_e5 == run.props("dicts-e5")


# -- connection ---------------------------------------------------------------------------


def test_connection_credentials_move_into_secrets_and_the_location_stays_readable() -> None:
    """REQ-SECRET-1: the connection's credentials are secrets, its location readable."""

    def program() -> None:
        settings = {"model_id": "m", "api_key": "sk-1"}
        common: dict[str, Any] = {"task_type": "text_embedding", "service": "openai"}
        inference.InferenceEndpoint(
            "api-key",
            inference_id="a",
            service_settings=settings,
            connection=inference.Connection(url="https://es.example.com:9200", api_key="es-key"),
            **common,
        )
        inference.InferenceEndpoint(
            "basic",
            inference_id="b",
            service_settings=settings,
            connection=inference.Connection(
                url="https://es.example.com:9200",
                username="elastic",
                password=pulumi.Output.secret("es-password"),
                ca_certs="/etc/ssl/private-ca.pem",
                verify_certs=False,
                headers={"X-Opaque-Id": "deploy"},
            ),
            **common,
        )
        inference.InferenceEndpoint(
            "bearer-dict",
            inference_id="c",
            service_settings=settings,
            connection={
                "cloud_id": "dep:ZXhhbXBsZS5jb20kZXNpZCRraWJhbmFpZA==",
                "bearer_token": "jwt-token",
                "client_cert": "/etc/ssl/client.pem",
                "client_key": "/etc/ssl/client.key",
            },
            **common,
        )

    run = run_program(program)
    api_key = run.props("api-key")
    assert readable(api_key["connection"]) == {"url": "https://es.example.com:9200"}
    assert secret(api_key["secrets"]) == {
        "service_settings": {"api_key": "sk-1"},
        "connection": {"api_key": "es-key"},
    }
    basic = run.props("basic")
    assert readable(basic["connection"]) == {
        "url": "https://es.example.com:9200",
        "username": "elastic",
        "ca_certs": "/etc/ssl/private-ca.pem",
        "verify_certs": False,
    }
    assert secret(basic["secrets"])["connection"] == {
        "password": "es-password",
        "headers": {"X-Opaque-Id": "deploy"},
    }
    bearer = run.props("bearer-dict")
    assert readable(bearer["connection"]) == {
        "cloud_id": "dep:ZXhhbXBsZS5jb20kZXNpZCRraWJhbmFpZA==",
        "client_cert": "/etc/ssl/client.pem",
    }
    assert secret(bearer["secrets"])["connection"] == {
        "bearer_token": "jwt-token",
        "client_key": "/etc/ssl/client.key",
    }


def test_no_connection_registers_none() -> None:
    props = run_program(_openai()).props("emb")
    assert props.get("connection") is None
    assert secret(props["secrets"]) == {"service_settings": {"api_key": "sk-plain"}}
    assert "force_delete" not in props and "wait_for_deployment" not in props  # defaults


def _flags_read_back(**flags: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """What a program registers with ``flags``, and what the resource's attributes read."""
    read: dict[str, Any] = {}

    def program() -> None:
        endpoint = inference.InferenceEndpoint(
            "emb",
            inference_id="openai-embeddings",
            task_type="text_embedding",
            service="openai",
            service_settings={"model_id": "text-embedding-3-small", "api_key": "sk-plain"},
            **flags,
        )
        for name in ("force_delete", "wait_for_deployment", "adopt_existing", "deployment_timeout"):
            getattr(endpoint, name).apply(lambda value, name=name: read.__setitem__(name, value))

    return run_program(program).props("emb"), read


def test_an_input_at_its_default_is_not_stored_yet_reads_as_its_default() -> None:
    """REQ-STATE-1: state does not store an input that holds its default; the resource's
    attribute still reads it, as before the change."""
    props, read = _flags_read_back(force_delete=False, wait_for_deployment=True)
    assert not {"force_delete", "wait_for_deployment", "adopt_existing"} & set(props)
    assert read == {
        "force_delete": False,
        "wait_for_deployment": True,
        "adopt_existing": False,
        "deployment_timeout": None,  # no default in the signature: absent reads as absent
    }


def test_an_input_away_from_its_default_is_stored_as_given() -> None:
    props, read = _flags_read_back(
        force_delete=True, wait_for_deployment=False, adopt_existing=True
    )
    assert (props["force_delete"], props["wait_for_deployment"], props["adopt_existing"]) == (
        True,
        False,
        True,
    )
    assert read["force_delete"] is True and read["wait_for_deployment"] is False


def test_the_pickled_provider_is_stored_plain_and_registered_under_the_dynamic_type() -> None:
    """REQ-STATE-1: the ``__provider`` pickle names a stateless class: plain, not a secret
    (260 bytes of ciphertext twice per resource otherwise), the same bytes as Pulumi's own
    serializer gives, under the type every existing stack's state records."""
    from pulumi.dynamic.dynamic import serialize_provider

    from pulumi_inference.provider import InferenceEndpointProvider

    mocks_ = RecordingMocks()
    run_program(_openai(), mocks_=mocks_)
    assert mocks_.inputs["emb"]["__provider"] == serialize_provider(InferenceEndpointProvider())
    assert mocks_.types["emb"] == "pulumi-python:dynamic/elasticsearch:InferenceEndpoint"


# -- the shared-model warning -------------------------------------------------------------


def _deployment(name: str, inference_id: str, **settings: Any) -> None:
    inference.InferenceEndpoint(
        name,
        inference_id=inference_id,
        task_type="text_embedding",
        service="elasticsearch",
        service_settings={"num_threads": 1, **settings},
    )


def test_two_endpoints_deploying_one_model_warn_once_with_the_fix() -> None:
    model = f".e5-{uuid.uuid4().hex}"

    def program() -> None:
        _deployment("first", "e5-a", model_id=model)
        _deployment("second", "e5-b", model_id=model)

    warnings = run_program(program).warnings
    assert len(warnings) == 1, warnings
    assert "'second' and 'first' both deploy model" in warnings[0]
    assert model in warnings[0]
    assert "deployment_id" in warnings[0]


def test_elser_without_a_model_id_counts_as_its_default_model() -> None:
    def program() -> None:
        for name in ("sparse-a", "sparse-b"):
            inference.InferenceEndpoint(
                name,
                inference_id=name,
                task_type="sparse_embedding",
                service="elser",
                service_settings={"num_threads": 1, "num_allocations": 1},
            )

    warnings = run_program(program).warnings
    assert len(warnings) == 1, warnings
    assert ".elser_model_2" in warnings[0]


@pytest.mark.parametrize(
    "second",
    [
        pytest.param({"deployment_id": "e5-a"}, id="attached to the first deployment"),
        pytest.param({"model_id": "other"}, id="another model"),
    ],
)
def test_no_warning_when_no_second_deployment_of_the_model_starts(second: dict[str, Any]) -> None:
    model = f".e5-{uuid.uuid4().hex}"
    second = {key: (f"{model}-2" if value == "other" else value) for key, value in second.items()}

    def program() -> None:
        _deployment("first", "e5-a", model_id=model)
        _deployment("second", "e5-b", **second)

    assert run_program(program).warnings == []


def test_no_warning_for_third_party_services_sharing_a_model_name() -> None:
    def program() -> None:
        _openai("one")()
        _openai("two", inference_id="other")()

    assert run_program(program).warnings == []


def test_typed_elasticsearch_settings_warn_as_well() -> None:
    model = f".e5-{uuid.uuid4().hex}"

    def program() -> None:
        for name in ("typed-a", "typed-b"):
            inference.InferenceEndpoint(
                name,
                inference_id=name,
                task_type="text_embedding",
                service="elasticsearch",
                service_settings=ElasticsearchServiceSettings(model_id=model, num_threads=1),
            )

    warnings = run_program(program).warnings
    assert len(warnings) == 1
    assert model in warnings[0]


def test_the_shared_model_warning_is_per_program_run() -> None:
    model = f".e5-{uuid.uuid4().hex}"
    assert (
        run_program(lambda: _deployment("dev-e5", "dev-e5", model_id=model), stack="dev").warnings
        == []
    )
    # Another stack's program, run later in the same process, deploys the model once too.
    assert (
        run_program(
            lambda: _deployment("prod-e5", "prod-e5", model_id=model), stack="prod"
        ).warnings
        == []
    )
