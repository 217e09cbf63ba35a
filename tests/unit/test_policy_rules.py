"""The policy pack's rules as plain functions: both front doors' property shapes, values not
known yet, configuration, and messages that name the endpoint, rule, value and fix but never a
secret. The engine runs them for real in tests/engine/test_engine_policy.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pulumi_inference.policy import (
    RESOURCE_TYPES,
    RULES_BY_ID,
    UNKNOWN,
    Context,
    endpoint_of,
    write_pack,
)

SECRET = "sk-UNIT-SECRET-VALUE"
DYNAMIC_PROPS = {
    "inference_id": "emb",
    "task_type": "Text-Embedding",
    "service": "elasticsearch",
    "service_settings": {"model_id": ".multilingual-e5-small", "num_allocations": 9.0},
    "secrets": {"service_settings": {"api_key": SECRET}},
    "force_delete": True,
    "adopt_existing": False,
}
NATIVE_PROPS = {
    "inferenceId": "emb",
    "taskType": "text_embedding",
    "service": "elasticsearch",
    "serviceSettings": {
        "model_id": ".multilingual-e5-small",
        "num_allocations": 9.0,
        "api_key": SECRET,
    },
    "forceDelete": True,
}


def messages(
    rule_id: str, props: Any, config: dict[str, Any] | None = None, **kw: Any
) -> list[str]:
    rule = RULES_BY_ID[rule_id]
    endpoint = endpoint_of("res", "urn:x", props, protect=kw.get("protect", False))
    assert rule.check is not None
    return list(rule.check(endpoint, rule.config(config), Context(kw.get("stack", "dev"))))


@pytest.mark.parametrize("props", [DYNAMIC_PROPS, NATIVE_PROPS], ids=["dynamic", "native"])
def test_both_shapes_read_the_same_and_no_message_holds_a_secret(props: dict[str, Any]) -> None:
    endpoint = endpoint_of("res", "urn:x", props, protect=False)
    assert (endpoint.inference_id, endpoint.task_type, endpoint.model) == (
        "emb",
        "text_embedding",
        ".multilingual-e5-small",
    )
    assert endpoint.num_allocations == 9 and endpoint.force_delete is True
    said = messages("inference-max-allocations-per-endpoint", props)
    said += messages("inference-no-force-delete", props)
    said += messages("inference-allowed-models", props, {"allowed": ["text-*"]})
    said += messages("inference-protected-in-stacks", props, stack="prod")
    assert len(said) == 4
    assert all("inference endpoint 'emb' (resource 'res')" in m and "Fix:" in m for m in said)
    assert not [m for m in said if SECRET in m]


def test_allowed_lists_take_patterns_and_say_what_is_allowed() -> None:
    assert (
        messages("inference-allowed-models", DYNAMIC_PROPS, {"allowed": [".multilingual-*"]}) == []
    )
    (said,) = messages("inference-allowed-services", DYNAMIC_PROPS, {"allowed": ["openai"]})
    assert "service 'elasticsearch' is not allowed (allowed: openai)" in said
    assert messages("inference-allowed-services", DYNAMIC_PROPS) == []  # not configured


def test_adaptive_maximum_counts_and_unknown_values_are_skipped() -> None:
    adaptive = {
        **DYNAMIC_PROPS,
        "service_settings": {
            "model_id": ".elser_model_2",
            "adaptive_allocations": {"enabled": True, "max_number_of_allocations": 12.0},
        },
    }
    (said,) = messages("inference-max-allocations-per-endpoint", adaptive, {"max": 10})
    assert "adaptive_allocations.max_number_of_allocations is 12" in said
    unknown = {**DYNAMIC_PROPS, "service_settings": UNKNOWN, "force_delete": UNKNOWN}
    assert messages("inference-max-allocations-per-endpoint", unknown) == []
    assert messages("inference-no-force-delete", unknown) == []


@pytest.mark.parametrize(
    "adaptive",
    [
        {"enabled": True},
        {"enabled": True, "max_number_of_allocations": -1.0},
        {"enabled": True, "min_number_of_allocations": 1.0},
    ],
    ids=["no-maximum", "maximum-minus-one", "minimum-only"],
)
def test_adaptive_allocations_without_a_maximum_are_refused_not_waved_through(
    adaptive: dict[str, Any],
) -> None:
    """An endpoint that may scale without bound breaks both caps, however small it starts."""
    props = {
        **DYNAMIC_PROPS,
        "service_settings": {"model_id": ".elser_model_2", "adaptive_allocations": adaptive},
    }
    (said,) = messages("inference-max-allocations-per-endpoint", props, {"max": 4})
    assert "no max_number_of_allocations" in said and "Fix: set" in said
    rule = RULES_BY_ID["inference-max-allocations-per-stack"]
    assert rule.check_stack is not None
    endpoints = [endpoint_of(n, "u", props, protect=True) for n in ("a", "b")]
    (total,) = rule.check_stack(endpoints, rule.config({"max": 40}), Context("prod"))
    assert "'a', 'b' use adaptive allocations without max_number_of_allocations" in total


def test_an_adaptive_minimum_above_the_cap_is_refused() -> None:
    props = {
        **DYNAMIC_PROPS,
        "service_settings": {
            "model_id": ".elser_model_2",
            "adaptive_allocations": {
                "enabled": True,
                "min_number_of_allocations": 6.0,
                "max_number_of_allocations": 8.0,
            },
        },
    }
    said = messages("inference-max-allocations-per-endpoint", props, {"max": 5})
    assert any("min_number_of_allocations is 6" in line for line in said)
    assert any("max_number_of_allocations is 8" in line for line in said)


def test_stack_total_and_protection_follow_configuration() -> None:
    rule = RULES_BY_ID["inference-max-allocations-per-stack"]
    assert rule.check_stack is not None
    endpoints = [endpoint_of(n, "u", DYNAMIC_PROPS, protect=True) for n in ("a", "b", "c", "d")]
    (said,) = rule.check_stack(endpoints, rule.config(None), Context("prod"))
    assert "up to 36 ML allocations" in said and "more than the 32" in said
    assert list(rule.check_stack(endpoints, rule.config({"max": 40}), Context("prod"))) == []
    assert messages("inference-protected-in-stacks", DYNAMIC_PROPS, stack="staging") == []
    custom = {"stacks": ["stag*"]}
    assert messages("inference-protected-in-stacks", DYNAMIC_PROPS, custom, stack="staging")
    assert (
        messages("inference-protected-in-stacks", DYNAMIC_PROPS, stack="prod", protect=True) == []
    )


def test_policy_new_writes_a_pack_and_never_overwrites(tmp_path: Path) -> None:
    written = write_pack(tmp_path / "pack")
    assert sorted(p.name for p in written) == [
        "PulumiPolicy.yaml",
        "__main__.py",
        "requirements.txt",
    ]
    assert "virtualenv: venv" in (tmp_path / "pack" / "PulumiPolicy.yaml").read_text()
    assert (
        'serve_policy_pack("elasticsearch-inference")'
        in (tmp_path / "pack" / "__main__.py").read_text()
    )
    with pytest.raises(FileExistsError, match="--force"):
        write_pack(tmp_path / "pack")
    with pytest.raises(ValueError, match="--name"):
        write_pack(tmp_path / "other", "bad name")


def test_importing_the_library_does_not_import_pulumi_policy() -> None:
    code = (
        "import sys, pulumi_inference, pulumi_inference.policy, pulumi_inference.review, "
        "pulumi_inference.cli; assert 'pulumi_policy' not in sys.modules, 'imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_types_are_the_two_front_doors() -> None:
    from pulumi_inference.native._schema import schema

    assert RESOURCE_TYPES == (
        "pulumi-python:dynamic/elasticsearch:InferenceEndpoint",
        "elasticsearch-inference:index:InferenceEndpoint",
    )
    assert RESOURCE_TYPES[1] in schema()["resources"]


def test_region_policy_required_only_in_the_named_stacks() -> None:
    from pulumi_inference.policy._region import region_policy_of

    rule = RULES_BY_ID["region-policy-required"]
    assert rule.check_regions is not None
    declared = [region_policy_of("residency", "urn:x", {"allowedGeos": ["eu"]})]
    assert declared[0].allowed_geos == ["eu"]
    config = rule.config({"stacks": ["prod*"]})
    (message,) = rule.check_regions([], config, Context("prod-eu"))
    assert "stack 'prod-eu' declares no InferenceRegionPolicy" in message
    assert "Fix:" in message
    assert list(rule.check_regions(declared, config, Context("prod-eu"))) == []
    assert list(rule.check_regions([], config, Context("dev"))) == []
    assert list(rule.check_regions([], rule.config(None), Context("prod"))) == []  # off by default
