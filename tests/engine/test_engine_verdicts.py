"""Issue 30, review verdicts are predictions that hold: each "will FAIL" (and so `BLOCKED`) of
`pulumi-inference review` and of the preview's warnings is what the `up` that follows does,
and a change the review lets through is one `up` applies. Both doors, a project run by the CLI
(as CI runs the review), the review then `up` on the same declarations.

`adopt_existing` matters only when an endpoint is created: once the endpoint is in the stack
(as `pulumi-inference import` leaves it), a replacing change is a plain replacement.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from devtools.engine import Engine
from devtools.engine_programs import API_KEY, Cluster, Door, keyed_config, secret_value, unique
from pulumi_inference.emulator import EmulatorConfig
from tests.engine.test_engine_review import endpoint, review
from tests.support.review_project import declare, write_project

pytestmark = [pytest.mark.engine, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return keyed_config(version="9.1.0", deployment_seconds=0.05)


@dataclass
class Reviewed:
    """A project whose declarations the test changes, its stack, and its review."""

    engine: Engine
    project: Path
    stack: auto.Stack
    declared: dict[str, Any]

    def review(self) -> tuple[int, str]:
        done = review(self.engine, self.project, "--format", "text", "--", "--stack", "dev")
        assert done.returncode in (0, 1), done.stdout + done.stderr
        return done.returncode, " ".join(done.stdout.split())

    def up(self) -> tuple[bool, str]:
        """Whether `up` succeeded, and what it said."""
        declare(self.project, self.declared)
        try:
            result = self.stack.up(color="never")
        except auto.errors.CommandError as failed:
            return False, " ".join(str(failed).split())
        return True, " ".join(result.stdout.split())

    def change(self, declared: dict[str, Any]) -> None:
        self.declared = declared
        declare(self.project, declared)


def reviewed(
    engine: Engine, cluster: Cluster, door: Door, tmp_path: Path, declared: dict[str, Any]
) -> Reviewed:
    project = write_project(tmp_path / "project", declared)
    stack = engine.project_stack(project)
    for key, value in {"door": door.name, "esUrl": cluster.url}.items():
        stack.set_config(key, auto.ConfigValue(value))
    for key, value in {"esApiKey": API_KEY, "openaiKey": secret_value("openai")}.items():
        stack.set_config(key, auto.ConfigValue(value, secret=True))
    return Reviewed(engine, project, stack, declared)


def made_by_hand(
    cluster: Cluster, inference_id: str, model: str = "text-embedding-3-small"
) -> None:
    body = {"service": "openai", "service_settings": {"model_id": model, "api_key": "by-hand"}}
    assert cluster.put(f"/_inference/text_embedding/{inference_id}", body).is_success


def test_an_adopted_endpoint_s_replacing_change_is_not_blocked_and_up_replaces_it(
    engine: Engine, cluster: Cluster, door: Door, tmp_path: Path
) -> None:
    """Defect 3: the imported program keeps adopt_existing=True; once the endpoint is in the
    stack, a model change is a replacement (delete, then create) that the review lets through
    and `up` does. It used to say "adopt_existing will FAIL" and block (exit 1)."""
    inference_id = unique("imported")
    made_by_hand(cluster, inference_id)
    declared = {"emb": {**endpoint(inference_id, "openaiKey"), "adopt_existing": True}}
    run = reviewed(engine, cluster, door, tmp_path, declared)
    code, said = run.review()
    assert code == 0 and "= adopt" in said and "Result: ready to apply" in said, said
    assert run.up()[0]

    declared["emb"]["service_settings"]["model_id"] = "text-embedding-3-large"
    run.change(declared)
    code, said = run.review()
    assert "will FAIL" not in said, said
    assert code == 0 and "+- replace emb" in said and "Result: ready to apply" in said, said
    applied, output = run.up()
    assert applied, output
    assert "will FAIL" not in output
    live = cluster.endpoint(inference_id) or {}
    assert live["service_settings"]["model_id"] == "text-embedding-3-large"
    assert run.stack.preview(color="never").change_summary.get("replace") is None


def test_an_adoption_that_cannot_change_in_place_is_blocked_and_up_fails_leaving_it(
    engine: Engine, cluster: Cluster, door: Door, tmp_path: Path
) -> None:
    """An endpoint new to the stack, adopted, whose live model differs: the review says it
    will fail (exit 1) and `up` fails, leaving the endpoint as it was and out of the stack."""
    inference_id = unique("differs")
    made_by_hand(cluster, inference_id, model="text-embedding-3-large")
    declared = {"emb": {**endpoint(inference_id, "openaiKey"), "adopt_existing": True}}
    run = reviewed(engine, cluster, door, tmp_path, declared)
    code, said = run.review()
    assert code == 1 and "Result: BLOCKED: 1 change(s) will fail" in said, said
    assert "emb (fails): inference endpoint" in said and "will FAIL" in said
    applied, output = run.up()
    assert not applied and "refuses the existing endpoint" in output, output
    live = cluster.endpoint(inference_id) or {}
    assert live["service_settings"]["model_id"] == "text-embedding-3-large"
    assert cluster.emulator.stored_secrets(inference_id) == {"api_key": "by-hand"}


def test_an_adoption_on_a_cluster_without_update_is_blocked_and_up_fails_leaving_it(
    engine: Engine, cluster: Cluster, door: Door, tmp_path: Path
) -> None:
    """8.16 has no _update: an adoption (which always sends the declared secrets) cannot be
    done. The review said "ADOPTS ... with one _update" and `up` failed; now it says it will
    fail, and it does."""
    cluster.emulator.set_version("8.16.0")
    inference_id = unique("old-cluster")
    made_by_hand(cluster, inference_id)
    declared = {"emb": {**endpoint(inference_id, "openaiKey"), "adopt_existing": True}}
    run = reviewed(engine, cluster, door, tmp_path, declared)
    code, said = run.review()
    assert code == 1 and "Result: BLOCKED: 1 change(s) will fail" in said, said
    assert "does not have (8.17+)" in said
    applied, output = run.up()
    assert not applied and "has no _update API (8.17+)" in output, output
    assert cluster.emulator.stored_secrets(inference_id) == {"api_key": "by-hand"}


def test_a_replacement_of_an_endpoint_in_use_is_blocked_and_up_fails_leaving_it(
    engine: Engine, cluster: Cluster, door: Door, tmp_path: Path
) -> None:
    """The replacement-impact verdict: an ingest pipeline uses the endpoint, so the review says
    the replacement will fail; `up` fails, the endpoint keeps its model, and the next review
    says the same."""
    inference_id = unique("in-use")
    declared = {"emb": endpoint(inference_id, "openaiKey")}
    run = reviewed(engine, cluster, door, tmp_path, declared)
    assert run.up()[0]
    uses = {"processors": [{"inference": {"model_id": inference_id}}]}
    assert cluster.put("/_ingest/pipeline/verdicts", uses).is_success

    declared["emb"]["service_settings"]["model_id"] = "text-embedding-3-large"
    run.change(declared)
    code, said = run.review()
    assert code == 1 and "Result: BLOCKED: 1 change(s) will fail" in said, said
    applied, output = run.up()
    assert not applied and "verdicts" in output, output
    live = cluster.endpoint(inference_id) or {}
    assert live["service_settings"]["model_id"] == "text-embedding-3-small"
    assert run.review()[0] == 1
