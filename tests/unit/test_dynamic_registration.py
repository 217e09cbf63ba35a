"""Registering the dynamic resource from its generated class leans on
``pulumi.dynamic.dynamic`` (``_reliances.REGISTRATION``): probed once per process; without it
Pulumi's own constructor registers the same props, and the program says so once."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import pulumi_inference as inference
from pulumi_inference.dynamic import _declare, _reliances
from pulumi_inference.errors import ConfigurationError
from tests.unit.test_resource_mocks import run_program

OPENAI = {
    "inference_id": "openai-embeddings",
    "task_type": "text_embedding",
    "service": "openai",
    "service_settings": {"model_id": "text-embedding-3-small", "api_key": "sk-plain"},
}


@pytest.fixture(autouse=True)
def _unprobed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_reliances, "_lost", set())
    monkeypatch.delenv(_reliances.STRICT_ENV, raising=False)
    _declare._registration.cache_clear()


def _two_endpoints() -> None:
    inference.InferenceEndpoint("a", **OPENAI)
    inference.InferenceEndpoint("b", **{**OPENAI, "inference_id": "other"})


def test_with_this_pulumi_the_class_registers_itself_and_says_nothing() -> None:
    run = run_program(_two_endpoints)
    assert _declare._registration() is not None
    assert not [w for w in run.warnings if _reliances.NO_LONGER_WORKS in w]
    assert run.inputs["a"]["__provider"]


def test_a_pulumi_that_moved_it_registers_the_same_props_and_warns_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    usual = run_program(_two_endpoints)
    moved = SimpleNamespace(PROVIDER_KEY="__provider")  # serialize_provider gone
    monkeypatch.setattr(_declare, "_registration", lambda: _declare.registration_in(moved))
    run = run_program(_two_endpoints)
    (warning,) = [w for w in run.warnings if _reliances.NO_LONGER_WORKS in w]
    assert "registering the dynamic resource from its generated class" in warning
    assert "recorded call stack starts inside pulumi-inference" in warning
    assert run.inputs == usual.inputs  # Pulumi's own constructor stored the same
    assert run.types == usual.types


def test_under_strict_mode_the_program_fails_instead(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_reliances.STRICT_ENV, "1")
    with pytest.raises(ConfigurationError, match="registering the dynamic resource"):
        _declare.registration_in(SimpleNamespace(PROVIDER_KEY="__moved"))
