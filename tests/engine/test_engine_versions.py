"""The same program against clusters of every version (issue 23): what each refuses at preview.

One program declares five endpoints: OpenAI embeddings (8.12+), OpenAI chat completion
(8.18+), Groq chat completion (9.3+), OpenAI embeddings with OAuth 2.0 settings (9.5+) and a
service newer than this library (``allow_unknown_service``: the cluster decides).
Against emulated clusters of 8.15, 8.18, 9.1, 9.3 and 9.5, and a Serverless one (whose
``version.number`` is 8.11.0, as Serverless reports), ``pulumi preview`` through each door
fails with one line per endpoint the cluster cannot accept (what, the version it needs, the
cluster's version) and nothing else; nothing is sent to ``/_inference`` by a preview.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pulumi import automation as auto

from devtools.engine import Engine
from devtools.engine_programs import (
    CLUSTER_API_KEYS,
    Cluster,
    Door,
    openai_embeddings,
    secret_value,
    unique,
)
from pulumi_inference.emulator import Emulator, EmulatorConfig

pytestmark = [pytest.mark.engine, pytest.mark.timeout(300)]

FLAVOURS = {
    "8.15": ("8.15.5", "default"),
    "8.18": ("8.18.3", "default"),
    "9.1": ("9.1.4", "default"),
    "9.3": ("9.3.1", "default"),
    "9.5": ("9.5.0", "default"),
    "serverless": ("8.11.0", "serverless"),
}

# endpoint -> (the line preview prints when refused, first version per release line)
REFUSALS = {
    "chat": ("task type 'chat_completion' of service 'openai' needs Elasticsearch 8.18.0", "8.18"),
    "groq": ("service 'groq' needs Elasticsearch 9.3.0", "9.3"),
    "oauth": (
        "service_settings.client_id, service_settings.client_secret, service_settings.scopes, "
        "service_settings.token_url of service 'openai' need Elasticsearch 9.5.0",
        "9.5",
    ),
}


def _declarations(prefix: str) -> dict[str, dict[str, object]]:
    key = secret_value("openai")
    return {
        "embed": openai_embeddings(f"{prefix}-embed", key),
        "chat": {
            "inference_id": f"{prefix}-chat",
            "task_type": "chat_completion",
            "service": "openai",
            "service_settings": {"model_id": "gpt-4o-mini", "api_key": key},
        },
        "groq": {
            "inference_id": f"{prefix}-groq",
            "task_type": "chat_completion",
            "service": "groq",
            "service_settings": {"model_id": "llama-3.3-70b-versatile", "api_key": key},
        },
        # newer than this library: allow_unknown_service, never refused by version
        "future": {
            "inference_id": f"{prefix}-future",
            "task_type": "completion",
            "service": "some-future-service",
            "service_settings": {"model_id": "m1", "api_key": key},
            "allow_unknown_service": True,
        },
        "oauth": openai_embeddings(
            f"{prefix}-oauth",
            key,
            service_settings={
                "model_id": "text-embedding-3-small",
                "client_id": "engine-tests",
                "client_secret": secret_value("oauth"),
                "scopes": ["embeddings"],
                "token_url": "https://login.example.com/token",
            },
        ),
    }


def _refused_on(flavour: str) -> set[str]:
    if flavour == "serverless":
        return set()
    number = tuple(int(part) for part in flavour.split("."))
    return {
        name
        for name, (_, since) in REFUSALS.items()
        if number < tuple(int(part) for part in since.split("."))
    }


@pytest.fixture(params=sorted(FLAVOURS), ids=str)
def versioned(request: pytest.FixtureRequest) -> Iterator[tuple[str, Cluster]]:
    version, build_flavor = FLAVOURS[request.param]
    config = EmulatorConfig(version=version, build_flavor=build_flavor, api_keys=CLUSTER_API_KEYS)
    with Emulator(config) as emulator:
        yield request.param, Cluster(emulator)


def _preview_failure(stack: auto.Stack) -> str | None:
    """The preview's output when it fails (its stdout: the program's own stderr is the
    Python SDK's), ``None`` when it passes."""
    try:
        stack.preview(color="never")
    except auto.CommandError as failed:
        return str(failed).split(" stderr: ", 1)[0]
    return None


def test_each_cluster_refuses_at_preview_what_its_version_lacks(
    engine: Engine, door: Door, versioned: tuple[str, Cluster]
) -> None:
    """REQ-CHECK-5: the engine stops a preview at its first failing resource, so each
    endpoint of the program is previewed on its own stack (the same declarations, one at a
    time)."""
    flavour, cluster = versioned
    version = FLAVOURS[flavour][0]
    declarations = _declarations(unique("ver"))
    refused = _refused_on(flavour)
    for name, declared in declarations.items():
        stack = engine.stack(
            unique(f"v{flavour.replace('.', '')}-{name}"),
            door.program({name: declared}, cluster.connection),
        )
        failure = _preview_failure(stack)
        if name not in refused:
            assert failure is None, (name, failure)
            continue
        assert failure is not None, f"{name} previewed cleanly on {flavour}"
        line = f"{REFUSALS[name][0]} or later; the cluster ({cluster.url}) runs {version}"
        # once on the resource's line, once under Diagnostics; nothing else is said
        assert failure.count(line) == 2, failure
        assert "Traceback" not in failure and 'File "' not in failure
        assert failure.count("error:") == 4  # the resource and the engine stopping, twice each
    assert [entry for entry in cluster.emulator.requests() if "/_inference" in entry["path"]] == []
    # GET / once per cluster per provider process (the native plugin, or each dynamic one)
    gets = [entry for entry in cluster.emulator.requests() if entry["path"] == "/"]
    assert 1 <= len(gets) <= len(declarations)
