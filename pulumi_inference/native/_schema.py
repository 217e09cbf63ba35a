"""The native provider's Pulumi package schema, built from the property and connection tables."""

from __future__ import annotations

import json
from typing import Any

from .. import _published
from .._naming import camel
from .._release import __version__
from ..connection import CONFIG_FIELDS, ConnectionField
from ..properties import (
    NATIVE_PACKAGE,
    NATIVE_RESOURCE_TYPE,
    PROPERTIES,
    ResourceProperty,
    names,
)
from ._region_schema import region_policy_resources, region_policy_types

PLUGIN_EXECUTABLE = f"pulumi-resource-{NATIVE_PACKAGE}"
# Where the generated SDKs are published (docs/sdks.md).
NPM_PACKAGE = f"@pulumi-inference/{NATIVE_PACKAGE}"
GO_IMPORT_BASE = "github.com/pulumi-inference/pulumi-inference/sdk/go/elasticsearchinference"

INPUT_NAMES = names("identity", "settings", "provider", door="native")
OUTPUT_NAMES = (*INPUT_NAMES, *names("output"))

_ANY_MAP: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {"$ref": "pulumi.json#/Any"},
}
_KIND_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "boolean": {"type": "boolean"},
    "settings": _ANY_MAP,
    "duration": {"oneOf": [{"type": "string"}, {"type": "number"}]},
}


_SDK_README = (
    "Elasticsearch inference endpoints as Pulumi resources, served by the "
    f"`{NATIVE_PACKAGE}` provider plugin (`pip install pulumi-inference`, then "
    "`pulumi-inference install-plugin`). Generated from the plugin's schema; see "
    f"{_published.docs_url('docs/sdks.md')}."
)


def _resource_property(prop: ResourceProperty) -> dict[str, Any]:
    return {**_KIND_TYPES[prop.kind], "description": prop.description}


def _connection_property(field: ConnectionField) -> dict[str, Any]:
    spec: dict[str, Any]
    if field.kind == "map":
        spec = {"type": "object", "additionalProperties": {"type": "string"}}
    else:
        spec = {"type": field.kind}
    spec["description"] = field.description + (
        f" Environment: {', '.join(field.env)}." if field.env else ""
    )
    if field.secret:
        spec["secret"] = True
    return spec


def _connection_properties() -> dict[str, Any]:
    return {field.config_key: _connection_property(field) for field in CONFIG_FIELDS}


def schema() -> dict[str, Any]:
    by_name = {prop.name: prop for prop in PROPERTIES}
    inputs = {camel(name): _resource_property(by_name[name]) for name in INPUT_NAMES}
    outputs = {camel(name): _resource_property(by_name[name]) for name in OUTPUT_NAMES}
    required = [camel(name) for name in INPUT_NAMES if by_name[name].required]
    always_set = [camel(name) for name in OUTPUT_NAMES if by_name[name].required]
    connection = _connection_properties()
    return {
        "name": NATIVE_PACKAGE,
        "displayName": "Elasticsearch inference endpoints",
        "version": __version__,
        "description": "Elasticsearch inference endpoints (PUT /_inference/{task_type}/"
        "{inference_id}) with typed checks, per-key secrets, drift detection and model "
        "deployment waits.",
        "keywords": ["elasticsearch", "inference", "category/database", "kind/native"],
        "license": "Apache-2.0",
        "publisher": "pulumi-inference",
        "repository": _published.REPOSITORY,
        "meta": {"supportPack": True},
        "config": {"variables": connection},
        "provider": {
            "description": "Which Elasticsearch cluster, and how to reach it. Each group "
            "(location, credentials, TLS) falls back as a whole to the ELASTICSEARCH_* "
            "environment variables.",
            "inputProperties": connection,
            "properties": {},
        },
        "resources": {
            NATIVE_RESOURCE_TYPE: {
                "description": "An Elasticsearch inference endpoint.",
                "inputProperties": inputs,
                "requiredInputs": required,
                "properties": outputs,
                "required": always_set,
            },
            **region_policy_resources(),
        },
        "types": region_policy_types(),
        "language": {
            "nodejs": {
                "packageName": NPM_PACKAGE,
                "packageDescription": "Elasticsearch inference endpoints as Pulumi resources "
                f"(the {NATIVE_PACKAGE} provider plugin).",
                "readme": _SDK_README,
                "respectSchemaVersion": True,
            },
            "go": {
                "importBasePath": GO_IMPORT_BASE,
                "respectSchemaVersion": True,
            },
            "python": {
                "packageName": "pulumi_elasticsearch_inference",
                "respectSchemaVersion": True,
            },
        },
    }


def schema_json() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True)
