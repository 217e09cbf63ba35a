"""`pulumi-inference import --from-terraform` with the real engine, through both doors.

The cluster is made as examples/terraform-migration/make-cluster makes it (what Terraform's
apply sent, then a task setting changed and an endpoint deleted by hand); the command reads
the example's state, writes the project and the stack's config (secrets encrypted); then
`pulumi up` sends exactly what is needed (the stale endpoint's _update, the deleted one's
create, nothing for the others: no _update, so no chunking reset on 9.1), `pulumi preview`
shows no change, and a key rotated afterwards is sent with one _update.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from pulumi import automation as auto

from devtools.engine import Engine, stored_state_text
from devtools.engine_programs import (
    API_KEY,
    CLUSTER_API_KEYS,
    EXAMPLES,
    Cluster,
    Door,
    changes,
)
from pulumi_inference.cli import main
from pulumi_inference.emulator import ApiKey, EmulatorConfig

pytestmark = [pytest.mark.engine, pytest.mark.timeout(400)]

EXAMPLE = EXAMPLES / "terraform-migration"
STATE = EXAMPLE / "terraform" / "terraform.tfstate"
SEARCH_TEAM_KEY = ApiKey("search-team:example-search-team-key", name="search-team")
STATE_SECRETS = (
    "sk-example-openai-key-from-terraform",
    "example-cohere-key-from-terraform",
    "AKIAEXAMPLETERRAFORM1",
    "example-aws-secret-from-terraform",
    "c2VhcmNoLXRlYW06ZXhhbXBsZS1zZWFyY2gtdGVhbS1rZXk=",
)


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    # 9.1: an _update resets chunking (elastic/elasticsearch#139574); no adoption may send one
    return EmulatorConfig(api_keys=(*CLUSTER_API_KEYS, SEARCH_TEAM_KEY), version="9.1.0")


def make_cluster(cluster: Cluster) -> None:
    env = {"ELASTICSEARCH_URL": cluster.url, "ELASTICSEARCH_API_KEY": API_KEY, "PATH": ""}
    done = subprocess.run(
        [sys.executable, str(EXAMPLE / "make-cluster")], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def run_import(
    engine: Engine, cluster: Cluster, out: Path, *flags: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str]:
    """The command as a user runs it: the cluster from the environment, Pulumi's backend and
    passphrase as the engine has them."""
    with monkeypatch.context() as env:
        for key, value in engine.env.items():
            env.setenv(key, value)
        env.setenv("ELASTICSEARCH_URL", cluster.url)
        env.setenv("ELASTICSEARCH_API_KEY", API_KEY)
        code = main(["import", "--from-terraform", str(STATE), "--out", str(out), *flags])
    return code, ""


def writes(cluster: Cluster) -> list[tuple[str, str]]:
    return sorted((m, p) for m, p in cluster.inference_requests() if m != "GET")


def test_the_state_is_adopted_sending_only_what_is_stale_then_a_rotation_is_sent(
    door: Door,
    engine: Engine,
    cluster: Cluster,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_cluster(cluster)
    chunking_before = (cluster.endpoint("openai-embeddings") or {})["chunking_settings"]
    out = tmp_path / "migrated"
    flags = ["--stack", "dev", *(["--native"] if door.native else [])]
    code, _ = run_import(engine, cluster, out, *flags, monkeypatch=monkeypatch)
    printed = capsys.readouterr()
    assert code == 0, printed.err
    said = printed.out
    assert "cohere-rerank-docs: differs from Terraform's state" in said
    assert "task_settings.top_n: state 5, cluster 10" in said
    assert "cohere-rerank-support: in Terraform's state but gone from" in said
    assert "elasticstack_elasticsearch_index.docs: another resource type" in said
    assert (
        "terraform state rm 'elasticstack_elasticsearch_inference_endpoint.rerank[\"docs\"]'"
        in said
    )
    program = (out / "__main__.py").read_text()
    assert program.count("adopt_secrets_digest=") == 2  # openai, bedrock: the cluster matches

    stack = engine.project_stack(out)
    cluster.clear()
    result = stack.up(color="never")
    adopted = 5 if not door.native else 0
    summary = changes(result.summary.resource_changes)
    if door.native:
        assert summary == {"create": 3, "import": 4, "update": 1}  # stack, provider, support
    else:
        assert summary == {"create": adopted + 1}
    assert writes(cluster) == [
        ("PUT", "/_inference/rerank/cohere-rerank-docs/_update"),  # stale: top_n back to 5
        ("PUT", "/_inference/rerank/cohere-rerank-support"),  # gone: made again
    ]
    docs = cluster.endpoint("cohere-rerank-docs") or {}
    assert docs["task_settings"]["top_n"] == 5
    assert (cluster.endpoint("openai-embeddings") or {})["chunking_settings"] == chunking_before
    emulator = cluster.emulator
    assert emulator.stored_secrets("openai-embeddings") == {
        "api_key": "sk-example-openai-key-from-terraform"
    }
    stack.preview(color="never", expect_no_changes=True)

    stack.set_config(
        "openaiEmbeddingsApiKey", auto.ConfigValue("sk-rotated-LEAKCHECK", secret=True)
    )
    cluster.clear()
    assert changes(stack.up(color="never").summary.resource_changes).get("update") == 1
    assert writes(cluster) == [("PUT", "/_inference/text_embedding/openai-embeddings/_update")]
    assert emulator.stored_secrets("openai-embeddings") == {"api_key": "sk-rotated-LEAKCHECK"}
    stack.preview(color="never", expect_no_changes=True)

    on_disk = "".join(p.read_text() for p in out.iterdir() if p.is_file())
    state_text = stored_state_text(engine)
    for secret in (*STATE_SECRETS, "sk-rotated-LEAKCHECK"):
        assert secret not in said + printed.err
        assert secret not in on_disk
        assert secret not in state_text


def _nothing_written(out: Path, engine: Engine) -> None:
    assert not out.exists() or list(out.iterdir()) == []
    assert not list((engine.backend).rglob("*.json"))


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("{not json", "not JSON (line 1)"),
        ('{"version": 3, "resources": []}', "Terraform state format version 3"),
        (
            '{"version": 4, "resources": [{"mode": "managed", "type": "aws_instance", '
            '"name": "web", "provider": "provider[\\"registry.terraform.io/hashicorp/aws\\"]", '
            '"instances": [{"schema_version": 1, "attributes": {"id": "i-1"}}]}]}',
            "no elasticstack_elasticsearch_inference_endpoint in it (aws_instance.web)",
        ),
        ('{"version": 4, "resources": []}', "no elasticstack_elasticsearch_inference_endpoint"),
        ('{"hello": "world"}', "not a Terraform state"),
    ],
)
def test_bad_input_is_one_clear_line_and_writes_nothing(
    engine: Engine,
    cluster: Cluster,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: str,
    said: str,
) -> None:
    state = tmp_path / "terraform.tfstate"
    state.write_text(content)
    out = tmp_path / "out"
    with monkeypatch.context() as env:
        for key, value in engine.env.items():
            env.setenv(key, value)
        code = main(["import", "--from-terraform", str(state), "--out", str(out), "--stack", "dev"])
    printed = capsys.readouterr()
    assert code == 1
    assert printed.out == ""
    lines = printed.err.strip().splitlines()
    assert len(lines) == 1 and said in lines[0] and "Nothing was written" in lines[0]
    _nothing_written(out, engine)


def test_a_state_seen_through_terraform_show_json_gives_the_same_program(
    engine: Engine,
    cluster: Cluster,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_cluster(cluster)
    shown = tmp_path / "show.json"
    shown.write_text(_show_json(STATE))
    programs = []
    for number, source in enumerate((STATE, shown)):
        out = tmp_path / f"out{number}"
        with monkeypatch.context() as env:
            for key, value in {**engine.env, "ELASTICSEARCH_URL": cluster.url}.items():
                env.setenv(key, value)
            env.setenv("ELASTICSEARCH_API_KEY", API_KEY)
            args = ["import", "--from-terraform", str(source), "--out", str(out)]
            assert main([*args, "--stack", f"s{number}"]) == 0, capsys.readouterr().err
        programs.append(_without_digests((out / "__main__.py").read_text()))
    capsys.readouterr()
    assert programs[0].replace(f"{STATE} (serial 14)", "X") == programs[1].replace(str(shown), "X")


def _without_digests(program: str) -> str:
    import re

    return re.sub(r'"\$scrypt\$[^"]+"', '"<digest>"', program)


def _show_json(state_path: Path) -> str:
    """The JSON `terraform show -json` prints for this state (format 1.0): each instance's
    attributes as `values`, its address, the sensitive ones in `sensitive_values`."""
    import json

    state: dict[str, Any] = json.loads(state_path.read_text())
    resources = []
    for resource in state["resources"]:
        for instance in resource["instances"]:
            address = f"{resource['type']}.{resource['name']}"
            if resource["mode"] == "data":
                address = f"data.{address}"
            entry: dict[str, Any] = {
                "address": address,
                "mode": resource["mode"],
                "type": resource["type"],
                "name": resource["name"],
                "provider_name": "registry.terraform.io/elastic/elasticstack",
                "schema_version": instance["schema_version"],
                "values": instance["attributes"],
                "sensitive_values": {},
            }
            if "index_key" in instance:
                entry["index"] = instance["index_key"]
                entry["address"] += f"[{json.dumps(instance['index_key'])}]"
            resources.append(entry)
    document = {
        "format_version": "1.0",
        "terraform_version": state["terraform_version"],
        "values": {"root_module": {"resources": resources}},
    }
    return json.dumps(document, indent=2)


def test_a_cluster_of_another_uuid_is_said_and_gets_no_digest(
    engine: Engine,
    cluster: Cluster,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The state's ids name the cluster (<cluster_uuid>/<inference_id>): on another one,
    nothing proves the secrets are there, so the adoption sends them."""
    make_cluster(cluster)
    settings = httpx.put(f"{cluster.url}/_emulator/settings", json={"cluster_uuid": "other"})
    assert settings.status_code == 200
    out = tmp_path / "out"
    code, _ = run_import(engine, cluster, out, "--stack", "dev", monkeypatch=monkeypatch)
    said = capsys.readouterr().out
    assert code == 0
    assert "Terraform recorded it on cluster emuLat0rClusterUUID00001" in said
    assert "is cluster other" in said
    assert "adopt_secrets_digest=" not in (out / "__main__.py").read_text()


def test_the_tf_files_give_the_program_and_the_state_the_secrets(
    door: Door,
    engine: Engine,
    cluster: Cluster,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The directory as Terraform has it (main.tf and terraform.tfstate): var.* become
    stack config (their values from the state, secrets encrypted), for_each a loop; up
    sends only what is stale, preview is clean, a rotated variable is sent."""
    make_cluster(cluster)
    out = tmp_path / "migrated"
    flags = ["--stack", "dev", *(["--native"] if door.native else [])]
    with monkeypatch.context() as env:
        for key, value in {**engine.env, "ELASTICSEARCH_URL": cluster.url}.items():
            env.setenv(key, value)
        env.setenv("ELASTICSEARCH_API_KEY", API_KEY)
        source = str(EXAMPLE / "terraform")
        code = main(["import", "--from-terraform", source, "--out", str(out), *flags])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "Set yourself" not in printed.out  # every variable's value came from the state
    program = (out / "__main__.py").read_text()
    assert 'openai_api_key = config.require_secret("openaiApiKey")' in program
    assert 'embedding_model = config.get("embeddingModel", "text-embedding-3-small")' in program
    assert "for key, value in rerankers.items():" in program
    assert 'inference_id = f"cohere-rerank-{key}"' in program
    assert "model_id=value" in program

    stack = engine.project_stack(out)
    cluster.clear()
    stack.up(color="never")
    assert writes(cluster) == [
        ("PUT", "/_inference/rerank/cohere-rerank-docs/_update"),
        ("PUT", "/_inference/rerank/cohere-rerank-support"),
    ]
    stack.preview(color="never", expect_no_changes=True)
    stack.set_config("openaiApiKey", auto.ConfigValue("sk-rotated-tf-LEAKCHECK", secret=True))
    cluster.clear()
    stack.up(color="never")
    assert writes(cluster) == [("PUT", "/_inference/text_embedding/openai-embeddings/_update")]
    assert cluster.emulator.stored_secrets("openai-embeddings") == {
        "api_key": "sk-rotated-tf-LEAKCHECK"
    }
    on_disk = "".join(p.read_text() for p in out.iterdir() if p.is_file())
    for secret in (*STATE_SECRETS, "sk-rotated-tf-LEAKCHECK"):
        assert secret not in printed.out + printed.err + on_disk + stored_state_text(engine)
