"""examples/multi-env as committed: its Pulumi.dev.yaml, secrets encrypted with
`pulumi config set --secret`, drives the real engine against the emulator."""

from __future__ import annotations

import runpy
import shutil
from pathlib import Path

import pytest
from pulumi import automation as auto

from devtools.engine import Engine
from pulumi_inference.emulator import Emulator, EmulatorConfig

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "multi-env"
PASSPHRASE = "multi-env-example"

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(api_keys=["dev-cluster-api-key"], deployment_seconds=0.2)


def test_committed_dev_stack_config_decrypts_and_deploys(
    tmp_path: Path, engine: Engine, emulator: Emulator
) -> None:
    project = tmp_path / "multi-env"
    shutil.copytree(EXAMPLE, project)  # the test overrides esUrl: never touch the repo's copy
    stack = auto.create_or_select_stack(
        stack_name="dev",
        project_name="inference-multi-env",
        program=lambda: runpy.run_path(str(project / "__main__.py"), run_name="example"),
        opts=auto.LocalWorkspaceOptions(
            work_dir=str(project),
            pulumi_home=engine.env["PULUMI_HOME"],
            env_vars={**engine.env, "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE},
            pulumi_command=engine.command,
        ),
    )
    assert stack.get_config("openaiApiKey").secret
    stack.set_config("esUrl", auto.ConfigValue(emulator.url))
    up = stack.up(color="never")
    assert up.outputs["elser_endpoint"].value == "dev-elser"
    assert emulator.stored_secrets("dev-openai-embeddings") == {"api_key": "sk-dev-openai-key"}
    assert (emulator.endpoint("dev-elser") or {})["service_settings"]["num_allocations"] == 1
    stack.destroy(color="never")
    assert emulator.endpoint("dev-elser") is None
