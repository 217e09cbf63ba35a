"""The resource classes, the typed records of a declaration and the argument table generated
from the property table (pulumi_inference/properties.py, devtools/resources_codegen.py,
devtools/records_codegen.py, scripts/generate-resources)."""

from __future__ import annotations

import dataclasses
import inspect
import pathlib
import subprocess
import sys
from typing import Any

from devtools.records_codegen import render_core_record, render_policy_record
from devtools.region_codegen import render_dynamic_region_policy, render_native_region_policy
from devtools.resources_codegen import (
    render_arguments_doc,
    render_dynamic_resource,
    render_native_resource,
)
from pulumi_inference import (
    InferenceEndpoint,
    InferenceRegionPolicy,
    native,
    operations,
    policy,
    properties,
)
from pulumi_inference._naming import camel
from pulumi_inference.native._schema import schema as native_schema

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "inference-endpoint.md"

# The signatures programs were written against (0.1.0 on): a generator change that alters one
# breaks users' programs and their type checks.
_COMMON = [
    ("inference_id", "pulumi.Input[str]", inspect.Parameter.empty),
    ("task_type", "pulumi.Input[str]", inspect.Parameter.empty),
    ("service", "pulumi.Input[str]", inspect.Parameter.empty),
    ("service_settings", "SettingsInput", inspect.Parameter.empty),
    ("task_settings", "SettingsInput | None", None),
    ("chunking_settings", "pulumi.Input[Mapping[str, pulumi.Input[Any]]] | None", None),
]
DYNAMIC_SIGNATURE = [
    ("resource_name", "str", inspect.Parameter.empty),
    *_COMMON,
    ("connection", "Connection | pulumi.Input[Mapping[str, pulumi.Input[Any]]] | None", None),
    ("force_delete", "pulumi.Input[bool]", False),
    ("wait_for_deployment", "pulumi.Input[bool]", True),
    ("deployment_timeout", "pulumi.Input[float | str] | None", None),
    ("allow_unknown_service", "pulumi.Input[bool]", False),
    ("adopt_existing", "pulumi.Input[bool]", False),
    ("adopt_secrets_digest", "pulumi.Input[str] | None", None),
    ("opts", "pulumi.ResourceOptions | None", None),
]
NATIVE_SIGNATURE = [
    ("resource_name", "str", inspect.Parameter.empty),
    *_COMMON,
    ("force_delete", "pulumi.Input[bool] | None", None),
    ("wait_for_deployment", "pulumi.Input[bool] | None", None),
    ("deployment_timeout", "pulumi.Input[float | str] | None", None),
    ("allow_unknown_service", "pulumi.Input[bool] | None", None),
    ("adopt_existing", "pulumi.Input[bool] | None", None),
    ("adopt_secrets_digest", "pulumi.Input[str] | None", None),
    ("opts", "pulumi.ResourceOptions | None", None),
]

_REGION = [
    ("resource_name", "str", inspect.Parameter.empty),
    ("allowed_geos", "pulumi.Input[Sequence[pulumi.Input[str]]] | None", None),
    (
        "allowed_regions",
        "pulumi.Input[Sequence[pulumi.Input[Mapping[str, Any]]]] | None",
        None,
    ),
    ("fallback_region", "pulumi.Input[Mapping[str, Any]] | None", None),
]
DYNAMIC_REGION_SIGNATURE = [
    *_REGION,
    ("force", "pulumi.Input[bool]", False),
    ("adopt_existing", "pulumi.Input[bool]", False),
    ("connection", "Connection | pulumi.Input[Mapping[str, pulumi.Input[Any]]] | None", None),
    ("opts", "pulumi.ResourceOptions | None", None),
]
NATIVE_REGION_SIGNATURE = [
    *_REGION,
    ("force", "pulumi.Input[bool] | None", None),
    ("adopt_existing", "pulumi.Input[bool] | None", None),
    ("opts", "pulumi.ResourceOptions | None", None),
]


def _signature(cls: type) -> list[tuple[str, object, object]]:
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    return [(p.name, p.annotation, p.default) for p in parameters]


def test_generated_files_are_up_to_date() -> None:
    dynamic = ROOT / "pulumi_inference" / "dynamic" / "_resource.py"
    assert dynamic.read_text() == render_dynamic_resource()
    assert (ROOT / "pulumi_inference" / "native" / "_resource.py").read_text() == (
        render_native_resource()
    )
    assert DOC.read_text() == render_arguments_doc(DOC.read_text())
    region = ROOT / "pulumi_inference" / "dynamic" / "_region_resource.py"
    assert region.read_text() == render_dynamic_region_policy()
    assert (ROOT / "pulumi_inference" / "native" / "_region_resource.py").read_text() == (
        render_native_region_policy()
    )
    core = ROOT / "pulumi_inference" / "operations" / "_declared.py"
    assert core.read_text() == render_core_record()
    assert (ROOT / "pulumi_inference" / "policy" / "_declared.py").read_text() == (
        render_policy_record()
    )


def test_the_check_mode_of_the_script_passes_on_the_committed_files() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/generate-resources", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_generated_files_say_they_are_generated() -> None:
    for path in (
        "dynamic/_resource.py",
        "native/_resource.py",
        "dynamic/_region_resource.py",
        "native/_region_resource.py",
        "operations/_declared.py",
        "policy/_declared.py",
    ):
        head = (ROOT / "pulumi_inference" / path).read_text()[:400]
        assert "GENERATED by scripts/generate-resources" in head


def _keeps(signature: list[tuple[str, object, object]], pinned: list[Any]) -> None:
    """Every pinned parameter is still there, in its order, with its annotation and default;
    one the table added since is optional (a program written before does not pass it)."""
    pinned_names = {name for name, _, _ in pinned}
    assert [p for p in signature if p[0] in pinned_names] == pinned
    added = [(name, default) for name, _, default in signature if name not in pinned_names]
    assert all(default is not inspect.Parameter.empty for _, default in added), added


def test_public_signatures_are_the_ones_programs_were_written_against() -> None:
    _keeps(_signature(InferenceEndpoint), DYNAMIC_SIGNATURE)
    _keeps(_signature(native.InferenceEndpoint), NATIVE_SIGNATURE)
    _keeps(_signature(InferenceRegionPolicy), DYNAMIC_REGION_SIGNATURE)
    _keeps(_signature(native.InferenceRegionPolicy), NATIVE_REGION_SIGNATURE)
    classes = (
        InferenceEndpoint,
        native.InferenceEndpoint,
        InferenceRegionPolicy,
        native.InferenceRegionPolicy,
    )
    for cls in classes:
        kinds = {p.kind for p in list(inspect.signature(cls.__init__).parameters.values())[2:]}
        assert kinds == {inspect.Parameter.KEYWORD_ONLY}


def test_every_property_of_the_table_is_documented_in_the_argument_table() -> None:
    text = DOC.read_text()
    for prop in properties.PROPERTIES:
        assert f"| `{prop.name}` |" in text


def test_a_declaration_without_service_settings_is_refused_naming_it() -> None:
    props = {"inference_id": "e", "task_type": "text_embedding", "service": "openai"}
    assert operations.check(props) == [("service_settings", "'service_settings' is required")]


def test_absent_provider_inputs_mean_the_tables_defaults() -> None:
    spec = operations.DesiredEndpoint.from_props(
        {"inference_id": "e", "task_type": "rerank", "service": "cohere", "service_settings": {}}
    )
    for name, default in properties.defaults().items():
        assert getattr(spec, name) == default, name


def test_a_flag_of_the_wrong_type_is_refused_for_each_boolean_of_the_table() -> None:
    props = {
        "inference_id": "e",
        "task_type": "rerank",
        "service": "cohere",
        "service_settings": {"api_key": "k", "model_id": "rerank-v3.5"},
    }
    for name in properties.of_kind("boolean"):
        issues = operations.check({**props, name: "yes"})
        assert (name, "expected true or false, got str") in issues


def _fields(record: type) -> list[str]:
    return [f.name for f in dataclasses.fields(record)]


def test_the_cores_record_has_a_field_per_input_of_the_table_read_by_its_kind() -> None:
    inputs = [prop.name for prop in properties.declared_inputs()]
    assert sorted(_fields(operations.DesiredEndpoint)) == sorted(
        [*inputs, "cluster_version", "secrets_unknown"]
    )
    spec = operations.DesiredEndpoint.from_props(
        {
            "inference_id": "e",
            "task_type": "Text-Embedding",
            "service": "openai",
            "service_settings": {"model_id": "m", "dimensions": 3.0},
            "connection": {"url": "http://127.0.0.1:9200"},
            "force_delete": True,
            "deployment_timeout": "20m",
            "adopt_secrets_digest": "$scrypt$x",
        }
    )
    assert (spec.task_type, spec.service_settings["dimensions"]) == ("text_embedding", 3)
    assert (spec.force_delete, spec.deployment_timeout) == (True, 1200.0)
    assert spec.connection == {"url": "http://127.0.0.1:9200"}
    assert (spec.task_settings, spec.chunking_settings) == ({}, None)
    assert spec.adopt_secrets_digest == "$scrypt$x"


def test_the_policy_record_reads_every_input_that_holds_no_secret() -> None:
    reviewed = [prop.name for prop in properties.reviewed_inputs()]
    assert set(reviewed) <= set(_fields(policy.Endpoint))
    assert not {"service_settings", "task_settings", "connection", "secrets"} & set(reviewed)
    native_props = {"inferenceId": "e", "taskType": "rerank", "deploymentTimeout": "20m"}
    endpoint = policy.endpoint_of("r", "urn", native_props, protect=False)
    assert (endpoint.inference_id, endpoint.deployment_timeout) == ("e", "20m")


def test_the_region_policys_keys_and_schema_come_from_its_table() -> None:
    table = properties.REGION_POLICY_PROPERTIES
    assert (
        properties.names("settings", "provider", table=table) == operations.REGION_POLICY_INPUT_KEYS
    )
    assert properties.names("output", table=table) == operations.REGION_POLICY_OUTPUT_KEYS
    resource = native_schema()["resources"][properties.NATIVE_REGION_POLICY_TYPE]
    native_inputs = properties.names("settings", "provider", door="native", table=table)
    assert list(resource["inputProperties"]) == [camel(name) for name in native_inputs]
    assert resource["required"] == ["createdAt", "clusterVersion"]
