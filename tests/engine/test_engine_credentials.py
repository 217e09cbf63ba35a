"""The credentials being applied are the ones checked and used (issue 30, defects 2 and 6).

A key rotation is routine: a new API key is made, the stack's configuration gets it, the old
key is revoked. Through both doors, and however the connection is given, the preview checks
the key being applied, `pulumi up` stores it only once the cluster took it, and refresh,
preview and destroy work with it afterwards.

The module's emulator (tests/conftest.py) accepts two API keys, the engine tests' and a
second one; a test revokes one to play the rotation out.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from typing import Any

import pulumi
import pytest
from pulumi import automation as auto

from devtools.engine import Engine
from devtools.engine_programs import (
    API_KEY,
    CLUSTER_API_KEYS,
    Cluster,
    Door,
    changes,
    openai_embeddings,
    preview_changes,
    secret_value,
    unique,
    up_changes,
)
from pulumi_inference import Connection
from pulumi_inference.emulator import ApiKey, EmulatorConfig

pytestmark = [pytest.mark.engine, pytest.mark.timeout(240)]

ROTATED_ID = "engine-tests-rotated"
ROTATED_RAW = f"{ROTATED_ID}:rotated-key-{uuid.uuid4().hex}"
ROTATED = base64.b64encode(ROTATED_RAW.encode()).decode()
READ_ONLY_ID = "engine-tests-read-only"
READ_ONLY_RAW = f"{READ_ONLY_ID}:read-only-key-{uuid.uuid4().hex}"
READ_ONLY = base64.b64encode(READ_ONLY_RAW.encode()).decode()


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(
        api_keys=(
            *CLUSTER_API_KEYS,
            ApiKey(ROTATED_RAW, name=ROTATED_ID),
            ApiKey(READ_ONLY_RAW, name=READ_ONLY_ID, privileges=("monitor_inference", "monitor")),
        ),
        deployment_seconds=0.1,
    )


def failed(run: Callable[[], object]) -> str:
    """The text of the engine's failure of ``run()``."""
    with pytest.raises(auto.CommandError) as failure:
        run()
    return str(failure.value)


def endpoint_ops(events: list[auto.EngineEvent]) -> dict[str, str]:
    """Per endpoint resource name, the engine's step for it."""
    ops = {}
    for event in events:
        pre = event.resource_pre_event
        if pre is not None and pre.metadata.type.endswith(":InferenceEndpoint"):
            ops[pre.metadata.urn.rsplit("::", 1)[1]] = pre.metadata.op.value
    return ops


def test_a_key_rotated_in_stack_config_previews_applies_and_serves_every_command(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    """Defect 6: the native stack's provider configuration can change (Pulumi's Python
    provider server crashed on the answer of `diff_config`, 'PropertyDiff' object has no
    attribute 'inputDiff'); the dynamic door the same way. No endpoint changes."""
    inference_id = unique("rotate-config")
    declarations = {"emb": openai_embeddings(inference_id, secret_value("openai"))}
    stack = engine.stack(
        "rotate-config",
        door.program(declarations),  # the cluster comes from stack config
        config={door.config_key("url"): cluster.url},
        secret_config={door.config_key("api_key"): API_KEY},
    )
    assert up_changes(stack) == {"create": door.around(1, explicit_cluster=False)}

    stack.set_config(door.config_key("api_key"), auto.ConfigValue(value=ROTATED, secret=True))
    events: list[auto.EngineEvent] = []
    stack.preview(color="never", on_event=events.append)
    assert endpoint_ops(events) == {"emb": "same"}
    cluster.clear()
    events.clear()
    stack.up(color="never", on_event=events.append)
    assert endpoint_ops(events) == {"emb": "same"}
    assert cluster.inference_requests() == []  # nothing sent to the endpoint

    cluster.emulator.revoke_api_key(API_KEY)  # the old key is gone: the new one serves all
    cluster.clear()
    assert preview_changes(stack) == {}
    refreshed = stack.refresh(color="never")
    assert changes(refreshed.summary.resource_changes) == {}
    assert {entry["principal"] for entry in cluster.requests()} == {ROTATED_ID}
    stack.destroy(color="never")
    assert cluster.emulator.endpoint(inference_id) is None


def rerank(inference_id: str, top_n: int = 3) -> dict[str, Any]:
    return {
        "inference_id": inference_id,
        "task_type": "rerank",
        "service": "cohere",
        "service_settings": {"model_id": "rerank-v3.5", "api_key": secret_value("cohere")},
        "task_settings": {"top_n": top_n},
    }


def test_a_key_rotated_in_the_program_is_checked_by_the_preview_and_said_at_refresh(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    """REQ-CONN-3, defect 2: with the connection declared in the program (`Connection(api_key=
    cfg.require_secret(...))`, as the README and examples/multi-env do), after a rotation
    (new key in stack config, old key revoked) the preview of a change checks the new key,
    not the one the last `up` stored; a refresh that can only read with the stored one says
    what to run; `up` stores the new key and everything works with it."""
    prefix = unique("rotate-program")
    declarations = {"a": rerank(f"{prefix}-a"), "b": rerank(f"{prefix}-b")}

    def connection() -> Connection:
        return Connection(url=cluster.url, api_key=pulumi.Config().require_secret("esApiKey"))

    stack = engine.stack(
        "rotate-program",
        door.program(declarations, connection),
        secret_config={"esApiKey": API_KEY},
    )
    stack.up(color="never")
    stack.set_config("esApiKey", auto.ConfigValue(value=ROTATED, secret=True))
    cluster.emulator.revoke_api_key(API_KEY)
    declarations["a"]["task_settings"]["top_n"] = 5

    events: list[auto.EngineEvent] = []
    stack.preview(color="never", on_event=events.append)  # failed with 401 before
    expected = {"a": "update", "b": "update" if not door.native else "same"}
    assert endpoint_ops(events) == expected  # dynamic: b's stored connection changes

    if door.native:  # `refresh --run-program` configures the provider from the program
        for command in (
            lambda: stack.refresh(color="never"),  # the provider as the last `up` left it
            lambda: stack.preview(color="never", refresh=True),  # refreshed before configured
        ):
            said = failed(command)
            assert "run `pulumi refresh --run-program`" in said, said
        stack.refresh(color="never", run_program=True)
        stack.preview(color="never", refresh=True)  # the provider's new configuration is in
    else:  # Pulumi hands a dynamic refresh the stored connection only
        for command in (
            lambda: stack.refresh(color="never"),
            lambda: stack.refresh(color="never", run_program=True),
            lambda: stack.preview(color="never", refresh=True),
        ):
            said = failed(command)
            assert "declared in the program" in said and "run `pulumi up` first" in said, said
    assert ROTATED not in said and API_KEY not in said

    cluster.clear()
    stack.up(color="never")
    assert [path for method, path in cluster.inference_requests() if method == "PUT"] == [
        f"/_inference/rerank/{prefix}-a/_update"
    ]
    assert {entry["principal"] for entry in cluster.requests()} == {ROTATED_ID}
    assert preview_changes(stack) == {}
    assert changes(stack.refresh(color="never").summary.resource_changes) == {}
    stack.destroy(color="never")
    assert cluster.emulator.endpoint(f"{prefix}-a") is None


@pytest.mark.parametrize("given", ["program", "stack config", "environment"])
def test_a_read_only_key_fails_the_preview_of_a_change_however_it_is_given(
    engine: Engine, cluster: Cluster, door: Door, given: str
) -> None:
    """REQ-CONN-3, defect 2: a key with only monitor_inference and monitor fails the preview
    of a change (it passed, and `up` failed with 403 after storing the key for the other
    endpoints); nothing is stored, nothing changes on the cluster."""
    prefix = unique("read-only")
    declarations = {"a": rerank(f"{prefix}-a"), "b": rerank(f"{prefix}-b")}
    key = {"es": API_KEY}
    connection = (
        (lambda: Connection(url=cluster.url, api_key=key["es"])) if given == "program" else None
    )
    config = {door.config_key("url"): cluster.url} if given == "stack config" else {}
    stack = engine.stack(
        "read-only",
        door.program(declarations, connection),
        config=config,
        secret_config={door.config_key("api_key"): API_KEY} if given == "stack config" else {},
        env={"ELASTICSEARCH_URL": cluster.url, "ELASTICSEARCH_API_KEY": API_KEY}
        if given == "environment"
        else None,
    )
    stack.up(color="never")

    def use(api_key: str) -> None:
        key["es"] = api_key
        if given == "stack config":
            stack.set_config(door.config_key("api_key"), auto.ConfigValue(api_key, secret=True))
        elif given == "environment":
            stack.workspace.env_vars["ELASTICSEARCH_API_KEY"] = api_key

    use(READ_ONLY)
    declarations["a"]["task_settings"]["top_n"] = 5
    cluster.clear()
    for command in (lambda: stack.preview(color="never"), lambda: stack.up(color="never")):
        said = failed(command)
        assert "lack the manage_inference cluster privilege" in said, said
        assert READ_ONLY not in said
    assert cluster.inference_requests() == []
    live = cluster.endpoint(f"{prefix}-a")
    assert live is not None and live["task_settings"] == {"top_n": 3}

    # Back to the applying key: no endpoint holds the read-only one (a native provider's own
    # configuration may: `up` applies the provider's step before its endpoints' fail).
    use(API_KEY)
    declarations["a"]["task_settings"]["top_n"] = 3
    events: list[auto.EngineEvent] = []
    stack.preview(color="never", on_event=events.append)
    assert endpoint_ops(events) == {"a": "same", "b": "same"}


def test_an_up_under_preview_check_warn_stores_no_read_only_key(
    engine: Engine, cluster: Cluster, door: Door, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 30, the acceptance walk: the README's program (the connection in the program, its
    key from stack config `esApiKey`) given a read-only key, one endpoint's task setting
    changed, `PULUMI_INFERENCE_PREVIEW_CHECK=warn pulumi up`: the changed endpoint failed
    (403) and the other's state-only update stored the read-only key (`~ 1 updated`). The
    setting softens the preview only: the up fails, no endpoint changes or stores the key."""
    prefix = unique("warn-read-only")
    declarations = {"a": rerank(f"{prefix}-a"), "b": rerank(f"{prefix}-b")}

    def connection() -> Connection:
        return Connection(url=cluster.url, api_key=pulumi.Config().require_secret("esApiKey"))

    stack = engine.stack(
        "warn-read-only",
        door.program(declarations, connection),
        secret_config={"esApiKey": API_KEY},
    )
    stack.up(color="never")
    stack.set_config("esApiKey", auto.ConfigValue(value=READ_ONLY, secret=True))
    declarations["a"]["task_settings"]["top_n"] = 5
    monkeypatch.setenv("PULUMI_INFERENCE_PREVIEW_CHECK", "warn")
    said = failed(lambda: stack.up(color="never"))
    assert "manage_inference" in said, said
    assert READ_ONLY not in said and READ_ONLY_RAW not in said
    live = cluster.endpoint(f"{prefix}-a")
    assert live is not None and live["task_settings"] == {"top_n": 3}

    # Back to the key that applies: each endpoint's state still holds it (a stored read-only
    # key would show as b's `~ connection` here), so nothing is left to change.
    monkeypatch.delenv("PULUMI_INFERENCE_PREVIEW_CHECK")
    stack.set_config("esApiKey", auto.ConfigValue(value=API_KEY, secret=True))
    declarations["a"]["task_settings"]["top_n"] = 3
    events: list[auto.EngineEvent] = []
    stack.preview(color="never", on_event=events.append)
    assert endpoint_ops(events) == {"a": "same", "b": "same"}
