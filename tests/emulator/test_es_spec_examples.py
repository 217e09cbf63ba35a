"""Every official request example, as a program would declare it: accepted offline, created
on the emulator through the provider, and refreshed without drift."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_inference import InferenceEndpointProvider, catalogue
from pulumi_inference._secrets import secret_leaves, split_secrets
from pulumi_inference.emulator import Emulator, EmulatorConfig
from tests.support.fixtures import Example, put_requests

REQUESTS = put_requests()


def declared_props(example: Example, url: str) -> dict[str, Any]:
    """Props as `InferenceEndpoint` registers them: secret values moved into `secrets`."""
    task_type, inference_id = example.task_type_and_id
    props: dict[str, Any] = {
        "inference_id": inference_id,
        "task_type": task_type,
        "service": example.body["service"],
        "connection": {"url": url},
        "deployment_timeout": 30,
    }
    secrets: dict[str, Any] = {}
    for section in ("service_settings", "task_settings"):
        if section in example.body:
            public, hidden = split_secrets(example.body[section], catalogue.SECRET_KEYS)
            props[section] = public
            if hidden:
                secrets[section] = hidden
    if "chunking_settings" in example.body:
        props["chunking_settings"] = example.body["chunking_settings"]
    if secrets:
        props["secrets"] = secrets
    return props


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    """The examples are the newest specification's: a cluster of its version takes them all
    (an older one refuses, at check, the services it lacks)."""
    return EmulatorConfig(version="9.5.0", deployment_seconds=0.05)


def test_all_examples_are_here() -> None:
    assert len(REQUESTS) >= 100


@pytest.mark.parametrize("example", REQUESTS, ids=[e.name for e in REQUESTS])
def test_example_is_accepted_created_and_refreshed_without_drift(
    example: Example, emulator: Emulator
) -> None:
    """REQ-CHECK-2, REQ-READ-1, REQ-SECRET-1: every official example passes check, keeps no secret
    outside `secrets`, and refreshes clean."""
    provider = InferenceEndpointProvider()
    props = declared_props(example, emulator.url)

    failures = provider.check({}, props).failures
    assert [(f.property, f.reason) for f in failures] == []

    # No secret value is left outside `secrets`, where the resource marks it secret.
    public = {k: v for k, v in props.items() if k != "secrets"}
    assert secret_leaves(public, catalogue.SECRET_KEYS) == []

    settings = example.body.get("service_settings", {})
    if example.body["service"] in catalogue.DEPLOYMENT_SERVICES and settings.get("deployment_id"):
        # Attaching to an existing deployment: the emulator needs that deployment first.
        model = settings.get("model_id", ".elser_model_2")
        emulator.add_deployment(model, deployment_id=settings["deployment_id"])
    result = provider.create(props)
    outs = result.outs or {}
    try:
        read = provider.read(result.id, outs)
        assert read.inputs == {k: v for k, v in props.items()}
        assert provider.diff(result.id, read.outs or {}, props).changes is False
    finally:
        provider.delete(result.id, outs)
