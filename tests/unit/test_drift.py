"""Refresh: the cluster's defaults are not drift; a declared value changed by hand is."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_inference import catalogue
from pulumi_inference._secrets import split_secrets
from pulumi_inference.dynamic import _layout
from pulumi_inference.operations._desired import DesiredEndpoint
from pulumi_inference.operations._drift import live_inputs, matches_declaration
from pulumi_inference.operations._plan import plan_change
from tests.support.fixtures import Example, response_pairs


def _props_from_request(request: Example) -> dict[str, Any]:
    task_type, inference_id = request.task_type_and_id
    public, secret = split_secrets(request.body.get("service_settings", {}), catalogue.SECRET_KEYS)
    props: dict[str, Any] = {
        "inference_id": inference_id,
        "task_type": task_type,
        "service": request.body["service"],
        "service_settings": public,
        "cluster_version": "9.1.0",
    }
    if secret:
        props["secrets"] = {"service_settings": secret}
    for section in ("task_settings", "chunking_settings"):
        if section in request.body:
            props[section] = request.body[section]
    return props


PAIRS = response_pairs()


def test_every_response_example_has_its_request() -> None:
    assert len(PAIRS) >= 20


@pytest.mark.parametrize(("request_", "response"), PAIRS, ids=[r.name for _, r in PAIRS])
def test_response_examples_are_not_drift(request_: Example, response: Example) -> None:
    """REQ-READ-1: every official response is the declaration it answers."""
    props = _props_from_request(request_)
    spec = _spec(props)
    refreshed = live_inputs(props, spec, response.body)
    assert refreshed == props
    assert matches_declaration(spec, response.body)
    after = {**props, **refreshed}
    assert not plan_change(spec, _spec(after)).has_changes


def _spec(props: dict[str, Any]) -> DesiredEndpoint:
    return DesiredEndpoint.from_props(_layout.canonical(props)[0])


def _openai_props() -> dict[str, Any]:
    return {
        "inference_id": "emb",
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small", "dimensions": 512},
        "secrets": {"service_settings": {"api_key": "sk"}},
        "task_settings": {"user": "alice"},
    }


LIVE = {
    "inference_id": "emb",
    "task_type": "text_embedding",
    "service": "openai",
    "service_settings": {
        "model_id": "text-embedding-3-small",
        "dimensions": 512,
        "similarity": "dot_product",
        "rate_limit": {"requests_per_minute": 3000},
    },
    "task_settings": {"user": "alice"},
    "chunking_settings": {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1},
}


def test_hand_made_change_to_a_declared_setting_is_drift() -> None:
    """REQ-READ-1: a declared model_id changed by hand shows, and replaces."""
    props = _openai_props()
    live = {
        **LIVE,
        "service_settings": {**LIVE["service_settings"], "model_id": "text-embedding-3-large"},
    }
    refreshed = live_inputs(props, _spec(props), live)
    assert refreshed["service_settings"]["model_id"] == "text-embedding-3-large"
    plan = plan_change(_spec(refreshed), _spec(props))
    assert plan.replaces == ["service_settings"]


def test_hand_made_change_to_task_settings_is_drift_fixed_in_place() -> None:
    """REQ-READ-1: a task setting changed by hand is repaired in place."""
    props = _openai_props()
    live = {**LIVE, "task_settings": {"user": "mallory"}}
    refreshed = live_inputs(props, _spec(props), live)
    assert refreshed["task_settings"] == {"user": "mallory"}
    plan = plan_change(_spec(refreshed), _spec(props))
    assert plan.replaces == [] and plan.update_body == {"task_settings": {"user": "alice"}}


def test_secrets_are_kept_from_state_because_the_cluster_never_returns_them() -> None:
    """REQ-READ-3: refresh keeps the secrets from state."""
    props = _openai_props()
    refreshed = live_inputs(props, _spec(props), LIVE)
    assert refreshed["secrets"] == {"service_settings": {"api_key": "sk"}}
    inline = {**props, "service_settings": {**props["service_settings"], "api_key": "sk"}}
    refreshed_inline = live_inputs(inline, _spec(inline), LIVE)
    assert refreshed_inline["service_settings"]["api_key"] == "sk"


def test_live_allocation_count_is_not_drift_with_adaptive_allocations() -> None:
    """REQ-READ-1: the live count under adaptive allocations is the cluster's."""
    props = {
        "inference_id": "elser",
        "task_type": "sparse_embedding",
        "service": "elasticsearch",
        "service_settings": {
            "model_id": ".elser_model_2",
            "num_threads": 1,
            "adaptive_allocations": {
                "enabled": True,
                "min_number_of_allocations": 0,
                "max_number_of_allocations": 4,
            },
        },
    }
    live = {
        "inference_id": "elser",
        "task_type": "sparse_embedding",
        "service": "elasticsearch",
        "service_settings": {**props["service_settings"], "num_allocations": 3},
        "chunking_settings": {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1},
    }
    assert live_inputs(props, _spec(props), live) == props


def test_elser_answered_as_elasticsearch_is_not_drift() -> None:
    """REQ-READ-1: the cluster's service name and default ELSER model are not drift."""
    props = {
        "inference_id": "e",
        "task_type": "sparse_embedding",
        "service": "elser",
        "service_settings": {"num_threads": 1, "num_allocations": 1},
    }
    live = {
        "inference_id": "e",
        "task_type": "sparse_embedding",
        "service": "elasticsearch",
        "service_settings": {
            "num_threads": 1,
            "num_allocations": 1,
            "model_id": ".elser_model_2_linux-x86_64",
        },
    }
    assert live_inputs(props, _spec(props), live) == props


def test_task_type_spelled_as_the_cluster_accepts_is_not_drift() -> None:
    """REQ-CHECK-1, REQ-READ-1: the canonical task type is sent; the declared spelling is kept."""
    props = {
        "inference_id": "chat",
        "task_type": "Chat-Completion",
        "service": "openai",
        "service_settings": {"model_id": "gpt-4o"},
    }
    live = {
        "inference_id": "chat",
        "task_type": "chat_completion",
        "service": "openai",
        "service_settings": {"model_id": "gpt-4o"},
    }
    spec = _spec(props)
    assert spec.task_type == "chat_completion"
    assert spec.request_body()["service"] == "openai"
    assert live_inputs(props, spec, live) == props
    assert matches_declaration(spec, live)
