"""The generated TypeScript and Go SDKs, each through an inline Automation API program of its
own language (tests/support/sdk_programs): the program creates an OpenAI and an E5 endpoint on
the emulator, rotates the OpenAI key (an update, diffed per key), changes the E5 model (a
replacement), and destroys both; state never holds a credential in plain text. The TypeScript
example itself runs too, loaded inside an inline program as Node's language host loads it.

Node's and Go's ``LocalWorkspace`` serve an inline program themselves, so neither needs its
language host: the engine talks to the program's own process (docs/sdks.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devtools.engine import Engine, stored_state_text
from devtools.engine_programs import (
    API_KEY,
    Cluster,
    is_secret,
    keyed_config,
    secret_value,
    unique,
)
from pulumi_inference.emulator import EmulatorConfig
from tests.support import sdk_builds
from tests.support.sdk_drivers import Driver, SdkStack, build_go, build_typescript

pytestmark = [pytest.mark.engine, pytest.mark.timeout(900)]  # a cold Go build takes minutes

E5, E5_PLATFORM = ".multilingual-e5-small", ".multilingual-e5-small_linux-x86_64"
_TOOLS = {"typescript": ("node", "npm"), "go": ("go",)}
_BUILDS = {"typescript": build_typescript, "go": build_go}


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return keyed_config(deployment_seconds=0.2)


@pytest.fixture(scope="module", params=sorted(_BUILDS))
def driver(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Driver:
    language: str = request.param
    missing = sdk_builds.missing_tools(*_TOOLS[language])
    if missing:
        pytest.skip(f"the {language} SDK needs {', '.join(missing)} on PATH, and it is not")
    return _BUILDS[language](tmp_path_factory.mktemp(f"build-{language}"))


@pytest.fixture
def sdk_stack(driver: Driver, engine: Engine, cluster: Cluster) -> Iterator[SdkStack]:
    params = {
        "prefix": unique(f"sdk-{driver.language}"),
        "clusterUrl": cluster.url,
        "clusterApiKey": API_KEY,
        "openaiKey": secret_value("openai"),
        "e5Model": E5,
    }
    stack = SdkStack(driver, engine, "dev", params)
    yield stack
    if cluster.endpoint(f"{params['prefix']}-openai") is not None:
        stack.destroy()  # a failed test leaves no endpoint behind for the next one


def _values(outputs: dict[str, Any]) -> dict[str, Any]:
    return {name: output["value"] for name, output in outputs.items()}


def _steps(preview: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [step for step in preview["steps"] if step["name"] == name]


def _sent_keys(cluster: Cluster, inference_id: str) -> list[str]:
    """The OpenAI api_key of every create or update request the cluster received."""
    return [
        body["service_settings"]["api_key"]
        for method, path, body in cluster.bodies
        if method in ("PUT", "POST")
        and inference_id in path
        and isinstance(body, dict)
        and "api_key" in (body.get("service_settings") or {})
    ]


def _stored_settings(engine: Engine, project: str, name: str) -> dict[str, Any]:
    """The ``serviceSettings`` output of endpoint ``name`` as the file backend stores it."""
    path = engine.backend / ".pulumi" / "stacks" / project / "dev.json"
    resources = json.loads(path.read_text())["checkpoint"]["latest"]["resources"]
    (endpoint,) = [r for r in resources if r["urn"].endswith(f"InferenceEndpoint::{name}")]
    settings: dict[str, Any] = endpoint["outputs"]["serviceSettings"]
    return settings


def test_a_program_creates_rotates_replaces_and_destroys(
    sdk_stack: SdkStack, cluster: Cluster, engine: Engine
) -> None:
    """REQ-PLAN-2, REQ-PLAN-3, REQ-PLAN-6, REQ-SECRET-1 from a TypeScript and a Go program."""
    prefix, first_key = sdk_stack.params["prefix"], sdk_stack.params["openaiKey"]
    openai_id, e5_id = f"{prefix}-openai", f"{prefix}-e5"

    created = sdk_stack.up()
    assert created["changes"] == {"create": 4}  # the stack, the provider, two endpoints
    live = cluster.endpoint(openai_id)
    assert live is not None
    assert _values(created["outputs"]) == {
        "openaiId": openai_id,
        "dimensions": live["service_settings"]["dimensions"],
        "similarity": live["service_settings"]["similarity"],
        "e5Model": E5,
        "clusterVersion": "9.1.0",
    }
    assert _sent_keys(cluster, openai_id) == [first_key]

    rotated_key = secret_value("openai-rotated")
    sdk_stack.params["openaiKey"] = rotated_key
    preview = sdk_stack.preview()
    assert preview["changes"] == {"update": 1}
    (rotation,) = _steps(preview, "openai")
    assert rotation["op"] == "update"
    assert rotation["detailedDiff"] == {"serviceSettings.api_key": "update"}
    assert [step["op"] for step in _steps(preview, "e5")] == ["same"]
    assert sdk_stack.up()["changes"] == {"update": 1}
    assert _sent_keys(cluster, openai_id) == [first_key, rotated_key]

    sdk_stack.params["e5Model"] = E5_PLATFORM
    preview = sdk_stack.preview()
    assert preview["changes"] == {"replace": 1}
    (replacement,) = [step for step in _steps(preview, "e5") if step["op"] == "replace"]
    assert replacement["detailedDiff"] == {"serviceSettings.model_id": "update-replace"}
    assert replacement["keys"] == ["serviceSettings"]
    replaced = sdk_stack.up()
    assert replaced["changes"] == {"replace": 1}
    assert _values(replaced["outputs"])["e5Model"] == E5_PLATFORM
    live_e5 = cluster.endpoint(e5_id)
    assert live_e5 is not None
    assert live_e5["service_settings"]["model_id"] == E5_PLATFORM

    state = stored_state_text(engine)
    for credential in (first_key, rotated_key, API_KEY):
        assert credential not in state
    stored = _stored_settings(engine, f"inference-sdk-{sdk_stack.driver.language}", "openai")
    assert is_secret(stored["api_key"])
    assert stored["model_id"] == "text-embedding-3-small"  # readable around the secret

    assert sdk_stack.destroy()["changes"] == {"delete": 4}
    assert cluster.endpoint(openai_id) is None
    assert cluster.endpoint(e5_id) is None


def test_a_program_declares_the_region_policy(sdk_stack: SdkStack, cluster: Cluster) -> None:
    """The generated InferenceRegionPolicy of each language: created, updated in place,
    deleted with the stack (on a 9.5 cluster)."""
    cluster.emulator.set_version("9.5.0")
    sdk_stack.params["regionGeos"] = ["eu"]
    created = sdk_stack.up()
    assert created["changes"] == {"create": 5}
    live = cluster.get("/_inference/_region_policy").json()
    assert live["region_policy"] == {"allowed_geos": ["eu"]}
    assert _values(created["outputs"])["regionCreatedAt"] == live["created_at"]

    sdk_stack.params["regionGeos"] = ["eu", "us"]
    assert sdk_stack.preview()["changes"] == {"update": 1}
    assert sdk_stack.up()["changes"] == {"update": 1}
    live = cluster.get("/_inference/_region_policy").json()
    assert live["region_policy"] == {"allowed_geos": ["eu", "us"]}

    assert sdk_stack.destroy()["changes"] == {"delete": 5}
    assert cluster.get("/_inference/_region_policy").status_code == 404


@pytest.mark.parametrize("driver", ["typescript"], indirect=True)
def test_the_typescript_example_runs_as_its_language_host_would_run_it(
    driver: Driver, engine: Engine, cluster: Cluster, tmp_path: Path
) -> None:
    """examples/typescript itself, loaded inside an inline program (as pulumi-language-nodejs
    loads a project's main module), on the default provider's stack config."""
    prefix, key = unique("ts-example"), secret_value("openai")
    index = sdk_builds.compile_typescript(sdk_builds.TS_EXAMPLE, tmp_path) / "index.js"
    config = {
        "idPrefix": (prefix, False),
        "openaiApiKey": (key, True),
        "elasticsearch-inference:url": (cluster.url, False),
        "elasticsearch-inference:apiKey": (API_KEY, True),
    }
    stack = SdkStack(
        driver,
        engine,
        "example",
        config={
            name: {"value": value, "secret": secret} for name, (value, secret) in config.items()
        },
        project_program=index,
    )

    created = stack.up()
    embeddings_id, elser_id = f"{prefix}-openai-embeddings", f"{prefix}-elser"
    live = cluster.endpoint(embeddings_id)
    assert live is not None
    assert _values(created["outputs"]) == {
        "embeddingsId": embeddings_id,
        "dimensions": live["service_settings"]["dimensions"],
        "similarity": live["service_settings"]["similarity"],
        "elserId": elser_id,
    }
    assert _sent_keys(cluster, embeddings_id) == [key]
    assert cluster.endpoint(elser_id) is not None
    assert key not in stored_state_text(engine)
    assert stack.preview()["changes"] == {}

    stack.destroy()
    assert cluster.endpoint(embeddings_id) is None
    assert cluster.endpoint(elser_id) is None
