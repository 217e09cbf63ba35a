"""Both Python classes of ``InferenceRegionPolicy``, from ``properties.REGION_POLICY_PROPERTIES``.

``scripts/generate-resources`` writes them beside the endpoint's classes, in the same style:
the generated part is the typed face (signature, output annotations, docs); what a class does
with its arguments is hand-written (``dynamic/_region_declare.py``, ``native/_region_declare.py``).
"""

from __future__ import annotations

import textwrap

from pulumi_inference.properties import (
    NATIVE_PACKAGE,
    NATIVE_REGION_POLICY_TYPE,
    REGION_POLICY_PROPERTIES,
    Door,
    ResourceProperty,
)

from .resources_codegen import _docstring, _param, _parameter, class_module

_SUMMARY = (
    "Where Elastic Inference Service may run inference (``PUT /_inference/_region_policy``, "
    "Elasticsearch 9.5+ and Serverless). One per cluster."
)
_NATIVE_NOTE = (
    f"Served by the ``{NATIVE_PACKAGE}`` plugin; the cluster is the provider's. "
    f"``pulumi import {NATIVE_REGION_POLICY_TYPE} <name> region_policy`` adopts one."
)


def arguments(door: Door) -> tuple[ResourceProperty, ...]:
    """The keyword arguments of ``door``'s class, in the table's order."""
    return tuple(
        p
        for p in REGION_POLICY_PROPERTIES
        if door in p.doors and p.role != "output" and p.sensitive != "whole"
    )


def _output_type(prop: ResourceProperty, door: Door) -> str:
    """The dynamic door registers every argument (a boolean its default); the native one
    leaves an input not given absent, so it reads ``None``."""
    value_type = prop.value_type
    optional = prop.required or prop.role == "output" or value_type.endswith("| None")
    if door == "native" and not optional:
        value_type += " | None"
    return f"pulumi.Output[{value_type}]"


def _class_doc(door: Door) -> list[str]:
    quote = '"' * 3
    text = _SUMMARY if door == "dynamic" else f"{_SUMMARY} {_NATIVE_NOTE}"
    summary = textwrap.wrap(text, 93, break_on_hyphens=False)
    lines = [f"    {quote}{summary[0]}", *(f"    {line}" for line in summary[1:]), ""]
    for prop in arguments(door):
        lines += _param(prop)
    return [*lines, f"    {quote}", ""]


def _outputs(door: Door) -> list[str]:
    lines = []
    for prop in REGION_POLICY_PROPERTIES:
        if door not in prop.doors or prop.sensitive == "whole":
            continue
        lines.append(f"    {prop.name}: {_output_type(prop, door)}")
        if prop.role == "output":
            lines += _docstring(prop.description, "    ")
    return lines


def _init(door: Door) -> list[str]:
    return [
        "    def __init__(",
        "        self,",
        "        resource_name: str,",
        "        *,",
        *(_parameter(prop, door) for prop in arguments(door)),
        "        opts: pulumi.ResourceOptions | None = None,",
        "    ) -> None:",
        '        """Declare the cluster\'s region policy (the arguments are described on the '
        'class)."""',
        "        args: dict[str, Any] = {",
        *(f'            "{prop.name}": {prop.name},' for prop in arguments(door)),
        "        }",
        "        declare_region_policy(self, resource_name, args, opts)",
    ]


_DYNAMIC_IMPORTS = """from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi.dynamic

from ..connection import Connection
from ..properties import DYNAMIC_MODULE, REGION_POLICY_RESOURCE_NAME
from ._region_declare import declare_region_policy
"""
_NATIVE_IMPORTS = """from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from ._region_declare import CAMEL, SNAKE, declare_region_policy
"""
_NATIVE_METHODS = """
    def translate_input_property(self, prop: str) -> str:
        return CAMEL.get(prop, prop)

    def translate_output_property(self, prop: str) -> str:
        return SNAKE.get(prop, prop)
"""


def render_dynamic_region_policy() -> str:
    """Source of ``pulumi_inference/dynamic/_region_resource.py``."""
    return class_module(
        title="``InferenceRegionPolicy``: the cluster's one inference region policy (dynamic "
        "door).",
        declare="dynamic/_region_declare.py",
        imports=_DYNAMIC_IMPORTS,
        lines=[
            "class InferenceRegionPolicy(",
            "    pulumi.dynamic.Resource, module=DYNAMIC_MODULE, name=REGION_POLICY_RESOURCE_NAME",
            "):",
            *_class_doc("dynamic"),
            *_outputs("dynamic"),
            "",
            *_init("dynamic"),
        ],
    )


def render_native_region_policy() -> str:
    """Source of ``pulumi_inference/native/_region_resource.py``."""
    return class_module(
        title="``InferenceRegionPolicy`` of the native door: the plugin's resource in Python.",
        declare="native/_region_declare.py",
        imports=_NATIVE_IMPORTS,
        lines=[
            "class InferenceRegionPolicy(pulumi.CustomResource):",
            *_class_doc("native"),
            *_outputs("native"),
            "",
            *_init("native"),
        ],
        tail=_NATIVE_METHODS,
    )
