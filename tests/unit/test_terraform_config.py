"""Terraform's configuration (.tf files) as a program: what converts, and the line for what
does not (pulumi_inference.importer._tf_config, _tf_expr, _tf_program)."""

from __future__ import annotations

import builtins
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from pulumi_inference.importer._render import Door
from pulumi_inference.importer._tf_config import read_config
from pulumi_inference.importer._tf_expr import (
    JsonEncode,
    Lit,
    Obj,
    Ref,
    Template,
    Unsupported,
    parse,
)
from pulumi_inference.importer._tf_program import ProgramFacts, convert_config
from pulumi_inference.importer._tf_state import TerraformInputError, endpoint_of

DYNAMIC = Door(native=False)


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "main.tf").write_text(textwrap.dedent(text))
    return tmp_path


def test_expressions_parse_into_what_converts_and_name_what_does_not() -> None:
    assert parse('"text"') == Lit("text")
    assert parse("${var.key}") == Ref("var.key")
    assert parse('${var.models["docs"]}') == Ref("var.models", ("docs",))
    assert parse('"cohere-${each.key}"') == Template(("cohere-", Ref("each.key")))
    encoded = parse("${jsonencode({api_key = var.key, n = 1})}")
    assert encoded == JsonEncode(Obj((("api_key", Ref("var.key")), ("n", Lit(1)))))
    lowered = parse("${lower(var.x)}")
    assert isinstance(lowered, Unsupported) and "a function call" in lowered.why
    other = parse("${local.models}")
    assert isinstance(other, Unsupported) and "another value of the configuration" in other.why


def test_a_literal_secret_in_the_file_goes_to_stack_config_never_the_program(
    tmp_path: Path,
) -> None:
    config = read_config(
        write(
            tmp_path,
            """
            resource "elasticstack_elasticsearch_inference_endpoint" "example" {
              inference_id = "embeddings"
              task_type    = "text_embedding"
              service      = "openai"
              service_settings = jsonencode({
                "api_key" : "sk-written-in-the-file",
                "model_id" : "text-embedding-3-small"
              })
            }
            """,
        )
    )
    program, converted = convert_config(config, {}, DYNAMIC, ProgramFacts())
    assert "sk-written-in-the-file" not in program
    assert 'api_key=config.require_secret("exampleApiKey")' in program
    assert converted.extra_secrets == {"exampleApiKey": "sk-written-in-the-file"}
    assert any("remove it from the .tf file" in line for line in converted.not_converted)


def test_what_does_not_convert_is_said_and_a_single_instance_takes_the_states_value(
    tmp_path: Path,
) -> None:
    config = read_config(
        write(
            tmp_path,
            """
            variable "model" { default = "TEXT-EMBEDDING-3-SMALL" }
            resource "elasticstack_elasticsearch_inference_endpoint" "one" {
              inference_id = "one"
              task_type    = "text_embedding"
              service      = "openai"
              service_settings = jsonencode({ model_id = lower(var.model) })
              lifecycle { prevent_destroy = true }
            }
            resource "elasticstack_elasticsearch_inference_endpoint" "many" {
              for_each     = toset(["a", "b"])
              inference_id = "many-${each.key}"
              task_type    = "text_embedding"
              service      = "openai"
              service_settings = jsonencode({ model_id = lower(var.model) })
            }
            """,
        )
    )
    recorded = endpoint_of(
        "elasticstack_elasticsearch_inference_endpoint.one",
        {
            "inference_id": "one",
            "task_type": "text_embedding",
            "service": "openai",
            "service_settings": json.dumps({"model_id": "text-embedding-3-small"}),
        },
    )
    address = "elasticstack_elasticsearch_inference_endpoint"
    program, converted = convert_config(
        config, {f"{address}.one": [recorded]}, DYNAMIC, ProgramFacts()
    )
    said = "\n".join(converted.not_converted)
    assert f"{address}.one: service_settings: lower(var.model): a function call" in said
    assert "written as the state records it" in said
    assert f"{address}.one: lifecycle: not converted" in said
    assert f"{address}.many: service_settings: lower(var.model): a function call" in said
    assert "the block is not written" in said  # a loop: no single state value to take
    assert 'model_id="text-embedding-3-small"' in program
    assert '"many-' not in program


def test_without_python_hcl2_one_line_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_hcl2(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "hcl2":
            raise ImportError("No module named 'hcl2'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_hcl2)
    with pytest.raises(TerraformInputError) as refused:
        read_config(write(tmp_path, 'variable "x" {}\n'))
    assert str(refused.value) == (
        "reading .tf files needs python-hcl2: pip install 'pulumi-inference[terraform]'. "
        "Nothing was written."
    )


def test_invalid_hcl_is_one_line_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(TerraformInputError) as refused:
        read_config(write(tmp_path, 'resource "x" {\n'))
    message = str(refused.value)
    assert message.startswith(f"{tmp_path / 'main.tf'}: not valid HCL")
    assert "\n" not in message
