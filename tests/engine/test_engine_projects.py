"""Project directories run by the CLI itself (`pulumi up` in a folder with Pulumi.yaml),
through the Python language host that scripts/install-pulumi-cli puts beside the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pulumi import automation as auto

from devtools.engine import Engine
from pulumi_inference.emulator import Emulator, EmulatorConfig

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(deployment_seconds=0.3)


def project_stack(engine: Engine, project: Path) -> auto.Stack:
    if not (engine.cli_dir / "pulumi-language-python").exists():
        pytest.skip("no pulumi-language-python beside the CLI: run scripts/install-pulumi-cli")
    return engine.project_stack(project)


def test_quickstart_example_runs_as_a_project(
    engine: Engine, emulator: Emulator, tmp_path: Path
) -> None:
    project = tmp_path / "quickstart"
    shutil.copytree(ROOT / "examples" / "quickstart", project)
    stack = project_stack(engine, project)
    stack.set_config("elasticsearch:url", auto.ConfigValue(emulator.url))
    stack.set_config("openaiApiKey", auto.ConfigValue("sk-quickstart-key", secret=True))
    up = stack.up(color="never")
    assert up.outputs["inference_id"].value == "openai-embeddings"
    assert up.outputs["dimensions"].value == 1536
    assert emulator.stored_secrets("openai-embeddings") == {"api_key": "sk-quickstart-key"}
    assert stack.preview(color="never").change_summary == {auto.OpType.SAME: 2}
    stack.destroy(color="never")
    assert emulator.endpoint("openai-embeddings") is None


def test_the_root_demo_project_runs_as_a_project(
    engine: Engine, emulator: Emulator, tmp_path: Path
) -> None:
    project = tmp_path / "demo"
    project.mkdir()
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, project / name)
    stack = project_stack(engine, project)
    stack.set_config("elasticsearch:url", auto.ConfigValue(emulator.url))
    up = stack.up(color="never")
    assert up.summary.resource_changes == {"create": 5}
    assert up.outputs["embedding_similarity"].value == "dot_product"
    assert stack.preview(color="never").change_summary == {auto.OpType.SAME: 5}
    stack.destroy(color="never")


def test_a_failing_program_reports_its_error(engine: Engine, tmp_path: Path) -> None:
    project = tmp_path / "broken"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: broken\nruntime:\n  name: python\n")
    (project / "__main__.py").write_text("raise RuntimeError('the program is broken on purpose')\n")
    stack = project_stack(engine, project)
    with pytest.raises(auto.CommandError, match="broken on purpose"):
        stack.up(color="never")
