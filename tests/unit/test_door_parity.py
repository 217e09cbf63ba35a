"""The two Python classes at parity (under ``pulumi.runtime.set_mocks``): what an input not
given reads as, and ``get()`` with state, in both doors."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

import pulumi_inference as inference
import pulumi_inference.native as native
from pulumi_inference.properties import of_kind
from tests.unit.test_resource_mocks import Run, run_program

CLASSES = {"dynamic": inference.InferenceEndpoint, "native": native.InferenceEndpoint}
READ = ("force_delete", "wait_for_deployment", "allow_unknown_service", "adopt_existing")
OPENAI: dict[str, Any] = {
    "inference_id": "openai-embeddings",
    "task_type": "text_embedding",
    "service": "openai",
    "service_settings": {"model_id": "text-embedding-3-small", "api_key": "sk-plain"},
}


def _read_back(make: Callable[[], Any]) -> dict[str, Any]:
    return _run(make)[0]


def _run(make: Callable[[], Any]) -> tuple[dict[str, Any], Run]:
    """What the made resource's attributes read, and what the program registered."""
    read: dict[str, Any] = {}

    def program() -> None:
        endpoint = make()
        for name in (*READ, "deployment_timeout"):
            getattr(endpoint, name).apply(lambda value, name=name: read.__setitem__(name, value))

    return read, run_program(program)


@pytest.mark.parametrize("door", CLASSES)
def test_an_input_not_given_reads_the_same_in_both_doors(door: str) -> None:
    """REQ-READ-7: a boolean not given reads its default, anything else None, in both."""
    read = _read_back(lambda: CLASSES[door]("emb", **OPENAI))
    assert read == {
        "force_delete": False,
        "wait_for_deployment": True,
        "allow_unknown_service": False,
        "adopt_existing": False,
        "deployment_timeout": None,
    }


@pytest.mark.parametrize("door", CLASSES)
def test_an_input_given_reads_as_given_in_both_doors(door: str) -> None:
    flags = {"force_delete": True, "wait_for_deployment": False, "deployment_timeout": "20m"}
    read = _read_back(lambda: CLASSES[door]("emb", **OPENAI, **flags))
    assert {name: read[name] for name in flags} == flags


def test_the_native_class_sends_no_input_without_a_value() -> None:
    """Leaving an input out is what the wire did with ``None`` already: state is the same."""
    run = run_program(lambda: native.InferenceEndpoint("emb", **OPENAI))
    assert not set(of_kind("boolean")) & set(run.props("emb"))


def test_both_get_methods_take_the_same_state_but_the_dynamic_connection() -> None:
    def parameters(cls: type) -> list[tuple[str, Any, Any]]:
        found = inspect.signature(cls.get).parameters.values()  # type: ignore[attr-defined]
        return [(p.name, p.annotation, p.default) for p in found]

    dynamic, native_ = parameters(CLASSES["dynamic"]), parameters(CLASSES["native"])
    assert [p for p in dynamic if p[0] != "connection"] == native_
    assert native_[:3] == [
        ("resource_name", "str", inspect.Parameter.empty),
        ("id", "pulumi.Input[str]", inspect.Parameter.empty),
        ("opts", "pulumi.ResourceOptions | None", None),
    ]
    assert all(default is None for _, _, default in native_[3:])


@pytest.mark.parametrize("door", CLASSES)
def test_get_registers_a_read_of_the_id_with_the_state_given(door: str) -> None:
    read, run = _run(lambda: CLASSES[door].get("found", "emb", task_type="text_embedding"))
    assert "found" not in run.requests  # a read (ReadResource), not a registration
    registered = run.props("found")
    assert registered["task_type" if door == "dynamic" else "taskType"] == "text_embedding"
    assert not set(of_kind("boolean")) & set(registered)
    assert {name: read[name] for name in READ} == {
        "force_delete": False,
        "wait_for_deployment": True,
        "allow_unknown_service": False,
        "adopt_existing": False,
    }
