"""The adoption notice of a check is a prediction (issue 30): nothing is said of an endpoint
the engine replaces (its own, deleted first), and an adoption a cluster without `_update`
cannot do is said to fail."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from pulumi_inference import operations
from pulumi_inference.emulator import Emulator
from pulumi_inference.operations import DesiredEndpoint

URN = "urn:pulumi:dev::p::elasticsearch-inference:index:InferenceEndpoint::emb"


def declared(url: str, model: str = "text-embedding-3-large") -> dict[str, Any]:
    return {
        "inference_id": "adopted-emb",
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": model, "api_key": "declared-key"},
        "connection": {"url": url},
        "adopt_existing": True,
    }


@pytest.fixture
def cluster(emulator: Emulator) -> Emulator:
    made = {"service": "openai", "service_settings": {"model_id": "text-embedding-3-small"}}
    made["service_settings"]["api_key"] = "by-hand"
    with httpx.Client(base_url=emulator.url) as http:
        assert http.put("/_inference/text_embedding/adopted-emb", json=made).is_success
    return emulator


def said_at_check(props: dict[str, Any], resource: str | None) -> str:
    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("pulumi_inference")
    logger.addHandler(handler)
    try:
        connect = lambda spec: operations.connect(spec, {})  # noqa: E731
        checked = operations.check(props, connect=connect, resource=resource, previewing=True)
        assert checked == []
    finally:
        logger.removeHandler(handler)
    return " ".join(records)


def test_the_check_of_a_replacement_the_diff_planned_says_nothing_of_an_adoption(
    cluster: Emulator,
) -> None:
    """The engine diffs (a model change: replace, delete first), then checks the new inputs
    with no olds. The endpoint the look-up would find is the one being replaced."""
    old = DesiredEndpoint.from_props(declared(cluster.url, "text-embedding-3-small"))
    new_props = declared(cluster.url)
    new = DesiredEndpoint.from_props(new_props)
    client = operations.connect(new, {})
    assert operations.diff(old, new, lambda: client, resource=URN).delete_before_replace
    assert said_at_check(new_props, URN) == ""
    # Another resource (or a caller that names none) adopting that id is told it will fail.
    assert "adopt_existing will FAIL" in said_at_check(new_props, URN + "-other")
    assert "adopt_existing will FAIL" in said_at_check(new_props, None)


def test_an_adoption_on_a_cluster_without_update_is_said_to_fail(cluster: Emulator) -> None:
    cluster.set_version("8.16.0")
    said = said_at_check(declared(cluster.url, "text-embedding-3-small"), None)
    assert "adopt_existing will FAIL and leave it untouched" in said, said
    assert "(Elasticsearch 8.16.0) does not have (8.17+)" in said
    assert "declared-key" not in said and "ADOPTS" not in said
