"""`pulumi-inference recover` offline: reading a stack's export and editing it."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_inference.cli import main
from pulumi_inference.properties import DYNAMIC_RESOURCE_TYPE, NATIVE_RESOURCE_TYPE
from pulumi_inference.recovery._pulumi import PulumiCli
from pulumi_inference.recovery._state import StackState, cluster_source
from pulumi_inference.recovery._surgery import edited

SECRET = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
STACK_URN = "urn:pulumi:dev::team::pulumi:pulumi:Stack::team-dev"


def _op(name: str, type_: str, inputs: dict[str, Any], kind: str = "creating") -> dict[str, Any]:
    urn = f"urn:pulumi:dev::team::{type_}::{name}"
    return {"resource": {"urn": urn, "type": type_, "inputs": inputs}, "type": kind}


def _exported(*ops: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": 3,
        "deployment": {"resources": [{"urn": STACK_URN}], "pending_operations": list(ops)},
    }


def test_dynamic_declaration_puts_each_secret_back_in_its_place() -> None:
    inputs = {
        "__provider": {**SECRET, "plaintext": '"pickle"'},
        "inference_id": "e",
        "service_settings": {"model_id": "m"},
        "connection": {"url": "https://es:9200"},
        "secrets": {
            **SECRET,
            "plaintext": '{"service_settings": {"api_key": "k"}, "connection": {"api_key": "c"}}',
        },
    }
    (pending,) = StackState(_exported(_op("a", DYNAMIC_RESOURCE_TYPE, inputs))).pending()
    assert pending.door == "dynamic"
    assert pending.declaration() == {
        "inference_id": "e",
        "service_settings": {"model_id": "m", "api_key": "k"},
        "connection": {"url": "https://es:9200", "api_key": "c"},
    }
    declared, config, namespace = cluster_source(
        pending, StackState({}), {"elasticsearch:url": "u"}
    )
    assert declared == {"url": "https://es:9200", "api_key": "c"}
    assert (config, namespace) == ({"elasticsearch:url": "u"}, "elasticsearch")


def test_native_declaration_and_its_providers_cluster() -> None:
    provider_urn = "urn:pulumi:dev::team::pulumi:providers:elasticsearch-inference::p"
    inputs = {"inferenceId": "e", "taskType": "rerank", "serviceSettings": {"model_id": "m"}}
    op = _op("b", NATIVE_RESOURCE_TYPE, inputs)
    op["resource"]["provider"] = f"{provider_urn}::0001"
    exported = _exported(op)
    exported["deployment"]["resources"].append(
        {
            "urn": provider_urn,
            "inputs": {"url": "https://a:9200", "apiKey": {**SECRET, "plaintext": '"k"'}},
        }
    )
    state = StackState(exported)
    (pending,) = state.pending()
    assert pending.declaration() == {
        "inference_id": "e",
        "task_type": "rerank",
        "service_settings": {"model_id": "m"},
    }
    config = {"elasticsearch-inference:url": "https://ignored", "other:x": "y"}
    assert cluster_source(pending, state, config) == (
        {},
        {"url": "https://a:9200", "apiKey": "k"},
        None,
    )
    assert state.project() == "team"


def test_edited_completes_and_drops_only_the_named_creates() -> None:
    inputs = {"inference_id": "e", "secrets": {**SECRET, "ciphertext": "v1:abc"}}
    exported = _exported(
        _op("keep", DYNAMIC_RESOURCE_TYPE, inputs),
        _op("adopt", DYNAMIC_RESOURCE_TYPE, inputs),
        _op("drop", NATIVE_RESOURCE_TYPE, {}),
        _op("adopt", DYNAMIC_RESOURCE_TYPE, inputs, kind="updating"),
    )
    urn = "urn:pulumi:dev::team::" + DYNAMIC_RESOURCE_TYPE + "::adopt"
    drop = "urn:pulumi:dev::team::" + NATIVE_RESOURCE_TYPE + "::drop"
    result = edited(exported, drop={drop}, complete={urn: "e"})
    deployment = result["deployment"]
    assert [r["urn"] for r in deployment["resources"]] == [STACK_URN, urn]
    created = deployment["resources"][1]
    assert created["id"] == "e" and created["outputs"] == inputs  # ciphertext stays encrypted
    assert [
        (op["type"], op["resource"]["urn"].rsplit("::", 1)[1])
        for op in deployment["pending_operations"]
    ] == [
        ("creating", "keep"),
        ("updating", "adopt"),
    ]
    assert exported["deployment"]["pending_operations"][1]["resource"].get("id") is None


def test_the_backend_password_and_passphrase_are_masked(tmp_path: Any) -> None:
    (tmp_path / "pulumi").write_text("#!/bin/sh\nexit 0\n")
    (tmp_path / "pulumi").chmod(0o755)
    environ = {
        "PATH": str(tmp_path),
        "PULUMI_BACKEND_URL": "postgres://team:s3cret-pw@db:5432/state",
        "PULUMI_CONFIG_PASSPHRASE": "my-passphrase",
    }
    cli = PulumiCli("dev", tmp_path, environ)
    text = cli.mask("postgres://team:s3cret-pw@db:5432/state my-passphrase s3cret-pw")
    assert "s3cret-pw" not in text and "my-passphrase" not in text


def test_usage_errors(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["recover"])  # --stack is required
    assert main(["recover", "--stack", "dev", "--cwd", str(tmp_path / "nowhere")]) == 2
    assert main(["recover", "--stack", "dev", "--cwd", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (
        f"pulumi-inference recover: --cwd {tmp_path}: no Pulumi.yaml there; pass the directory "
        "of the stack's program"
    )
