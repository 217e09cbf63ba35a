"""One error per mistake, once, readable (issue 34): each bad input of a program, run by the
CLI as a person runs it (`pulumi preview` in a project directory, the Python language host
`scripts/setup-dev` installs), gives its one error, naming the property as the program's
language spells it, and nothing else of ours. Pulumi's display prints an error on the
resource's row and again under Diagnostics: two places, one error (docs/configuration.md,
"Reading an error"). Line counts are of what a reader reads (Pulumi's `@ previewing` spinner,
whose count is timing's, left out); the counts before the change are in each case's comment.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from pulumi_inference.emulator import Emulator, EmulatorConfig
from tests.support.person import Person, Ran

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(deployment_seconds=1.5)


PYTHON = "name: {name}\nruntime: python\n"
OPENAI = 'inference_id="openai-embeddings", task_type="text_embedding", service="openai"'


@dataclass(frozen=True)
class Case:
    files: dict[str, str]
    error: str  # the one error, as the engine prints it after `error: `
    lines: int  # lines a reader reads, blank ones included (Pulumi's frame: 11 of them)


CASES = {
    # 19 lines before: two errors (the did-you-mean and "missing required setting
    # 'model_id'"), each inside `property ... value {<nil>} has a problem:`, then
    # "Resource monitor has terminated, shutting down" twice.
    "dict typo, dynamic": Case(
        {
            "Pulumi.yaml": PYTHON,
            "__main__.py": "import pulumi_inference as inference\n"
            f'inference.InferenceEndpoint("emb", {OPENAI},\n'
            '    service_settings={"modelid": "text-embedding-3-small", "api_key": "sk-t"})\n',
        },
        "pulumi-python:dynamic/elasticsearch:InferenceEndpoint resource 'emb' has a problem: "
        "service_settings.modelid: unknown setting 'modelid' for service 'openai'; "
        "did you mean 'model_id'?",
        13,
    ),
    # 19 lines before, as the dynamic door; the path was the schema's (`serviceSettings`).
    "dict typo, native Python": Case(
        {
            "Pulumi.yaml": PYTHON,
            "__main__.py": "import pulumi_inference.native as es\n"
            f'es.InferenceEndpoint("emb", {OPENAI},\n'
            '    service_settings={"modelid": "text-embedding-3-small", "api_key": "sk-t"})\n',
        },
        "elasticsearch-inference:index:InferenceEndpoint resource 'emb' has a problem: "
        "service_settings.modelid: unknown setting 'modelid' for service 'openai'; "
        "did you mean 'model_id'?",
        13,
    ),
    # 15 lines before (two errors, each twice, in Pulumi's `value {<nil>}` wrapper).
    "dict typo, YAML": Case(
        {
            "Pulumi.yaml": "name: {name}\nruntime: yaml\nresources:\n  emb:\n"
            "    type: elasticsearch-inference:index:InferenceEndpoint\n    properties:\n"
            "      inferenceId: openai-embeddings\n      taskType: text_embedding\n"
            "      service: openai\n      serviceSettings:\n"
            "        modelid: text-embedding-3-small\n        api_key: sk-t\n",
        },
        "elasticsearch-inference:index:InferenceEndpoint resource 'emb' has a problem: "
        "serviceSettings.modelid: unknown setting 'modelid' for service 'openai'; "
        "did you mean 'model_id'?",
        13,
    ),
    # 45 lines before: a Python traceback ending in pydantic's "Extra inputs are not
    # permitted", without the did-you-mean. The error starts with the file and line of the
    # constructor call (raised before any resource has the settings: which of several
    # endpoints' settings is wrong); still 12 lines.
    "typed class typo": Case(
        {
            "Pulumi.yaml": PYTHON,
            "__main__.py": "import pulumi_inference as inference\n"
            "from pulumi_inference.services import OpenAIServiceSettings\n"
            f'inference.InferenceEndpoint("emb", {OPENAI}, service_settings=\n'
            '    OpenAIServiceSettings(modelid="text-embedding-3-small", api_key="sk-t"))\n',
        },
        "__main__.py:4: OpenAIServiceSettings: unknown setting 'modelid' for service "
        "'openai'; did you mean 'model_id'?",
        12,
    ),
    # 19 lines before: "'num_threads' must be at least 1; got -1.0" and "num_threads must
    # be a power of two ...; got -1", each twice, in the wrapper.
    "num_threads -1": Case(
        {
            "Pulumi.yaml": PYTHON,
            "__main__.py": "import pulumi_inference as inference\n"
            'inference.InferenceEndpoint("e5", inference_id="e5", task_type="text_embedding",\n'
            '    service="elasticsearch", service_settings={"model_id": ".multilingual-e5-small",'
            ' "num_threads": -1, "num_allocations": 1})\n',
        },
        "pulumi-python:dynamic/elasticsearch:InferenceEndpoint resource 'e5' has a problem: "
        "service_settings.num_threads: num_threads must be a power of two between 1 and 32 "
        "(1, 2, 4, 8, 16, 32); got -1",
        13,
    ),
}


def preview(tmp_path: Path, cli: Path, emulator: Emulator, name: str, case: Case) -> Ran:
    person = Person(tmp_path, cli)
    if "runtime: yaml" in case.files["Pulumi.yaml"] and not (cli / "pulumi-language-yaml").exists():
        pytest.skip("no pulumi-language-yaml beside the CLI: run scripts/install-pulumi-cli")
    slug = name.replace(" ", "-").replace(",", "").replace("_", "-")
    files = {file: text.replace("{name}", slug) for file, text in case.files.items()}
    config = {"elasticsearch:url": emulator.url, "elasticsearch-inference:url": emulator.url}
    return person.run(person.project(slug, files, config), "preview")


@pytest.mark.parametrize("name", CASES)
def test_a_bad_input_is_one_error_said_once(
    name: str, tmp_path: Path, pulumi_cli_dir: Path, emulator: Emulator
) -> None:
    case = CASES[name]

    ran = preview(tmp_path, pulumi_cli_dir, emulator, name, case)

    assert ran.returncode != 0
    errors = [line.split("error: ", 1)[1] for line in ran.lines if "error: " in line]
    assert errors == [case.error, case.error], ran.output  # its row, then Diagnostics
    for noise in ("value {<nil>}", "missing required", "Resource monitor", "Traceback"):
        assert noise not in ran.output
    assert len(ran.lines) == case.lines, ran.output
    sent = [r for r in emulator.requests() if r["path"].startswith("/_inference")]
    assert sent == []  # refused before anything was sent


E5 = (
    'es.InferenceEndpoint("e5", inference_id="e5-progress", task_type="text_embedding",\n'
    '    service="elasticsearch", service_settings={"model_id": ".multilingual-e5-small",\n'
    '    "num_threads": 1, "num_allocations": 1})\n'
)
DOORS = {
    "dynamic": "import pulumi_inference as es\n",
    "native": "import pulumi_inference.native as es\n",
}


@pytest.mark.parametrize("door", DOORS)
def test_deployment_progress_shows_on_its_row_and_not_again_in_diagnostics(
    door: str, tmp_path: Path, pulumi_cli_dir: Path, emulator: Emulator
) -> None:
    """Each state of a model deployment is said once in a `pulumi up` as a person runs it (its
    preview, then the update), on the resource's row while it happens (the last one stays on
    the row of the created resource: Pulumi shows a resource's last message there); the
    preview half waits for nothing and says none. Before: the last state three times, every
    other twice (row, Diagnostics)."""
    person = Person(tmp_path, pulumi_cli_dir)
    files = {"Pulumi.yaml": PYTHON.replace("{name}", door), "__main__.py": DOORS[door] + E5}
    config = {"elasticsearch:url": emulator.url, "elasticsearch-inference:url": emulator.url}
    project = person.project(door, files, config)

    ran = person.run(project, "up", "--yes")

    assert ran.returncode == 0, ran.output
    previewed, _ = ran.output.split("\nUpdating (dev):\n")
    assert "e5-progress" not in previewed, ran.output
    states = [
        line.split("inference endpoint 'e5-progress': ", 1)[1]
        for line in ran.lines
        if "inference endpoint 'e5-progress': deployment" in line
    ]
    assert states, ran.output
    *passing, last = list(dict.fromkeys(states))
    assert "Diagnostics:" not in ran.output  # nothing durable was said
    assert [states.count(state) for state in passing] == [1] * len(passing)
    assert states.count(last) == 2 and states[-1] == last and "1/1" in last
    person.run(project, "destroy", "--yes", "--skip-preview")


ADOPTING = (
    'es.InferenceEndpoint("emb", inference_id="adopted-once", task_type="text_embedding",\n'
    '    service="openai", service_settings={"model_id": "text-embedding-3-small",\n'
    '    "api_key": "sk-declared"}, task_settings={"user": "declared"}, adopt_existing=True)\n'
)
PREDICTION = "inference endpoint 'adopted-once' on {url}: ADOPTS the existing endpoint"
RESULT = "inference endpoint 'adopted-once' on {url}: ADOPTED, not created; sent: "
PREDICTION_ROWS = {"dynamic": 2, "native": 1}
"""Rows Pulumi's display shows a preview's warning on: the dynamic door says it at check,
shown on the resource's row and on its step's; the native door at its create's preview,
shown on the step's row only."""


def made_by_hand(emulator: Emulator) -> None:
    made = {
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small", "api_key": "sk-by-hand"},
        "task_settings": {"user": "by-hand"},
    }
    with httpx.Client(base_url=emulator.url) as http:
        assert http.put("/_inference/text_embedding/adopted-once", json=made).is_success


def diagnostics(output: str) -> list[str]:
    """The lines Pulumi lists under ``Diagnostics:``, one per event a provider sent."""
    listed = output.split("\nDiagnostics:\n", 1)[1].split("\nResources:\n", 1)[0]
    return [line.strip() for line in listed.splitlines() if line.startswith("    ")]


@pytest.mark.parametrize("door", DOORS)
def test_an_adoption_is_predicted_by_the_preview_and_its_result_said_by_the_update(
    door: str, tmp_path: Path, pulumi_cli_dir: Path, emulator: Emulator
) -> None:
    """An adoption is predicted once in a `pulumi up` as a person runs it, by its preview
    (what the person confirms), and its result said once, by its update (what was done):
    one event each, which Pulumi shows on the resource's rows and under Diagnostics. Before:
    the update said the prediction again (six lines of it in an `up`, three per pass).
    A plain `pulumi preview` predicts it as well; `up --skip-preview` has no preview, and
    says the result alone. Nothing of how a door learns of the preview is stored."""
    person = Person(tmp_path, pulumi_cli_dir)
    files = {"Pulumi.yaml": PYTHON.replace("{name}", door), "__main__.py": DOORS[door] + ADOPTING}
    config = {"elasticsearch:url": emulator.url, "elasticsearch-inference:url": emulator.url}
    project = person.project(door, files, config)
    predicted, result = PREDICTION.format(url=emulator.url), RESULT.format(url=emulator.url)
    made_by_hand(emulator)

    previewed = person.run(project, "preview")
    assert previewed.returncode == 0, previewed.output
    assert [said for said in diagnostics(previewed.output) if predicted in said] != []

    ran = person.run(project, "up", "--yes")

    assert ran.returncode == 0, ran.output
    preview_half, update_half = ran.output.split("\nUpdating (dev):\n")
    listed = diagnostics(preview_half)
    assert [predicted in said for said in listed] == [True], ran.output
    assert sum(predicted in line for line in preview_half.splitlines()) == PREDICTION_ROWS[door] + 1
    assert result not in preview_half
    assert "ADOPTS" not in update_half, ran.output
    assert [said.startswith(result) for said in diagnostics(update_half)] == [True], ran.output
    exported = person.run(project, "stack", "export").output
    assert "adopted-once" in exported and "previewing" not in exported

    assert person.run(project, "destroy", "--yes", "--skip-preview").returncode == 0
    made_by_hand(emulator)
    unpreviewed = person.run(project, "up", "--yes", "--skip-preview")
    assert unpreviewed.returncode == 0, unpreviewed.output
    assert "ADOPTS" not in unpreviewed.output
    assert [said.startswith(result) for said in diagnostics(unpreviewed.output)] == [True]
    person.run(project, "destroy", "--yes", "--skip-preview")
