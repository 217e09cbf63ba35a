"""`pulumi-inference review` on both forms of `pulumi preview --json`: the digest (the default,
without policy events) and the streamed engine events; exit codes. Real previews are reviewed
in tests/engine/test_engine_review.py; docs/reviews.md's sample is checked here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pulumi_inference.cli import main
from pulumi_inference.properties import DYNAMIC_RESOURCE_TYPE
from pulumi_inference.review import markdown, parse_preview, review_of, text

DOCS = Path(__file__).resolve().parents[2] / "docs" / "reviews.md"
NATIVE = "elasticsearch-inference:index:InferenceEndpoint"
SECRET = {
    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
    "ciphertext": "[secret]",
}


def urn(name: str) -> str:
    return f"urn:pulumi:prod::p::{NATIVE}::{name}"


DIGEST = {
    "steps": [
        {
            "op": "update",
            "urn": urn("a"),
            "oldState": {
                "type": NATIVE,
                "inputs": {"inferenceId": "a-id", "serviceSettings": {"api_key": SECRET}},
            },
            "newState": {
                "type": NATIVE,
                "inputs": {"inferenceId": "a-id", "serviceSettings": {"api_key": SECRET}},
            },
            "detailedDiff": {"serviceSettings.api_key": {"kind": "update", "inputDiff": True}},
        },
        {
            "op": "delete",
            "urn": urn("b"),
            "oldState": {"type": NATIVE, "inputs": {"inferenceId": "b-id"}},
            "detailedDiff": None,
        },
    ],
    "diagnostics": [
        {
            "urn": urn("a"),
            "message": "warning: replacing inference endpoint 'a-id' (because x changes) "
            "will FAIL: used",
            "severity": "warning",
        }
    ],
    "changeSummary": {"update": 1, "delete": 1},
}


def test_a_digest_reviews_without_policies_and_a_failing_change_blocks() -> None:
    review = review_of(parse_preview(json.dumps(DIGEST)))
    comment = markdown(review)
    assert (
        "| `~` update | `a` | `a-id` | `serviceSettings.api_key` (secret, value not shown) |"
        in comment
    )
    assert "| `-` delete | `b` | `b-id` |  |" in comment
    assert "- `a` (fails): replacing inference endpoint 'a-id'" in comment  # prefix removed
    assert "Policy violations: not known" in comment
    assert review.blocked and "[secret]" not in comment


def test_a_replacement_that_could_not_be_checked_blocks_instead_of_reading_ready() -> None:
    """Review credentials without manage_inference cannot run the dry-run look-up: the review
    must not call that replacement safe."""
    unchecked = {
        **DIGEST,
        "diagnostics": [
            {
                "urn": urn("a"),
                "message": "warning: inference endpoint 'a-id': NOT CHECKED for ingest pipelines "
                "or semantic_text indexes that use it before the replacement: the look-up "
                "failed (403)",
                "severity": "warning",
            }
        ],
    }
    review = review_of(parse_preview(json.dumps(unchecked)))
    comment = markdown(review)
    assert review.blocked
    assert "Replacements not checked" in comment and "(not checked)" in comment
    assert "**Result: BLOCKED: 1 replacement(s) could not be checked.**" in comment


def test_streamed_events_carry_policies_and_mandatory_blocks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = [
        {
            "sequence": 1,
            "resourcePreEvent": {
                "metadata": {
                    "op": "create",
                    "urn": urn("c"),
                    "type": NATIVE,
                    "new": {"inputs": {"inferenceId": "c-id"}},
                }
            },
        },
        {
            "sequence": 2,
            "policyEvent": {
                "resourceUrn": urn("c"),
                "message": "Rule.\ninference endpoint 'c-id': bad. Fix: x",
                "policyName": "inference-no-force-delete",
                "policyPackName": "p",
                "enforcementLevel": "mandatory",
            },
        },
        {"sequence": 3, "summaryEvent": {"resourceChanges": {"create": 1}, "result": "failed"}},
    ]
    source = tmp_path / "preview.jsonl"
    source.write_text("\n".join(json.dumps(e) for e in events) + "\n")
    assert main(["review", "--preview-json", str(source), "--format", "text"]) == 1
    out = capsys.readouterr().out
    assert "Inference endpoints: 1 to create" in out
    assert "c (inference-no-force-delete): Rule. — inference endpoint 'c-id': bad. Fix: x" in out
    assert "Result: BLOCKED: 1 mandatory policy violation(s)." in out


def test_unreadable_input_is_no_review(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("")
    assert main(["review", "--preview-json", str(empty)]) == 2
    assert "the preview JSON is empty" in capsys.readouterr().err


def test_the_docs_show_a_comment_the_engine_test_produced() -> None:
    """docs/reviews.md's sample comes from tests/engine/test_engine_review.py
    (PULUMI_INFERENCE_REVIEW_SAMPLE=FILE): its rows and verdict are what that test asserts."""
    sample = DOCS.read_text().split("<!-- sample:start -->", 1)[1].split("<!-- sample:end -->")[0]
    body = sample.strip().removeprefix("````markdown").removesuffix("````").strip()
    assert body.startswith("<!-- pulumi-inference review -->")
    for row in (
        "| `~` update | `search` | `reviewed-search` | "
        "`serviceSettings.api_key` (secret, value not shown) |",
        "Project `reviewed`, stack `dev`.",
        "| `+-` replace | `ingest` | `reviewed-ingest` | `serviceSettings.model_id`: "
        "`text-embedding-3-small` → `text-embedding-3-large` (replaces) |",
        "(because serviceSettings.model_id changes)",
        "| `-` delete | `legacy` | `reviewed-legacy` |  |",
        "**Result: BLOCKED: 1 change(s) will fail.**",
    ):
        assert row in body


def _dynamic_step(
    op: str, name: str, old: dict[str, object], new: dict[str, object], **diff: str
) -> dict[str, object]:
    return {
        "op": op,
        "urn": f"urn:pulumi:dev::search-infra::{DYNAMIC_RESOURCE_TYPE}::{name}",
        "oldState": {"type": DYNAMIC_RESOURCE_TYPE, "inputs": old},
        "newState": {"type": DYNAMIC_RESOURCE_TYPE, "inputs": new},
        "detailedDiff": {path: {"kind": kind, "inputDiff": True} for path, kind in diff.items()},
    }


ROTATION_AND_MODEL = {
    "steps": [
        _dynamic_step(
            "replace",
            "embeddings",
            {
                "inference_id": "emb",
                "service_settings": {"model_id": "text-embedding-3-small"},
                "secrets": SECRET,
            },
            {
                "inference_id": "emb",
                "service_settings": {"model_id": "text-embedding-3-large"},
                "secrets": SECRET,
            },
            **{
                "service_settings.model_id": "update-replace",
                "secrets.service_settings.api_key": "update",
                "task_settings.user": "add",
            },
        )
    ],
    "diagnostics": [
        {"urn": urn("embeddings"), "message": "error: the cluster refused it", "severity": "error"},
        {"urn": urn("embeddings"), "message": "error: the cluster refused it", "severity": "error"},
        {
            "urn": "urn:pulumi:dev::search-infra::pulumi:pulumi:Stack::search-infra-dev",
            "message": "error: preview failed",
            "severity": "error",
        },
    ],
}


def test_a_review_names_the_stack_each_old_and_new_value_and_the_rotated_key() -> None:
    """Issue 22: project and stack; non-secret keys old -> new; a secret by its key alone
    (the dynamic door's `secrets.<path>`), never a value or its hash; no line repeated."""
    review = review_of(parse_preview(json.dumps(ROTATION_AND_MODEL)))
    comment = markdown(review)
    assert "Project `search-infra`, stack `dev`." in comment
    row = next(line for line in comment.splitlines() if line.startswith("| `+-` replace"))
    assert (
        "`secrets.service_settings.api_key`" not in row
        and "`service_settings.api_key` (secret, value not shown)" in row
    )
    assert (
        "`service_settings.model_id`: `text-embedding-3-small` → "
        "`text-embedding-3-large` (replaces)" in row
    )
    assert "`task_settings.user`: (none) → (none)" not in row  # values absent from both sides
    for hidden in (
        "1b47061264138c4ac30d75fd1eb44270",
        "4dabf18193072939515e22adb298388d",
        "[secret]",
    ):
        assert hidden not in comment
    assert comment.count("the cluster refused it") == 1
    assert "preview failed" not in comment
    plain = text(review)
    assert plain.startswith("Project search-infra, stack dev\n")
    assert (
        "service_settings.model_id: text-embedding-3-small → text-embedding-3-large (replaces)"
        in plain
    )


def test_a_stack_error_alone_is_kept() -> None:
    only = {**ROTATION_AND_MODEL, "diagnostics": ROTATION_AND_MODEL["diagnostics"][2:]}  # type: ignore[index]
    assert "preview failed" in markdown(review_of(parse_preview(json.dumps(only))))


def test_an_adopted_endpoint_is_reviewed_as_adopted_never_created() -> None:
    """Issue 22: the engine creates (dynamic, adopt_existing) or imports (native, import_); the
    review says adopt, one line per endpoint, with what the adoption sends and resets."""
    from pulumi_inference.operations._adoption import ADOPTS as SAID_BY_THE_PROVIDER
    from pulumi_inference.review._summary import ADOPTS

    assert ADOPTS == SAID_BY_THE_PROVIDER
    adopting = {
        "steps": [
            {
                "op": "create",
                "urn": urn("made-by-hand"),
                "newState": {"type": NATIVE, "inputs": {"inferenceId": "h"}},
            },
            {
                "op": "import",
                "urn": urn("imported"),
                "newState": {"type": NATIVE, "inputs": {"inferenceId": "i"}},
            },
            {
                "op": "create",
                "urn": urn("new"),
                "newState": {"type": NATIVE, "inputs": {"inferenceId": "n"}},
            },
        ],
        "diagnostics": [
            {
                "urn": urn("made-by-hand"),
                "message": "warning: inference endpoint 'h' on http://es: ADOPTS the existing "
                "endpoint with one _update, which sends service_settings.api_key (secret, value "
                "not shown); it changes no setting, and on this cluster (Elasticsearch 9.1.0, "
                "before 9.4) that _update also resets chunking_settings from sentence/250/1 to "
                "word/250/100.",
                "severity": "warning",
            }
        ],
    }
    review = review_of(parse_preview(json.dumps(adopting)))
    comment = markdown(review)
    assert "## Inference endpoints: 1 to create, 2 to adopt" in comment
    assert "| `=` adopt | `imported` | `i` |" in comment
    assert "| `=` adopt | `made-by-hand` | `h` |" in comment
    assert "| `+` create | `new` | `n` |" in comment
    assert "- `made-by-hand` (adopts, chunking reset): inference endpoint 'h'" in comment
