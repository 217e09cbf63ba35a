"""`pulumi-inference review` on real previews, through both front doors: a key rotation, a model
change (a replacement) of an endpoint an ingest pipeline uses, and a delete, reviewed as the
engine then does them; blocked while the replacement would fail, and never a secret value.

Set PULUMI_INFERENCE_REVIEW_SAMPLE=FILE to keep the native door's first comment: it is the
sample in docs/reviews.md (tests/unit/test_review.py checks its rows and verdict).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from devtools.engine import Engine
from devtools.engine_programs import API_KEY, Cluster, Door, keyed_config, secret_value
from pulumi_inference.emulator import EmulatorConfig
from tests.support.review_project import declare, write_project

pytestmark = [pytest.mark.engine, pytest.mark.timeout(600)]
SAMPLE_ENV = "PULUMI_INFERENCE_REVIEW_SAMPLE"


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return keyed_config(deployment_seconds=0.05)


def endpoint(inference_id: str, key_config: str, model: str = "text-embedding-3-small") -> Any:
    return {
        "inference_id": inference_id,
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": model, "api_key_config": key_config},
    }


def review(engine: Engine, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The review command as CI runs it, in the project's directory."""
    command = [sys.executable, "-m", "pulumi_inference.cli", "review", *args]
    env = {**os.environ, **engine.env}
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)


def test_review_of_a_key_rotation_a_replacement_and_a_delete_matches_the_engine(
    policy_engine: Engine, cluster: Cluster, door: Door, policy_pack_dir: Path, tmp_path: Path
) -> None:
    keys = {name: secret_value(name) for name in ("keyA", "keyB", "keyC", "rotated")}
    declared = {
        "search": endpoint("reviewed-search", "keyA"),
        "ingest": endpoint("reviewed-ingest", "keyB"),
        "legacy": endpoint("reviewed-legacy", "keyC"),
    }
    project = write_project(tmp_path / "project", declared)
    stack = policy_engine.project_stack(project)
    for key, value in {"door": door.name, "esUrl": cluster.url}.items():
        stack.set_config(key, auto.ConfigValue(value))
    for key, value in {"esApiKey": API_KEY, **keys}.items():
        stack.set_config(key, auto.ConfigValue(value, secret=True))
    stack.up(color="never")
    pipeline = {"inference": {"model_id": "reviewed-ingest", "input_output": {"input_field": "t"}}}
    assert cluster.put("/_ingest/pipeline/reviewed-docs", {"processors": [pipeline]}).is_success

    # The change under review: rotate search's key, change ingest's model, drop legacy.
    declared["search"]["service_settings"]["api_key_config"] = "rotated"
    declared["ingest"]["service_settings"]["model_id"] = "text-embedding-3-large"
    del declared["legacy"]
    declare(project, declared)
    args = ["--", "--stack", "dev", "--policy-pack", str(policy_pack_dir)]

    blocked = review(policy_engine, project, "--output", str(tmp_path / "review.md"), *args)
    comment = (tmp_path / "review.md").read_text()
    assert blocked.returncode == 1, blocked.stderr
    rows = [line for line in comment.splitlines() if line.startswith("| `")]
    search, ingest, legacy = rows
    assert comment.splitlines()[3] == "Project `reviewed`, stack `dev`."
    assert "update | `search` | `reviewed-search`" in search
    # Both doors name the rotated secret key (the dynamic one keeps it in `secrets`), no value.
    rotated = f"{door.word('service_settings')}.api_key"
    assert search.endswith(f"| `{rotated}` (secret, value not shown) |"), search
    assert "replace | `ingest` | `reviewed-ingest`" in ingest
    model = f"`{door.word('service_settings')}.model_id`"
    assert ingest.endswith(
        f"| {model}: `text-embedding-3-small` → `text-embedding-3-large` (replaces) |"
    ), ingest
    assert "delete | `legacy` | `reviewed-legacy`" in legacy
    assert "Changes that will fail" in comment and "ingest pipelines ['reviewed-docs']" in comment
    assert f"(because {door.said('service_settings')}.model_id changes)" in comment
    assert "preview failed" not in comment
    assert "(chunking reset)" in comment  # the in-place update on a cluster before 9.4
    assert "No policy violations." in comment
    assert "Result: BLOCKED: 1 change(s) will fail" in comment
    if door.native and os.environ.get(SAMPLE_ENV):
        Path(os.environ[SAMPLE_ENV]).write_text(comment)

    # As the comment says: remove the use first. Then the change may go ahead.
    with cluster.http() as http:
        assert http.delete("/_ingest/pipeline/reviewed-docs").is_success
    ready = review(policy_engine, project, "--format", "text", *args)
    assert ready.returncode == 0, ready.stdout + ready.stderr
    assert "Inference endpoints: 1 to update, 1 to replace, 1 to delete" in ready.stdout
    assert "Result: ready to apply" in ready.stdout

    applied = stack.up(color="never", policy_packs=[str(policy_pack_dir)])
    changes = {op: n for op, n in applied.summary.resource_changes.items() if op != "same"}
    assert changes == {"update": 1, "replace": 1, "delete": 1}
    assert cluster.emulator.stored_secrets("reviewed-search") == {"api_key": keys["rotated"]}
    replaced = cluster.endpoint("reviewed-ingest")
    assert replaced is not None
    assert replaced["service_settings"]["model_id"] == "text-embedding-3-large"
    assert cluster.endpoint("reviewed-legacy") is None

    said = comment + blocked.stdout + blocked.stderr + ready.stdout + ready.stderr
    for value in (*keys.values(), API_KEY):
        assert value not in said
