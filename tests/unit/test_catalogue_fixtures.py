"""The catalogue against the official elasticsearch-specification examples (fixtures/es_spec)."""

from __future__ import annotations

import json
import pathlib
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from pulumi_inference import catalogue

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "es_spec"

# PutLlamaRequestExample3 writes the path "_inference/chat-completion/...". The catalogue
# accepts that spelling (and any case) and the provider sends the canonical "chat_completion".
HYPHENATED_TASK_TYPE = "PutLlamaRequestExample3.json"


def _load(kind: str) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(FIXTURES.rglob("*.json")):
        doc = json.loads(path.read_text())
        if doc["kind"] == kind and doc["api"].startswith("put"):
            found.append((path.name, doc))
    return found


REQUESTS = _load("request")
RESPONSES = _load("response")


def _target(name: str, doc: Mapping[str, Any]) -> tuple[str | None, str]:
    """(task_type, inference_id) of a PUT example, from its path or its body."""
    method, path = doc["method_request"].split(maxsplit=1)
    assert method == "PUT"
    parts = path.strip("/").split("/")
    assert parts[0] == "_inference"
    if len(parts) == 3:
        return parts[1], parts[2]
    assert len(parts) == 2, name
    return doc["body"].get("task_type"), parts[1]


def _validate(name: str, doc: Mapping[str, Any], task_type: str | None) -> list[catalogue.Issue]:
    body = doc["body"]
    _, inference_id = _target(name, doc)
    return catalogue.validate_endpoint(
        inference_id=inference_id,
        task_type=task_type,
        service=body.get("service"),
        service_settings=body.get("service_settings"),
        task_settings=body.get("task_settings"),
        chunking_settings=body.get("chunking_settings"),
    )


def test_fixture_set_is_complete() -> None:
    assert len(REQUESTS) >= 100
    services = {doc["body"]["service"] for _, doc in REQUESTS}
    assert services <= set(catalogue.known_services())
    assert len(services) >= 25  # every family of examples was found (incl. put_deepseek)


@pytest.mark.parametrize(("name", "doc"), REQUESTS, ids=[name for name, _ in REQUESTS])
def test_every_request_example_is_valid(name: str, doc: dict[str, Any]) -> None:
    """REQ-CHECK-2: no official request example is refused."""
    task_type, _ = _target(name, doc)
    assert _validate(name, doc, task_type) == []


def test_task_type_spellings_the_cluster_accepts_are_canonicalized() -> None:
    """REQ-CHECK-1: any case and '-' for '_' are accepted and sent in canonical form."""
    (doc,) = [doc for found, doc in REQUESTS if found == HYPHENATED_TASK_TYPE]
    task_type, _ = _target(HYPHENATED_TASK_TYPE, doc)
    assert task_type == "chat-completion"
    assert catalogue.canonical_task_type(task_type) == "chat_completion"
    assert catalogue.canonical_task_type(" Text_Embedding ") == "text_embedding"
    assert catalogue.canonical_task_type("text_embeddings") is None


def _secret_paths_by_name(settings: Mapping[str, Any], prefix: str) -> Iterator[str]:
    for key, value in settings.items():
        path = f"{prefix}.{key}"
        if key in catalogue.SECRET_KEYS:
            yield path  # its content (e.g. secret_parameters.api_key) is secret as a whole
        elif isinstance(value, Mapping):
            yield from _secret_paths_by_name(value, path)


def _secret_paths_by_catalogue(service: str, settings: Mapping[str, Any]) -> set[str]:
    spec = catalogue.get_service(service)
    assert spec is not None
    paths = set()
    for key in settings:
        field = spec.field("service_settings", key)
        assert field is not None, key
        if field.secret:
            paths.add(f"service_settings.{key}")
    return paths


@pytest.mark.parametrize(("name", "doc"), REQUESTS, ids=[name for name, _ in REQUESTS])
def test_secret_values_are_exactly_those_under_secret_keys(name: str, doc: dict[str, Any]) -> None:
    """REQ-SECRET-1: every secret of the official examples is under a secret key, nothing else."""
    body = doc["body"]
    by_name = set(_secret_paths_by_name(body["service_settings"], "service_settings"))
    by_name |= set(_secret_paths_by_name(body.get("task_settings") or {}, "task_settings"))
    assert by_name == _secret_paths_by_catalogue(body["service"], body["service_settings"])


def test_secret_examples_cover_every_secret_key() -> None:
    seen: set[str] = set()
    for _, doc in REQUESTS:
        seen |= {
            path.split(".")[-1]
            for path in _secret_paths_by_name(doc["body"]["service_settings"], "")
        }
    assert seen == catalogue.SECRET_KEYS - {"entra_id"}  # no official example uses entra_id


@pytest.mark.parametrize(("name", "doc"), RESPONSES, ids=[name for name, _ in RESPONSES])
def test_response_keys_are_known(name: str, doc: dict[str, Any]) -> None:
    body = doc["body"]
    spec = catalogue.get_service(body["service"])
    assert spec is not None
    task_type = body["task_type"]
    assert task_type in spec.task_types
    for section in ("service_settings", "task_settings"):
        for key in body.get(section) or {}:
            field = spec.field(section, key)
            assert field is not None, f"{section}.{key}"
            assert field.accepts_task(task_type), f"{section}.{key}"
            assert not field.secret, f"a response never carries {key}"


@pytest.mark.parametrize(("name", "doc"), RESPONSES, ids=[name for name, _ in RESPONSES])
def test_keys_the_cluster_added_are_marked(name: str, doc: dict[str, Any]) -> None:
    """REQ-READ-1: Keys in a response that the matching request did not send are server-computed."""
    body = doc["body"]
    requests = [
        req["body"]
        for _, req in REQUESTS
        if req["body"]["service"] == body["service"] and _target("", req)[1] == body["inference_id"]
    ]
    if not requests:
        pytest.skip("no request example with this inference_id")
    sent = set().union(*(req["service_settings"] for req in requests))
    spec = catalogue.get_service(body["service"])
    assert spec is not None
    managed = catalogue.server_managed_service_keys(
        body["service"], requests[0]["service_settings"]
    )
    for key in set(body["service_settings"]) - sent:
        field = spec.field("service_settings", key)
        assert field is not None
        assert field.server_computed or key in managed, key


@pytest.mark.parametrize(("name", "doc"), RESPONSES, ids=[name for name, _ in RESPONSES])
def test_response_chunking_and_rate_limits_match_the_catalogue(
    name: str, doc: dict[str, Any]
) -> None:
    body = doc["body"]
    task_type = body["task_type"]
    if "chunking_settings" in body:
        assert body["chunking_settings"] == catalogue.default_chunking_settings(task_type)
    rate = body["service_settings"].get("rate_limit")
    expected = catalogue.rate_limit_default(body["service"], task_type)
    if rate is not None and expected is not None and name != "PutAzureOpenAiResponseExample1.json":
        # That example shows 1140 where the cluster's default is 1440 (a typo upstream).
        assert rate == {"requests_per_minute": expected}
