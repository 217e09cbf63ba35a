"""The schema of ``elasticsearch-inference:index:InferenceRegionPolicy`` and its region type,
from the region policy's property table (``properties.REGION_POLICY_PROPERTIES``)."""

from __future__ import annotations

from typing import Any

from .._naming import camel
from ..properties import (
    NATIVE_PACKAGE,
    NATIVE_REGION_POLICY_TYPE,
    REGION_POLICY_PROPERTIES,
    ResourceProperty,
    names,
)

REGION_TYPE = f"{NATIVE_PACKAGE}:index:CloudRegion"

_REGION_REF = {"$ref": f"#/types/{REGION_TYPE}"}
_KIND_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "boolean": {"type": "boolean"},
    "strings": {"type": "array", "items": {"type": "string"}},
    "regions": {"type": "array", "items": _REGION_REF},
    "region": _REGION_REF,
}
INPUT_NAMES = names("settings", "provider", door="native", table=REGION_POLICY_PROPERTIES)
OUTPUT_NAMES = (*INPUT_NAMES, *names("output", table=REGION_POLICY_PROPERTIES))


def _property(prop: ResourceProperty) -> dict[str, Any]:
    return {**_KIND_TYPES[prop.kind], "description": prop.description}


def region_policy_resources() -> dict[str, Any]:
    by_name = {prop.name: prop for prop in REGION_POLICY_PROPERTIES}
    inputs = {camel(name): _property(by_name[name]) for name in INPUT_NAMES}
    return {
        NATIVE_REGION_POLICY_TYPE: {
            "description": "The cluster's inference region policy (PUT /_inference/"
            "_region_policy, Elasticsearch 9.5+ and Serverless): where Elastic Inference "
            "Service may run. One per cluster.",
            "inputProperties": inputs,
            "properties": {camel(name): _property(by_name[name]) for name in OUTPUT_NAMES},
            "required": [camel(name) for name in OUTPUT_NAMES if by_name[name].required],
        }
    }


def region_policy_types() -> dict[str, Any]:
    return {
        REGION_TYPE: {
            "type": "object",
            "description": "A cloud service provider's region.",
            "properties": {
                "csp": {"type": "string", "description": "aws, gcp or azure."},
                "region": {"type": "string", "description": "e.g. us-east-1."},
            },
            "required": ["csp", "region"],
        }
    }
