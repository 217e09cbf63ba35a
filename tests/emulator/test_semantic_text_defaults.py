"""A ``semantic_text`` field without ``inference_id`` gets the default Elasticsearch fills in,
by version and by whether the Elastic Inference Service is available (issue 23)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pulumi_inference.emulator import Emulator, EmulatorConfig


def _mapping(**fields: dict[str, Any]) -> dict[str, Any]:
    return {"mappings": {"properties": fields}}


@pytest.mark.parametrize(
    ("version", "flavor", "eis", "expected"),
    [
        ("8.16.0", "default", False, ".elser-2-elasticsearch"),
        ("9.2.3", "default", True, ".elser-2-elasticsearch"),
        ("9.3.0", "default", False, ".elser-2-elasticsearch"),
        ("9.3.0", "default", True, ".elser-2-elastic"),
        ("9.4.1", "default", False, ".elser-2-elasticsearch"),
        ("9.4.1", "default", True, ".jina-embeddings-v5-text-small"),
        ("9.5.0", "default", True, ".jina-embeddings-v5-text-small"),
        ("8.11.0", "serverless", False, ".jina-embeddings-v5-text-small"),
    ],
)
def test_the_default_endpoint_is_the_one_of_the_version_and_flavour(
    version: str, flavor: str, eis: bool, expected: str
) -> None:
    config = EmulatorConfig(version=version, build_flavor=flavor, eis=eis)
    with Emulator(config) as emulator, httpx.Client(base_url=emulator.url) as http:
        body = _mapping(
            content={"type": "semantic_text"},
            pinned={"type": "semantic_text", "inference_id": "my-e5"},
            doc={
                "properties": {"summary": {"type": "semantic_text"}},
            },
            title={"type": "text", "fields": {"semantic": {"type": "semantic_text"}}},
        )
        assert http.put("/docs", json=body).status_code == 200
        http.put("/docs/_mapping", json={"properties": {"later": {"type": "semantic_text"}}})
        props = http.get("/docs/_mapping").json()["docs"]["mappings"]["properties"]
        assert props["content"] == {"type": "semantic_text", "inference_id": expected}
        assert props["pinned"]["inference_id"] == "my-e5"
        assert props["doc"]["properties"]["summary"]["inference_id"] == expected
        assert props["title"]["fields"]["semantic"]["inference_id"] == expected
        assert props["later"]["inference_id"] == expected


def test_before_8_16_a_semantic_text_field_needs_its_inference_id() -> None:
    with (
        Emulator(EmulatorConfig(version="8.15.3")) as emulator,
        httpx.Client(base_url=emulator.url) as http,
    ):
        refused = http.put("/docs", json=_mapping(content={"type": "semantic_text"}))
        assert refused.status_code == 400
        assert refused.json()["error"]["type"] == "mapper_parsing_exception"
        assert "[inference_id] must be specified" in refused.json()["error"]["reason"]
        assert http.head("/docs").status_code == 404
        explicit = _mapping(content={"type": "semantic_text", "inference_id": "e5"})
        assert http.put("/docs", json=explicit).status_code == 200


def test_the_reference_check_finds_an_index_that_uses_the_default() -> None:
    """A dry-run delete of the default endpoint names the index whose field left it out."""
    with (
        Emulator(EmulatorConfig(version="9.1.0")) as emulator,
        httpx.Client(base_url=emulator.url) as http,
    ):
        http.put("/docs", json=_mapping(content={"type": "semantic_text"}))
        answer = http.delete(
            "/_inference/sparse_embedding/.elser-2-elasticsearch", params={"dry_run": "true"}
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["indexes"] == ["docs"]
