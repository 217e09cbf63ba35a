"""examples/ci/inference-endpoints.yml, run as GitHub Actions would, against the emulator: every
`run:` step of its jobs in their order (pull request, merge, nightly drift check), with the
workflow's env evaluated from repository variables and secrets.

What the test environment stands in for: `uses:` steps (checkout, Python, the Pulumi CLI,
posting the comment) and the step with id `install` (pip installs from PyPI): the checkout is
a copy of examples/ci, the program runs with this checkout's Python, and the pack with its
cached virtualenv. The state backend is a local file backend (the workflow reads any
backend URL from its settings).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from devtools.engine import PASSPHRASE, Engine
from devtools.engine_programs import API_KEY, Cluster, keyed_config, secret_value
from pulumi_inference.emulator import EmulatorConfig
from tests.support.policy import pack_virtualenv

pytestmark = [pytest.mark.engine, pytest.mark.timeout(600)]
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ci"
WORKFLOW = EXAMPLE / "inference-endpoints.yml"
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return keyed_config(deployment_seconds=0.05)


@dataclass
class StepRun:
    name: str
    code: int
    output: str


class Runner:
    """The jobs' `run:` steps, run in a checkout with the workflow's environment."""

    def __init__(self, checkout: Path, engine: Engine, variables: dict[str, str]) -> None:
        self.workflow = yaml.safe_load(WORKFLOW.read_text())
        self.checkout = checkout
        self.engine = engine
        self.context: dict[str, Any] = {"vars": variables, "secrets": {}, "steps": {}}
        self.history: list[StepRun] = []
        """Every step run so far, for the check that no secret was ever printed."""

    def evaluate(self, text: str) -> str:
        def value(match: re.Match[str]) -> str:
            scope, _, rest = match.group(1).partition(".")
            if scope in ("vars", "secrets"):
                return str(self.context[scope].get(rest, ""))
            if scope == "steps":
                step, _, output = rest.partition(".outputs.")
                return str(self.context["steps"].get(step, {}).get(output, ""))
            raise AssertionError(f"the test cannot evaluate ${{{{ {match.group(1)} }}}}")

        return EXPRESSION.sub(value, text)

    def environment(self, outputs: Path, summary: Path) -> dict[str, str]:
        workflow_env = {k: self.evaluate(str(v)) for k, v in self.workflow["env"].items()}
        tools = f"{Path(sys.executable).parent}{os.pathsep}{self.engine.env['PATH']}"
        return {
            **os.environ,
            **self.engine.env,
            **workflow_env,
            "PATH": tools,
            "GITHUB_OUTPUT": str(outputs),
            "GITHUB_STEP_SUMMARY": str(summary),
        }

    def job(self, name: str) -> list[StepRun]:
        """Every `run:` step of the job until one fails, as Actions does."""
        runs: list[StepRun] = []
        self.context["steps"] = {}
        for step in self.workflow["jobs"][name]["steps"]:
            if "run" not in step or step.get("id") == "install":
                continue
            outputs = self.checkout / f".outputs-{len(runs)}"
            outputs.write_text("")
            env = self.environment(outputs, self.checkout / "summary.md")
            done = subprocess.run(
                [
                    "bash",
                    "--noprofile",
                    "--norc",
                    "-eo",
                    "pipefail",
                    "-c",
                    self.evaluate(step["run"]),
                ],
                cwd=self.checkout,
                env=env,
                capture_output=True,
                text=True,
            )
            runs.append(StepRun(step["name"], done.returncode, done.stdout + done.stderr))
            if "id" in step:
                self.context["steps"][step["id"]] = dict(
                    line.split("=", 1) for line in outputs.read_text().splitlines() if "=" in line
                )
            if done.returncode != 0:
                break
        self.history += runs
        return runs


def failed(runs: list[StepRun]) -> list[str]:
    return [run.name for run in runs if run.code != 0]


def said(runs: list[StepRun]) -> str:
    return "\n".join(f"## {run.name} ({run.code})\n{run.output}" for run in runs)


def checkout_of_example(directory: Path, pack_venv: Path) -> Path:
    shutil.copytree(EXAMPLE, directory / "examples" / "ci")
    (directory / "examples" / "ci" / "policy" / "venv").symlink_to(pack_venv)
    return directory


def example_runner(checkout: Path, engine: Engine, cluster: Cluster, openai_key: str) -> Runner:
    """The workflow in a copy of examples/ci, its settings pointing at the emulator."""
    variables = {
        "PULUMI_BACKEND_URL": engine.backend.as_uri(),
        "PULUMI_STACK": "prod",
        "ELASTICSEARCH_URL": cluster.url,
    }
    runner = Runner(checkout_of_example(checkout, pack_virtualenv()), engine, variables)
    runner.context["secrets"] = {
        "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
        "ELASTICSEARCH_API_KEY": API_KEY,
        "OPENAI_API_KEY": openai_key,
    }
    return runner


def test_the_ci_workflow_reviews_applies_and_checks_drift(
    policy_engine: Engine, cluster: Cluster, tmp_path: Path
) -> None:
    openai_key = secret_value("openai")
    checkout = tmp_path / "repo"
    runner = example_runner(checkout, policy_engine, cluster, openai_key)

    # The first pull request: two endpoints to create, nothing in the way.
    pull_request = runner.job("preview")
    assert failed(pull_request) == [], said(pull_request)
    comment = (checkout / "review.md").read_text()
    assert "## Inference endpoints: 2 to create" in comment
    assert "No policy violations." in comment and "Result: ready to apply" in comment
    assert cluster.endpoint("ci-e5") is None  # a preview changes nothing

    # Merged: applied with the same pack.
    merged = runner.job("up")
    assert failed(merged) == [], said(merged)
    assert cluster.endpoint("ci-e5") is not None
    assert cluster.endpoint("ci-openai-embeddings") is not None

    # Nightly: no drift, then a change made by hand on the cluster is drift.
    nightly = runner.job("drift")
    assert failed(nightly) == [], said(nightly)
    cluster.hand_edit("ci-e5", {"service_settings": {"num_allocations": 2}})
    drifted = runner.job("drift")
    assert failed(drifted) == ["Check for drift (fails when the cluster differs from the stack)"]
    assert (
        "num_allocations" in drifted[-1].output and "no changes were expected" in drifted[-1].output
    ), drifted[-1].output

    # A pull request with a model the platform does not allow: the check fails, the comment
    # says why.
    stack_config = checkout / "examples" / "ci" / "infra" / "Pulumi.prod.yaml"
    stack_config.write_text(
        stack_config.read_text() + "  inference-ci:embeddingModel: text-embedding-ada-002\n"
    )
    refused = runner.job("preview")
    assert failed(refused) == ["Fail when the review blocks the change"], said(refused)
    comment = (checkout / "review.md").read_text()
    assert "inference-allowed-models" in comment and "'text-embedding-ada-002'" in comment
    assert "Result: BLOCKED" in comment

    output = said(runner.history) + comment
    for value in (openai_key, API_KEY, PASSPHRASE):
        assert value not in output
