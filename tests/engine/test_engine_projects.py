"""Project directories run by the CLI itself (`pulumi up` in a folder with Pulumi.yaml),
through the Python language host that scripts/install-pulumi-cli puts beside the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pulumi import automation as auto

from devtools.engine import Engine
from pulumi_inference.emulator import Emulator, EmulatorConfig
from tests.support.person import Person

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


NATIVE_PROGRAM = """\
import pulumi_inference.native as es

es.InferenceEndpoint(
    "embeddings",
    inference_id="openai-embeddings",
    task_type="text_embedding",
    service="openai",
    service_settings={"model_id": "text-embedding-3-small", "api_key": "sk-unregistered"},
)
"""


def _preview_without_plugins(
    pulumi_cli_dir: Path, emulator: Emulator, tmp_path: Path, program: str
) -> tuple[Path, str]:
    """`pulumi preview` of ``program`` as a person runs it, in a PULUMI_HOME where
    `install-plugin` never ran; what it printed."""
    home = tmp_path / "pulumi-home-without-plugins"
    person = Person(tmp_path, pulumi_cli_dir, pulumi_home=home)
    files = {"Pulumi.yaml": "name: native\nruntime: python\n", "__main__.py": program}
    project = person.project("native", files, {"elasticsearch-inference:url": emulator.url})
    previewed = person.run(project, "preview")
    assert previewed.returncode != 0
    return home, previewed.output


def test_a_native_program_without_the_plugin_says_to_run_install_plugin(
    pulumi_cli_dir: Path, emulator: Emulator, tmp_path: Path
) -> None:
    """One error saying what to run, where Pulumi would look for a release on GitHub and
    cancel the program (178 lines with a traceback before, 15 now: Pulumi's display shows an
    error in the resource's row and again under Diagnostics)."""
    home, output = _preview_without_plugins(pulumi_cli_dir, emulator, tmp_path, NATIVE_PROGRAM)

    said = f"none in {home / 'plugins'}): run `pulumi-inference install-plugin` once"
    assert output.count(said) == 2, output  # the row, and Diagnostics: Pulumi's display
    assert "Traceback" not in output and "KeyboardInterrupt" not in output
    assert "github.com" not in output  # the engine never looked for a release
    assert len(output.strip().splitlines()) <= 16, output


def test_a_program_the_engine_cancels_gets_no_traceback_from_the_language_host(
    pulumi_cli_dir: Path, emulator: Emulator, tmp_path: Path
) -> None:
    """A resource of the plugin registered without the SDK (which would have said to run
    install-plugin): the engine fails to load the plugin and cancels the program; the host
    adds nothing to the engine's own error (a `context canceled` traceback ending in
    KeyboardInterrupt before)."""
    program = (
        "import pulumi\n"
        "pulumi.CustomResource('elasticsearch-inference:index:InferenceEndpoint', 'raw', {})\n"
    )
    _, output = _preview_without_plugins(pulumi_cli_dir, emulator, tmp_path, program)

    assert "pulumi:providers:elasticsearch-inference" in output  # the engine's own error
    assert "Traceback" not in output and "KeyboardInterrupt" not in output
    assert "context canceled" not in output
