"""The catalogue's first versions against the official specification (issue 23).

``tests/fixtures/es_spec_types/availability.json`` is written by
``scripts/extract-es-spec-types <spec git dir> --availability`` from the specification's
version branches and ``@availability`` annotations. The catalogue
(``catalogue/_availability.py``) must agree with it, except for the departures in
``DEPARTURES``, each one decided from Elasticsearch's source and written down in
docs/catalogue-vs-spec.md. A new difference and a departure that no longer differs both fail.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import pathlib
import subprocess
import sys
from typing import Any

import pytest

from pulumi_inference.catalogue import (
    AVAILABILITY,
    PUT_TIMEOUT_SINCE,
    SERVICES,
    UPDATE_TIMEOUT_SINCE,
    Since,
    available_since,
    unavailable,
)

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXTRACT = ROOT / "tests" / "fixtures" / "es_spec_types" / "availability.json"
DOC = ROOT / "docs" / "catalogue-vs-spec.md"

# (service, path) -> (the specification's floors, the catalogue's floors); path "" = service.
DEPARTURES: dict[tuple[str, str], tuple[str, str]] = {
    # TransportVersions: ML_INFERENCE_AMAZON_BEDROCK_ADDED, ML_INFERENCE_AZURE_AI_STUDIO and
    # ML_ANTHROPIC_INTEGRATION_ADDED are all in the 8.15 block (before the 8.15 backports).
    ("amazonbedrock", ""): ("8.12.0", "8.15.0"),
    ("azureaistudio", ""): ("8.14.0", "8.15.0"),
    ("anthropic", ""): ("8.16.0", "8.15.0"),
    # ML_INFERENCE_COHERE_COMPLETION_ADDED, ML_INFERENCE_AZURE_OPENAI_COMPLETIONS: 8.15.
    ("cohere", "task_types.completion"): ("8.13.0", "8.15.0"),
    ("azureopenai", "task_types.completion"): ("8.14.0", "8.15.0"),
    # The specification spelled it space_embedding until its 9.2 branch.
    ("alibabacloud-ai-search", "task_types.sparse_embedding"): ("9.2.0", "8.16.0"),
}


def _extract() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXTRACT.read_text())
    return data


def _text(since: Since | None) -> str:
    return str(since).replace(" / ", " ") if since is not None else "-"


def _spec_items(entry: dict[str, Any]) -> dict[str, str]:
    items = {"": " ".join(entry["since"])}
    for kind in ("task_types", "service_settings", "task_settings"):
        for name, floors in entry[kind].items():
            items[f"{kind}.{name}"] = " ".join(floors)
    return items


def _catalogue_paths(service: str) -> set[str]:
    spec = SERVICES[service]
    paths = {""} | {f"task_types.{task}" for task in spec.task_types}
    paths |= {f"service_settings.{field.name}" for field in spec.service_settings}
    return paths | {f"task_settings.{field.name}" for field in spec.task_settings}


def find_differences() -> dict[tuple[str, str], tuple[str, str]]:
    """Every (service, path) whose catalogue floors are not what the extract implies.

    What the specification dates with its service must be dated with the catalogue's
    service; what it dates later, exactly so.
    """
    found = {}
    for service, entry in _extract()["services"].items():
        items = _spec_items(entry)
        for path in _catalogue_paths(service) & set(items):
            theirs = items[path]
            expected = theirs
            if path and theirs == items[""]:
                expected = _text(available_since(service))
            ours = _text(available_since(service, path))
            if ours != expected:
                found[(service, path)] = (theirs, ours)
    return found


def test_catalogue_agrees_with_the_specification_except_the_recorded_departures() -> None:
    assert find_differences() == DEPARTURES


def test_every_departure_is_written_down() -> None:
    doc = DOC.read_text()
    for (service, path), (theirs, ours) in DEPARTURES.items():
        row = f"| `{service}` | {path.removeprefix('task_types.') or '(service)'} |"
        assert row in doc, row
        assert f"{row} {theirs} | {ours} |" in doc


def test_every_service_and_only_known_items_have_a_first_version() -> None:
    assert set(AVAILABILITY) == set(SERVICES)
    for service, entries in AVAILABILITY.items():
        assert set(entries) <= _catalogue_paths(service), service


def test_catalogue_only_items_take_their_service_s_version() -> None:
    """What the specification lacks (cohere's url, the elastic service's settings) is dated
    with its service, unless the table says otherwise."""
    assert available_since("cohere", "service_settings.url") == available_since("cohere")
    assert str(available_since("elastic")) == "8.18.0"
    assert str(available_since("elastic", "task_types.text_embedding")) == "9.3.0"


def test_query_timeouts_follow_the_specification_and_the_source() -> None:
    extract = _extract()["query_timeout"]
    assert " ".join(extract["update"]) == _text(UPDATE_TIMEOUT_SINCE) == "9.5.0"
    # The specification shows PUT ?timeout from its 8.18 branch; Elasticsearch reads it since
    # 8.19 and 9.1 (INFERENCE_ADD_TIMEOUT_PUT_ENDPOINT_8_19).
    assert extract["put"] == ["8.18.0"]
    assert _text(PUT_TIMEOUT_SINCE) == "8.19.0 9.1.0"
    assert "| `?timeout` on PUT | 8.18.0 | 8.19.0 / 9.1.0 |" in DOC.read_text()


@pytest.mark.parametrize(
    ("version", "accepted"),
    [
        ((8, 18, 2), False),
        ((8, 19, 0), True),
        ((8, 19, 7), True),
        ((9, 0, 3), False),
        ((9, 1, 0), True),
        ((9, 5, 0), True),
        ((10, 0, 0), True),
        ((7, 17, 0), False),
        (None, True),
    ],
)
def test_a_release_line_without_the_feature_refuses_it(
    version: tuple[int, int, int] | None, accepted: bool
) -> None:
    """custom came in 8.19 and 9.1: 9.0, released before 8.19, lacks it."""
    custom = available_since("custom")
    assert custom is not None
    assert custom.accepts(version) is accepted


def test_the_version_named_is_the_one_for_the_cluster_s_line() -> None:
    custom = Since.parse("8.19.0 9.1.0")
    assert custom.needed_by((9, 0, 1)) == (9, 1, 0)
    assert custom.needed_by((8, 17, 0)) == (8, 19, 0)
    assert Since.parse("9.3.0").needed_by((8, 18, 0)) == (9, 3, 0)
    with pytest.raises(ValueError, match="not a list of versions"):
        Since.parse("9.x")


def test_a_service_the_cluster_lacks_is_the_one_line() -> None:
    issues = unavailable("groq", "chat_completion", {"service_settings": ["model_id"]}, (9, 1, 0))
    assert [(i.path, i.message) for i in issues] == [
        ("service", "service 'groq' needs Elasticsearch 9.3.0 or later; the cluster runs 9.1.0")
    ]


def test_a_task_type_comes_before_settings() -> None:
    issues = unavailable(
        "openai", "embedding", {"service_settings": ["client_id"]}, (9, 4, 0), cluster="c"
    )
    assert [(i.path, str(i)) for i in issues] == [
        (
            "task_type",
            "task_type: task type 'embedding' of service 'openai' needs Elasticsearch 9.5.0 "
            "or later; c runs 9.4.0",
        )
    ]


def test_every_setting_the_cluster_lacks_is_named_on_one_line() -> None:
    settings = {"service_settings": ["api_key", "client_id", "scopes"], "task_settings": []}
    issues = unavailable("openai", "text_embedding", settings, (9, 4, 2))
    assert [(i.path, i.message) for i in issues] == [
        (
            "service_settings.client_id",
            "service_settings.client_id, service_settings.scopes of service 'openai' need "
            "Elasticsearch 9.5.0 or later; the cluster runs 9.4.2",
        )
    ]
    assert unavailable("openai", "text_embedding", settings, (9, 5, 0)) == []
    one = unavailable("openai", "text_embedding", {"task_settings": ["headers"]}, (9, 1, 0))
    assert [i.message for i in one] == [
        "task_settings.headers of service 'openai' needs Elasticsearch 9.2.0 or later; "
        "the cluster runs 9.1.0"
    ]


def test_unknown_version_or_service_refuses_nothing() -> None:
    assert unavailable("groq", "chat_completion", {}, None) == []
    assert unavailable("some-new-service", "completion", {}, (8, 11, 0)) == []


# --- the extraction (scripts/extract-es-spec-types --availability) ----------------------


def _load_extractor() -> Any:
    path = ROOT / "scripts" / "extract-es-spec-types"
    loader = importlib.machinery.SourceFileLoader("extract_es_spec_types", str(path))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[loader.name] = module  # dataclasses look their module up while defining
    loader.exec_module(module)
    return module


_TASK_APIS = {
    "text_embedding/TextEmbeddingRequest.ts": "8.11.0",
    "sparse_embedding/SparseEmbeddingRequest.ts": "8.11.0",
    "rerank/RerankRequest.ts": "8.11.0",
    "completion/CompletionRequest.ts": "8.11.0",
    "chat_completion_unified/UnifiedRequest.ts": "8.18.0",
    "embedding/EmbeddingRequest.ts": "9.4.0",
}


def _spec_tree(root: pathlib.Path, *, tasks: str, keys: str, timeout: bool) -> None:
    """One release branch of a specification with one service, ``demo`` (since 8.12)."""
    inference = root / "specification" / "inference"
    (inference / "_types").mkdir(parents=True, exist_ok=True)
    (inference / "_types" / "Demo.ts").write_text(
        "export class DemoServiceSettings {\n"
        + "".join(f"  {key}?: string\n" for key in keys.split())
        + "}\nexport enum DemoServiceType {\n  demo\n}\nexport enum DemoTaskType {\n"
        + ",\n".join(f"  {task}" for task in tasks.split())
        + "\n}\n"
    )
    for path, since in _TASK_APIS.items():
        (inference / path).parent.mkdir(parents=True, exist_ok=True)
        (inference / path).write_text(f"/**\n * @availability stack since={since}\n */\n")
    (inference / "put_demo").mkdir(exist_ok=True)
    (inference / "put_demo" / "PutDemoRequest.ts").write_text(
        "/**\n * @availability stack since=8.12.0 stability=stable\n */\n"
        "export interface Request extends RequestBase {\n  path_parts: {\n"
        "    task_type: DemoTaskType\n  }\n  body: {\n    service: DemoServiceType\n"
        "    service_settings: DemoServiceSettings\n  }\n}\n"
    )
    query = "  query_parameters: {\n    timeout?: Duration\n  }\n" if timeout else ""
    for path in ("put/PutRequest.ts", "update/UpdateInferenceRequest.ts"):
        (inference / path).parent.mkdir(parents=True, exist_ok=True)
        update = path.startswith("update") and timeout
        note = "    /**\n     * @availability stack since=9.5.0\n     */\n" if update else ""
        body = query.replace("    timeout", note + "    timeout") if query else ""
        (inference / path).write_text(f"export interface Request {{\n{body}}}\n")


def _git(repo: pathlib.Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        check=True,
        capture_output=True,
    )


def test_the_extraction_dates_each_item_by_release_line(tmp_path: pathlib.Path) -> None:
    """demo (since 8.12) gains chat_completion on 8.18 (its API's own version), a key on
    8.19 and 9.1 (9.0 lacks it), and ``embedding`` on 9.4; ``timeout`` appears on 9.1."""
    work = tmp_path / "work"
    work.mkdir()
    _git(work, "init", "-q", "-b", "main")
    branches = {
        "8.18": ("text_embedding chat_completion", "api_key", False),
        "8.19": ("text_embedding chat_completion", "api_key url", False),
        "9.0": ("text_embedding chat_completion", "api_key", False),
        "9.1": ("text_embedding chat_completion", "api_key url", True),
        "9.4": ("text_embedding chat_completion embedding", "api_key url", True),
    }
    for branch, (tasks, keys, timeout) in branches.items():
        _git(work, "checkout", "-q", "-B", branch)
        _spec_tree(work, tasks=tasks, keys=keys, timeout=timeout)
        _git(work, "add", "-A")
        _git(work, "commit", "-q", "-m", branch)
    _git(work, "branch", "-q", "8.17")  # before the first per-service branch: ignored
    bare = tmp_path / "spec.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True)
    extractor = _load_extractor()
    result = extractor.availability(extractor.SpecSource(bare, "9.4"))
    assert sorted(result["branches"]) == ["8.18", "8.19", "9.0", "9.1", "9.4"]
    assert result["services"]["demo"] == {
        "since": ["8.12.0"],
        "task_types": {
            "chat_completion": ["8.18.0"],
            "embedding": ["9.4.0"],
            "text_embedding": ["8.12.0"],
        },
        "service_settings": {"api_key": ["8.12.0"], "url": ["8.19.0", "9.1.0"]},
        "task_settings": {},
    }
    assert result["query_timeout"] == {"put": ["9.1.0"], "update": ["9.5.0"]}


def test_the_checked_in_extract_is_the_script_s_output_format() -> None:
    extract = _extract()
    assert extract["source"] == "elastic/elasticsearch-specification"
    assert set(extract["branches"]) >= {"8.18", "8.19", "9.0", "9.1", "9.2", "9.3", "9.4", "9.5"}
