"""The policy pack (`pulumi-inference policy new`) under the real engine, through both front
doors: `pulumi preview --policy-pack` and `pulumi up --policy-pack` started by this checkout's
Python language host (RunPlugin), every rule violated and reported with its enforcement level,
configuration through `--policy-pack-config`, and no secret value in anything a pack says.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

from devtools.engine import Engine
from devtools.engine_programs import (
    DYNAMIC,
    Cluster,
    Door,
    e5_deployment,
    keyed_config,
    openai_embeddings,
    secret_value,
    unique,
)
from pulumi_inference.emulator import EmulatorConfig
from pulumi_inference.policy import write_pack
from tests.support.policy import pack_virtualenv

pytestmark = [pytest.mark.engine, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return keyed_config(deployment_seconds=0.05)


@dataclass
class Outcome:
    """What a run with the pack said: its policy events, all its output, and whether it
    failed."""

    violations: list[tuple[str, str, str, str]] = field(default_factory=list)
    """(policy, enforcement, resource name, message)"""
    text: str = ""
    failed: bool = False

    def by_policy(self, policy: str) -> list[tuple[str, str, str, str]]:
        return [v for v in self.violations if v[0] == policy]


def run_with_pack(
    stack: auto.Stack, operation: str, pack: Path, config: dict[str, Any] | None = None
) -> Outcome:
    outcome = Outcome()
    texts: list[str] = []
    kwargs: dict[str, Any] = {"policy_packs": [str(pack)]}
    if config is not None:
        config_file = pack.parent / f"config-{stack.name}.json"
        config_file.write_text(json.dumps(config))
        kwargs["policy_pack_configs"] = [str(config_file)]

    def on_event(event: auto.EngineEvent) -> None:
        texts.append(repr(event))
        said = event.policy_event
        if said is not None:
            name = (said.resource_urn or "").rsplit("::", 1)[-1]
            outcome.violations.append(
                (said.policy_name, said.enforcement_level, name, said.message)
            )

    try:
        result = getattr(stack, operation)(color="never", on_event=on_event, **kwargs)
        texts += [result.stdout, result.stderr]
    except auto.CommandError as exc:
        outcome.failed = True
        texts.append(str(exc))
    outcome.text = "\n".join(texts)
    return outcome


def protected(declared: dict[str, Any]) -> dict[str, Any]:
    return {**declared, "opts": pulumi.ResourceOptions(protect=True)}


ALLOWED = {
    "inference-allowed-services": {"allowed": ["openai", "elasticsearch"]},
    "inference-allowed-task-types": {"allowed": ["text_embedding", "sparse_embedding"]},
    "inference-allowed-models": {"allowed": ["text-embedding-3-*", ".multilingual-e5-small"]},
}


def test_a_compliant_program_passes_preview_and_up(
    policy_engine: Engine, cluster: Cluster, door: Door, policy_pack_dir: Path
) -> None:
    prefix = unique("ok")
    key = secret_value("openai")
    declarations = {
        "embeddings": protected(openai_embeddings(f"{prefix}-openai", key)),
        "e5": protected(e5_deployment(f"{prefix}-e5")),
    }
    stack = policy_engine.stack("prod", door.program(declarations, cluster.connection))

    previewed = run_with_pack(stack, "preview", policy_pack_dir, ALLOWED)
    assert not previewed.failed, previewed.text
    assert previewed.violations == []
    applied = run_with_pack(stack, "up", policy_pack_dir, ALLOWED)
    assert not applied.failed, applied.text
    assert applied.violations == []
    assert cluster.endpoint(f"{prefix}-e5") is not None
    assert key not in previewed.text + applied.text


def violating(prefix: str, keys: dict[str, str]) -> dict[str, dict[str, Any]]:
    """One endpoint per rule broken (none protected), each broken only by its own rule."""
    return {
        "rerank": {  # a service, task type and model not allowed
            "inference_id": f"{prefix}-rerank",
            "task_type": "rerank",
            "service": "cohere",
            "service_settings": {"model_id": "rerank-v3.5", "api_key": keys["cohere"]},
        },
        "big": e5_deployment(
            f"{prefix}-big",
            service_settings={
                "model_id": ".multilingual-e5-small",
                "num_threads": 1,
                "num_allocations": 9,
            },
        ),
        "adaptive": e5_deployment(
            f"{prefix}-adaptive",
            service_settings={
                "model_id": ".multilingual-e5-small",
                "num_threads": 1,
                "adaptive_allocations": {
                    "enabled": True,
                    "min_number_of_allocations": 1,
                    "max_number_of_allocations": 30,
                },
            },
        ),
        "forced": openai_embeddings(f"{prefix}-forced", keys["openai"], force_delete=True),
        "adopted": openai_embeddings(f"{prefix}-adopted", keys["openai"], adopt_existing=True),
        "unknown": {
            "inference_id": f"{prefix}-unknown",
            "task_type": "text_embedding",
            "service": "openai",
            "service_settings": {"model_id": "text-embedding-3-small", "api_key": keys["openai"]},
            "allow_unknown_service": True,
        },
    }


EXPECTED = {
    # policy: (enforcement, resource, what the message says)
    "inference-allowed-services": ("mandatory", "rerank", ["service 'cohere' is not allowed"]),
    "inference-allowed-task-types": ("mandatory", "rerank", ["task type 'rerank' is not allowed"]),
    "inference-allowed-models": ("mandatory", "rerank", ["model 'rerank-v3.5' is not allowed"]),
    "inference-max-allocations-per-endpoint": (
        "mandatory",
        "adaptive",
        ["adaptive_allocations.max_number_of_allocations is 30", "8"],
    ),
    "inference-no-force-delete": ("mandatory", "forced", ["force_delete is true", "Fix:"]),
    "inference-no-adopt-existing": ("advisory", "adopted", ["adopt_existing is true", "Fix:"]),
    "inference-no-unknown-service": ("mandatory", "unknown", ["allow_unknown_service is true"]),
}


def test_each_rule_broken_fails_preview_or_warns_and_no_secret_is_said(
    policy_engine: Engine, cluster: Cluster, door: Door, policy_pack_dir: Path
) -> None:
    prefix = unique("bad")
    keys = {"openai": secret_value("openai"), "cohere": secret_value("cohere")}
    stack = policy_engine.stack("prod", door.program(violating(prefix, keys), cluster.connection))

    outcome = run_with_pack(stack, "preview", policy_pack_dir, ALLOWED)

    assert outcome.failed, "mandatory violations must fail the preview"
    for policy, (level, resource, fragments) in EXPECTED.items():
        found = [v for v in outcome.by_policy(policy) if v[2] == resource]
        assert found, (policy, sorted(v[:3] for v in outcome.violations))
        assert found[0][1] == level, found
        for fragment in fragments:
            assert fragment in found[0][3], (fragment, found[0][3])
        assert f"'{prefix}-{resource}'" in found[0][3] or resource == "rerank"
    big = outcome.by_policy("inference-max-allocations-per-endpoint")
    assert {v[2] for v in big} == {"big", "adaptive"}, big
    (stack_total,) = outcome.by_policy("inference-max-allocations-per-stack")
    assert stack_total[1] == "mandatory" and "up to 39 ML allocations" in stack_total[3]
    unprotected = {v[2] for v in outcome.by_policy("inference-protected-in-stacks")}
    assert unprotected == set(violating(prefix, keys)), outcome.violations
    assert "stack 'prod'" in outcome.by_policy("inference-protected-in-stacks")[0][3]
    for key in keys.values():
        assert key not in outcome.text
    # The adopting endpoint's check looks it up (GET, REQ-CREATE-6); nothing else is sent.
    changing = [call for call in cluster.inference_requests() if call[0] != "GET"]
    assert changing == [], "a failed preview changes nothing"


def test_configured_levels_and_rules_let_preview_pass_with_warnings(
    policy_engine: Engine, cluster: Cluster, door: Door, policy_pack_dir: Path
) -> None:
    prefix = unique("warn")
    key = secret_value("openai")
    declarations = {
        "forced": openai_embeddings(f"{prefix}-forced", key, force_delete=True),
        "adopted": openai_embeddings(f"{prefix}-adopted", key, adopt_existing=True),
    }
    stack = policy_engine.stack("staging", door.program(declarations, cluster.connection))
    config = {**ALLOWED, "inference-no-force-delete": "advisory"}

    outcome = run_with_pack(stack, "preview", policy_pack_dir, config)

    assert not outcome.failed, outcome.text
    levels = {(v[0], v[1], v[2]) for v in outcome.violations}
    assert levels == {
        ("inference-no-force-delete", "advisory", "forced"),
        ("inference-no-adopt-existing", "advisory", "adopted"),
    }, outcome.violations
    assert key not in outcome.text


CONTEXT_PACK = """\
import os

import pulumi
from pulumi_policy import EnforcementLevel, PolicyPack, StackValidationPolicy


def report(args, report_violation):
    team = pulumi.Config("inference-engine-test").get("team")
    report_violation(
        f"project={pulumi.get_project()} stack={pulumi.get_stack()} "
        f"dry_run={pulumi.runtime.is_dry_run()} team={team} cwd={os.getcwd()}"
    )


PolicyPack("context", [StackValidationPolicy(
    name="context", description="what the pack knows", validate=report,
    enforcement_level=EnforcementLevel.ADVISORY,
)])
"""


def test_the_language_host_gives_the_pack_project_stack_config_and_dry_run(
    policy_engine: Engine, cluster: Cluster, tmp_path: Path
) -> None:
    """What Pulumi's Python host passes a pack (RunPlugin): the stack's identity, its config
    and whether this is a preview, and the pack's own directory as working directory."""
    pack = tmp_path / "context-pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text(
        "runtime:\n  name: python\n  options:\n    virtualenv: venv\nversion: 0.0.1\n"
    )
    (pack / "venv").symlink_to(pack_virtualenv())
    (pack / "__main__.py").write_text(CONTEXT_PACK)
    declarations = {"emb": openai_embeddings(unique("ctx"), secret_value("openai"))}
    stack = policy_engine.stack(
        "ctx", DYNAMIC.program(declarations, cluster.connection), config={"team": "search"}
    )
    expected = f"project=inference-engine-test stack=ctx dry_run={{}} team=search cwd={pack}"

    previewed = run_with_pack(stack, "preview", pack)
    assert [v[3].splitlines()[-1] for v in previewed.violations] == [expected.format(True)]
    applied = run_with_pack(stack, "up", pack)
    assert [v[3].splitlines()[-1] for v in applied.violations] == [expected.format(False)]


def test_a_pack_without_its_virtualenv_fails_naming_the_fix(
    policy_engine: Engine, cluster: Cluster, tmp_path: Path
) -> None:
    pack = tmp_path / "new-pack"
    write_pack(pack)  # as `pulumi-inference policy new` leaves it: venv not created yet
    declarations = {"emb": openai_embeddings(unique("novenv"), secret_value("openai"))}
    stack = policy_engine.stack("novenv", DYNAMIC.program(declarations, cluster.connection))

    outcome = run_with_pack(stack, "preview", pack)

    assert outcome.failed
    assert (
        f"virtualenv 'venv' (runtime.options.virtualenv in {pack}/PulumiPolicy.yaml)"
        in outcome.text
    )
    assert f"python3 -m venv {pack}/venv" in outcome.text
