"""The desired endpoint built from props: numbers, merged secrets, durations, request bodies."""

from __future__ import annotations

import pytest

from pulumi_inference._nested import normalize_numbers
from pulumi_inference._secrets import split_secrets
from pulumi_inference.dynamic import _layout
from pulumi_inference.operations._desired import DesiredEndpoint, parse_duration

SECRET_KEYS = frozenset({"api_key", "secret_parameters"})


def test_integral_floats_become_ints_recursively_but_not_bools_or_fractions() -> None:
    """REQ-PLAN-1: the wire's 2.0 is 2; 2.5 and booleans stay."""
    wire = {
        "num_allocations": 2.0,
        "adaptive_allocations": {"min_number_of_allocations": 0.0},
        "temperature": 0.5,
        "flag": True,
        "xs": [1.0, 2.5],
    }
    assert normalize_numbers(wire) == {
        "num_allocations": 2,
        "adaptive_allocations": {"min_number_of_allocations": 0},
        "temperature": 0.5,
        "flag": True,
        "xs": [1, 2.5],
    }
    assert isinstance(normalize_numbers(wire)["num_allocations"], int)


def test_secrets_split_at_any_depth_and_merge_back() -> None:
    """REQ-SECRET-1: secret keys are found at any depth."""
    settings = {
        "model_id": "m",
        "api_key": "k",
        "secret_parameters": {"a": "b"},
        "nested": {"api_key": "n", "x": 1},
    }
    public, secret = split_secrets(settings, SECRET_KEYS)
    assert public == {"model_id": "m", "nested": {"x": 1}}
    assert secret == {"api_key": "k", "secret_parameters": {"a": "b"}, "nested": {"api_key": "n"}}
    canonical, _ = _layout.canonical(
        {
            "inference_id": "e",
            "task_type": "text_embedding",
            "service": "openai",
            "service_settings": public,
            "secrets": {"service_settings": secret},
        }
    )
    assert DesiredEndpoint.from_props(canonical).service_settings == settings


def test_request_body_has_integers_and_omits_empty_sections() -> None:
    spec = DesiredEndpoint.from_props(
        {
            "inference_id": "e5",
            "task_type": "text_embedding",
            "service": "elasticsearch",
            "service_settings": {
                "model_id": ".multilingual-e5-small",
                "num_allocations": 2.0,
                "num_threads": 1.0,
            },
        }
    )
    body = spec.request_body()
    assert body == {
        "service": "elasticsearch",
        "service_settings": {
            "model_id": ".multilingual-e5-small",
            "num_allocations": 2,
            "num_threads": 1,
        },
    }
    assert type(body["service_settings"]["num_allocations"]) is int


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (90, 90.0),
        (90.0, 90.0),
        ("90", 90.0),
        ("20m", 1200.0),
        ("1h30m", 5400.0),
        ("45s", 45.0),
        ("1m30s", 90.0),
    ],
)
def test_durations(value: object, seconds: float) -> None:
    """REQ-CHECK-3: seconds or a duration such as '20m' or '1h30m'."""
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["soon", "", -5, 0, True, "20x"])
def test_bad_durations_are_refused(value: object) -> None:
    """REQ-CHECK-3: anything else is refused."""
    with pytest.raises(ValueError, match=r"duration|positive|seconds"):
        parse_duration(value)


def test_secret_values_cover_settings_and_connection() -> None:
    """REQ-CREATE-4: the connection's credentials are redacted, not the endpoint's."""
    canonical, _ = _layout.canonical(
        {
            "inference_id": "e",
            "task_type": "completion",
            "service": "openai",
            "service_settings": {"model_id": "gpt"},
            "connection": {"url": "http://x"},
            "secrets": {
                "service_settings": {"api_key": "sk-123"},
                "connection": {"password": "pw-456", "api_key": "ek-789"},
            },
        }
    )
    spec = DesiredEndpoint.from_props(canonical)
    assert set(spec.secret_values()) >= {"sk-123", "pw-456", "ek-789"}
    assert "gpt" not in spec.secret_values()
    # the endpoint's own secrets never include the cluster's credentials (REQ-CREATE-4)
    assert spec.endpoint_secrets() == ["sk-123"]


def test_a_deployment_is_waited_for_thirty_minutes_by_default() -> None:
    """REQ-DEPLOY-1: wait_for_deployment is on, deployment_timeout 30 minutes, unless declared."""
    props = {
        "inference_id": "e5",
        "task_type": "text_embedding",
        "service": "elasticsearch",
        "service_settings": {"model_id": ".multilingual-e5-small", "num_allocations": 1},
    }
    spec = DesiredEndpoint.from_props(props)
    assert spec.wait_for_deployment is True
    assert spec.deployment_timeout == 30 * 60
    declared = DesiredEndpoint.from_props({**props, "deployment_timeout": "20m"})
    assert declared.deployment_timeout == 20 * 60
