"""What only the native provider plugin does, with the real engine: Pulumi YAML programs,
`pulumi import`, `import_`, per-key diffs in `preview --diff`, errors without Python frames,
and moving endpoints from the dynamic resource without recreating them.

Behaviour both front ends share is tested once for both in tests/engine/test_engine.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

import pulumi_inference as inference
import pulumi_inference.native as es
from devtools.engine import Engine, export_without_secrets, stored_state_text
from devtools.engine_programs import (
    API_KEY,
    API_KEY_RAW,
    NATIVE,
    Cluster,
    changes,
    exported_endpoints,
    keyed_config,
    openai_embeddings,
    preview_changes,
    secret_value,
    unique,
    up_changes,
)
from pulumi_inference.emulator import Emulator, EmulatorConfig
from pulumi_inference.properties import NATIVE_PACKAGE, NATIVE_RESOURCE_TYPE

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.engine, pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return keyed_config(deployment_seconds=0.2)


def cluster_config(cluster: Cluster) -> tuple[dict[str, str], dict[str, str]]:
    """(plain, secret) stack config pointing the native default provider at ``cluster``."""
    return {NATIVE.config_key("url"): cluster.url}, {NATIVE.config_key("api_key"): API_KEY}


def run_cli(stack: auto.Stack, *args: str) -> auto.CommandResult:
    return stack.workspace.pulumi_command.run(
        [*args, "--stack", stack.name], stack.workspace.work_dir, dict(stack.workspace.env_vars)
    )


# -- Pulumi YAML -------------------------------------------------------------------------


def test_the_yaml_example_runs_through_the_plugin(
    engine: Engine, cluster: Cluster, tmp_path: Path
) -> None:
    if not (engine.cli_dir / "pulumi-language-yaml").exists():
        pytest.skip("no pulumi-language-yaml beside the CLI: run scripts/install-pulumi-cli")
    project = tmp_path / "yaml"
    shutil.copytree(ROOT / "examples" / "yaml", project)
    prefix = unique("yaml")
    openai_key = secret_value("openai")
    stack = engine.project_stack(project)
    plain, secret = cluster_config(cluster)
    for key, value in {**plain, "idPrefix": prefix}.items():
        stack.set_config(key, auto.ConfigValue(value))
    for key, value in {**secret, "openaiApiKey": openai_key}.items():
        stack.set_config(key, auto.ConfigValue(value, secret=True))

    up = stack.up(color="never")
    assert up.outputs["dimensions"].value == 1536
    assert up.outputs["similarity"].value == "dot_product"
    assert up.outputs["elserId"].value == f"{prefix}-elser"
    assert cluster.emulator.stored_secrets(f"{prefix}-openai-embeddings") == {"api_key": openai_key}
    elser = cluster.endpoint(f"{prefix}-elser")
    assert elser is not None and elser["service_settings"]["adaptive_allocations"]["enabled"]
    assert "using pulumi-resource" not in up.stderr  # the installed plugin: no ambient warning
    assert openai_key not in stored_state_text(engine)

    assert preview_changes(stack) == {}
    stack.refresh(color="never")
    assert preview_changes(stack) == {}
    stack.destroy(color="never")
    assert cluster.endpoint(f"{prefix}-elser") is None


# -- import ------------------------------------------------------------------------------


def made_by_hand(cluster: Cluster, inference_id: str, api_key: str) -> None:
    body = {
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small", "api_key": api_key},
        "task_settings": {"user": "made-by-hand"},
    }
    assert cluster.put(f"/_inference/text_embedding/{inference_id}", body).status_code == 200


def test_pulumi_import_adopts_an_endpoint_by_its_id(engine: Engine, cluster: Cluster) -> None:
    """REQ-READ-4: pulumi import records the endpoint as a person would declare it."""
    inference_id = unique("imported")
    made_by_hand(cluster, inference_id, secret_value("hand"))
    plain, secret = cluster_config(cluster)
    stack = engine.stack("import", lambda: None, config=plain, secret_config=secret)
    cluster.clear()

    run_cli(
        stack,
        "import",
        NATIVE_RESOURCE_TYPE,
        "embeddings",
        inference_id,
        "--yes",
        "--generate-code=false",
        "--non-interactive",
    )
    # Read only: the endpoint looked up by its id (once for the preview, once to import).
    assert set(cluster.inference_requests()) == {("GET", f"/_inference/{inference_id}")}
    imported = exported_endpoints(export_without_secrets(stack))["embeddings"]
    inputs = NATIVE.state_props(imported, "inputs")
    assert inputs == {
        "inference_id": inference_id,
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small"},
        "task_settings": {"user": "made-by-hand"},
    }  # what a person would declare: no server defaults, no secret it cannot know
    outputs = NATIVE.state_props(imported, "outputs")
    assert outputs["effective_service_settings"]["dimensions"] == 1536


def test_pulumi_import_takes_terraforms_id_and_checks_its_cluster_uuid(
    engine: Engine, cluster: Cluster
) -> None:
    """REQ-READ-6: Terraform's id, <cluster_uuid>/<inference_id>, imports the endpoint
    (recorded by its inference id) when the uuid is the cluster's; another uuid is one clear
    error, and nothing is imported."""
    inference_id = unique("from-terraform")
    made_by_hand(cluster, inference_id, secret_value("terraform"))
    uuid = cluster.get("/").json()["cluster_uuid"]
    plain, secret = cluster_config(cluster)
    stack = engine.stack("import-tf", lambda: None, config=plain, secret_config=secret)
    args = [NATIVE_RESOURCE_TYPE, "embeddings"]
    options = ["--yes", "--generate-code=false", "--non-interactive"]

    with pytest.raises(auto.CommandError) as refused:
        run_cli(stack, "import", *args, f"not{uuid}/{inference_id}", *options)
    said = str(refused.value)
    assert f"import id 'not{uuid}/{inference_id}' is Terraform's id of an endpoint on cluster" in (
        said
    )
    assert f"import by the inference id alone ('{inference_id}')" in said
    assert exported_endpoints(export_without_secrets(stack)) == {}

    run_cli(stack, "import", *args, f"{uuid}/{inference_id}", *options)
    exported = stack.export_stack().deployment["resources"]
    imported = next(r for r in exported if r["type"] == NATIVE_RESOURCE_TYPE)
    assert imported["id"] == inference_id
    assert NATIVE.state_props(imported, "inputs")["inference_id"] == inference_id


def test_the_import_option_adopts_and_sets_the_declared_secret_in_place(
    engine: Engine, cluster: Cluster
) -> None:
    """REQ-READ-4: import_ adopts, then sets the declared secret in place."""
    inference_id = unique("import-opt")
    made_by_hand(cluster, inference_id, secret_value("old"))
    new_key = secret_value("new")
    declared = openai_embeddings(inference_id, new_key, task_settings={"user": "made-by-hand"})

    def program() -> None:
        es.InferenceEndpoint(
            "embeddings", **declared, opts=pulumi.ResourceOptions(import_=inference_id)
        )

    plain, secret = cluster_config(cluster)
    stack = engine.stack("import-opt", program, config=plain, secret_config=secret)
    cluster.clear()
    result = stack.up(color="never")  # the stack is created; the endpoint imported, updated
    assert changes(result.summary.resource_changes) == {"create": 1, "import": 1, "update": 1}
    calls = cluster.inference_requests()
    assert ("PUT", f"/_inference/text_embedding/{inference_id}") not in calls  # never recreated
    assert not [call for call in calls if call[0] == "DELETE"]
    assert cluster.emulator.stored_secrets(inference_id) == {"api_key": new_key}
    assert preview_changes(stack) == {}
    assert new_key not in stored_state_text(engine)


# -- review ------------------------------------------------------------------------------


def test_preview_diff_names_each_changed_key(engine: Engine, cluster: Cluster) -> None:
    """REQ-PLAN-6: A rotated key shows as a changed secret; a new model as the replacement it is."""
    inference_id = unique("diff")
    declared = openai_embeddings(inference_id, lambda: pulumi.Config().require_secret("openaiKey"))
    plain, secret = cluster_config(cluster)
    stack = engine.stack(
        "diff",
        NATIVE.program({"emb": declared}),
        config=plain,
        secret_config={**secret, "openaiKey": secret_value("first")},
    )
    stack.up(color="never")

    stack.set_config("openaiKey", auto.ConfigValue(secret_value("second"), secret=True))
    rotation = stack.preview(color="never", diff=True).stdout
    assert "~ serviceSettings: {" in rotation
    assert "~ api_key: [secret] => [secret]" in rotation
    assert "model_id" not in rotation  # only what changes is shown
    stack.up(color="never")

    declared["service_settings"]["model_id"] = "text-embedding-3-large"
    replacement = stack.preview(color="never", diff=True).stdout
    assert "+-elasticsearch-inference:index:InferenceEndpoint: (replace)" in replacement
    assert '~ model_id: "text-embedding-3-small" => "text-embedding-3-large"' in replacement
    assert "[diff: ~serviceSettings]" in replacement or "~ serviceSettings" in replacement


def test_a_failure_is_one_clear_message_without_python_frames(
    engine: Engine, cluster: Cluster
) -> None:
    """REQ-ERROR-1, REQ-SECRET-2: no frames, no secret."""
    inference_id = unique("denied")
    wrong = secret_value("wrong-es-key")
    stack = engine.stack(
        "denied",
        NATIVE.program({"emb": openai_embeddings(inference_id, secret_value("openai"))}),
        config={NATIVE.config_key("url"): cluster.url},
        secret_config={NATIVE.config_key("api_key"): wrong},
    )
    with pytest.raises(auto.CommandError) as refused:
        stack.up(color="never")
    message = str(refused.value)
    assert "refused the credentials" in message
    assert 'File "' not in message and "Traceback" not in message
    assert wrong not in message
    assert API_KEY_RAW not in message


# -- from the dynamic resource to the native one ---------------------------------------


def test_endpoints_move_from_the_dynamic_resource_to_the_native_one_in_place(
    engine: Engine, cluster: Cluster
) -> None:
    """REQ-READ-4: docs/migrating-to-native.md, step by step: retain, then import, then done."""
    cluster.emulator.set_version("9.4.0")  # an update no longer resets chunking (see diff.py)
    inference_id = unique("moved")
    key = secret_value("openai")
    declared = openai_embeddings(inference_id, key)
    step = {"name": "dynamic"}

    def program() -> None:
        if step["name"] == "dynamic":
            inference.InferenceEndpoint("emb", **declared, connection=cluster.connection())
        elif step["name"] == "retain":
            inference.InferenceEndpoint(
                "emb",
                **declared,
                connection=cluster.connection(),
                opts=pulumi.ResourceOptions(retain_on_delete=True),
            )
        else:
            opts: dict[str, Any] = {"import_": inference_id} if step["name"] == "import" else {}
            es.InferenceEndpoint("embeddings", **declared, opts=pulumi.ResourceOptions(**opts))

    plain, secret = cluster_config(cluster)
    stack = engine.stack("moved", program, config=plain, secret_config=secret)
    stack.up(color="never")
    created = cluster.endpoint(inference_id)

    step["name"] = "retain"
    assert up_changes(stack) == {}  # a resource option: recorded in state, nothing to do
    retained = exported_endpoints(export_without_secrets(stack))["emb"]
    assert retained.get("retainOnDelete") is True
    step["name"] = "import"
    cluster.clear()
    assert up_changes(stack) == {"import": 1, "update": 1, "delete": 1}
    calls = cluster.inference_requests()
    assert not [call for call in calls if call[0] == "DELETE"], calls  # retained, not deleted
    assert ("PUT", f"/_inference/text_embedding/{inference_id}") not in calls
    assert cluster.endpoint(inference_id) == created
    assert cluster.emulator.stored_secrets(inference_id) == {"api_key": key}

    step["name"] = "native"
    assert preview_changes(stack) == {}
    types = {r["type"] for r in exported_endpoints(export_without_secrets(stack)).values()}
    assert types == {NATIVE_RESOURCE_TYPE}
    stack.destroy(color="never")
    assert cluster.endpoint(inference_id) is None


def test_install_plugin_registers_it_so_pulumi_finds_it_quietly(
    engine: Engine, cluster: Cluster, tmp_path: Path
) -> None:
    """`pulumi-inference install-plugin`, the README's way: an installed plugin, no warning,
    also in an activated virtualenv (its bin first on PATH, where pip puts console scripts)."""
    home = tmp_path / "fresh-pulumi-home"
    home.mkdir()
    env = {**engine.env, "PULUMI_HOME": str(home)}
    env.pop("PULUMI_IGNORE_AMBIENT_PLUGINS")  # as a user runs it: PATH would be searched too
    venv_bin = Path(sys.executable).parent  # an activated virtualenv
    env["PATH"] = f"{venv_bin}:{engine.cli_dir}:/usr/bin:/bin"
    installed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pulumi_inference.cli",
            "install-plugin",
            "--pulumi",
            str(engine.cli_dir / "pulumi"),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    listed = subprocess.run(
        [str(engine.cli_dir / "pulumi"), "plugin", "ls"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert NATIVE_PACKAGE in listed and "resource" in listed

    inference_id = unique("installed")
    stack = auto.create_or_select_stack(
        stack_name="installed",
        project_name="installed-plugin",
        program=NATIVE.program({"emb": openai_embeddings(inference_id, secret_value("openai"))}),
        opts=auto.LocalWorkspaceOptions(
            work_dir=str(tmp_path),
            pulumi_home=str(home),
            env_vars=env,
            pulumi_command=engine.command,
            project_settings=auto.ProjectSettings(name="installed-plugin", runtime="python"),
        ),
    )
    plain, secret = cluster_config(cluster)
    for key, value in plain.items():
        stack.set_config(key, auto.ConfigValue(value))
    for key, value in secret.items():
        stack.set_config(key, auto.ConfigValue(value, secret=True))
    up = stack.up(color="never")
    assert "from $PATH" not in up.stdout + up.stderr
    assert cluster.endpoint(inference_id) is not None
    destroyed = stack.destroy(color="never")
    assert "from $PATH" not in destroyed.stdout + destroyed.stderr


def test_explicit_providers_put_endpoints_on_two_clusters(engine: Engine, cluster: Cluster) -> None:
    """One program, two clusters: each endpoint lands where its provider points."""
    with Emulator(EmulatorConfig()) as other:
        first_id, second_id = unique("east"), unique("west")
        key = secret_value("openai")

        def program() -> None:
            east = es.Provider("east", cluster.connection())
            west = es.Provider("west", inference.Connection(url=other.url))
            for inference_id, provider in ((first_id, east), (second_id, west)):
                es.InferenceEndpoint(
                    inference_id,
                    **openai_embeddings(inference_id, key),
                    opts=pulumi.ResourceOptions(provider=provider),
                )

        stack = engine.stack("two-clusters", program)
        stack.up(color="never")
        assert cluster.endpoint(first_id) is not None and other.endpoint(first_id) is None
        assert other.endpoint(second_id) is not None and cluster.endpoint(second_id) is None
        assert preview_changes(stack) == {}
        exported = export_without_secrets(stack)
        assert API_KEY not in exported  # the provider's key is a secret in state
        stack.destroy(color="never")
        assert other.endpoint(second_id) is None and cluster.endpoint(first_id) is None
