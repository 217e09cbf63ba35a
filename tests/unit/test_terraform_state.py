"""Terraform's state as the elastic/elasticstack provider writes it: every instance of the
inference endpoint resource read with its address, the rest named as skipped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pulumi_inference.importer._tf_connection import convert_connection
from pulumi_inference.importer._tf_state import TerraformInputError, read_state

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "terraform-migration"
TYPE = "elasticstack_elasticsearch_inference_endpoint"
PROVIDER = 'provider["registry.terraform.io/elastic/elasticstack"]'


def instance(inference_id: str, **extra: Any) -> dict[str, Any]:
    attributes = {
        "id": f"uuid-1/{inference_id}",
        "inference_id": inference_id,
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": json.dumps({"api_key": "k", "model_id": "m"}),
        "task_settings": None,
        "chunking_settings": None,
        "elasticsearch_connection": [],
    }
    return {"schema_version": 0, "attributes": attributes, **extra}


def state_file(tmp_path: Path, resources: list[dict[str, Any]]) -> Path:
    path = tmp_path / "terraform.tfstate"
    path.write_text(json.dumps({"version": 4, "serial": 3, "resources": resources}))
    return path


def test_the_example_state_reads_as_the_provider_wrote_it() -> None:
    state = read_state(EXAMPLE / "terraform" / "terraform.tfstate")
    assert [e.address for e in state.endpoints] == [
        f"{TYPE}.bedrock",
        f"{TYPE}.elser",
        f"{TYPE}.openai",
        f'{TYPE}.rerank["docs"]',
        f'{TYPE}.rerank["support"]',
    ]
    openai = state.endpoints[2]
    assert openai.cluster_uuid == "emuLat0rClusterUUID00001"
    assert openai.service_settings["api_key"] == "sk-example-openai-key-from-terraform"
    assert openai.task_settings == {"user": "search-team"}
    bedrock = state.endpoints[0]
    assert bedrock.connection == {"api_key": "c2VhcmNoLXRlYW06ZXhhbXBsZS1zZWFyY2gtdGVhbS1rZXk="}
    assert [(s.address, s.reason.split(" (")[0]) for s in state.skipped] == [
        ("data.elasticstack_elasticsearch_info.cluster", "a data source"),
        ("elasticstack_elasticsearch_index.docs", "another resource type"),
    ]


def test_modules_count_deposed_tainted_other_versions_and_providers(tmp_path: Path) -> None:
    resources = [
        {
            "module": "module.search",
            "mode": "managed",
            "type": TYPE,
            "name": "e",
            "provider": PROVIDER,
            "instances": [instance("m0", index_key=0), instance("m1", index_key=1)],
        },
        {
            "mode": "managed",
            "type": TYPE,
            "name": "old",
            "provider": PROVIDER,
            "instances": [instance("old", deposed="abcd1234"), instance("cur", status="tainted")],
        },
        {
            "mode": "managed",
            "type": TYPE,
            "name": "newer",
            "provider": PROVIDER,
            "instances": [instance("newer", schema_version=1)],
        },
        {
            "mode": "managed",
            "type": TYPE,
            "name": "fork",
            "provider": 'provider["registry.example.com/someone/elasticstack"]',
            "instances": [instance("fork")],
        },
    ]
    state = read_state(state_file(tmp_path, resources))
    assert [(e.address, e.inference_id) for e in state.endpoints] == [
        (f"module.search.{TYPE}.e[0]", "m0"),
        (f"module.search.{TYPE}.e[1]", "m1"),
        (f"{TYPE}.old", "cur"),
    ]
    assert "tainted in Terraform" in state.endpoints[2].notes[0]
    reasons = {s.address: s.reason for s in state.skipped}
    assert reasons[f"{TYPE}.old"].startswith("a deposed object")
    assert reasons[f"{TYPE}.newer"].startswith("schema_version 1: written by a provider release")
    assert "of another provider" in reasons[f"{TYPE}.fork"]


def test_an_instance_without_what_an_endpoint_needs_is_skipped_with_the_reason(
    tmp_path: Path,
) -> None:
    broken = instance("broken")
    broken["attributes"]["service_settings"] = "{not json"
    resources = [
        {"mode": "managed", "type": TYPE, "name": "b", "provider": PROVIDER, "instances": [broken]}
    ]
    state = read_state(state_file(tmp_path, resources))
    assert state.endpoints == []
    assert state.skipped[0].reason == "not converted: 'service_settings' is not a JSON object"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "not JSON (line 1)"),
        ("[1, 2]", "not a Terraform state"),
        ('{"version": 5, "resources": []}', "format version 5"),
    ],
)
def test_what_is_not_a_state_is_one_line(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(text)
    with pytest.raises(TerraformInputError) as refused:
        read_state(path)
    assert said in str(refused.value) and "\n" not in str(refused.value)


def test_a_connection_block_maps_onto_the_connection_settings_and_says_what_does_not() -> None:
    converted = convert_connection(
        {
            "endpoints": ["https://a:9200", "https://b:9200"],
            "api_key": "k",
            "ca_data": "PEM",
            "insecure": True,
            "es_client_authentication": "shared",
            "something_new": "x",
        }
    )
    assert converted.settings == {
        "url": "https://a:9200",
        "api_key": "k",
        "ca_certs": "PEM",
        "verify_certs": False,
        "headers": {"ES-Client-Authentication": "SharedSecret shared"},
    }
    assert converted.not_converted == (
        "endpoints: only the first of 2 is used (https://a:9200); the client does not balance "
        "over several URLs",
        "something_new: no such connection setting here",
    )
