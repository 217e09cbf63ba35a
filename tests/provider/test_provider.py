"""The provider's six methods called directly, against the emulator on 127.0.0.1."""

from __future__ import annotations

import logging
import threading
import traceback
from typing import Any

import httpx
import pytest

from pulumi_inference import InferenceEndpointProvider
from pulumi_inference.client import close_all
from pulumi_inference.dynamic import _provider as provider_module
from pulumi_inference.dynamic._layout import PREVIEWING
from pulumi_inference.emulator import Emulator, EmulatorConfig
from pulumi_inference.errors import (
    AuthenticationError,
    AuthorizationError,
    ClusterRejectedError,
    EndpointAlreadyExistsError,
    EndpointInUseError,
    InferenceError,
)
from pulumi_inference.operations._secrets_digest import secrets_digest
from tests.support import checks

API_KEY = "sk-provider-test-0001"


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(deployment_seconds=0.2)


@pytest.fixture
def provider() -> InferenceEndpointProvider:
    return InferenceEndpointProvider()


def openai(emulator: Emulator, **overrides: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "inference_id": "openai-emb",
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small"},
        "secrets": {"service_settings": {"api_key": API_KEY}},
        "task_settings": {"user": "search"},
        "connection": {"url": emulator.url},
    }
    props.update(overrides)
    return props


def at_preview(props: dict[str, Any]) -> dict[str, Any]:
    """``props`` as an adopting resource registers them while its program previews."""
    return {**props, PREVIEWING: True}


ACCESS_CHECK = ("/", "/_security/user/_has_privileges")
"""What a preview asks once per cluster, read-only (operations._access)."""


def cluster_calls(emulator: Emulator) -> list[dict[str, Any]]:
    """The requests besides the preview's read-only access check."""
    return [r for r in emulator.requests() if r["path"] not in ACCESS_CHECK]


def inference_calls(emulator: Emulator) -> list[tuple[str, str]]:
    return [
        (r["method"], r["path"]) for r in emulator.requests() if r["path"].startswith("/_inference")
    ]


# -- check ------------------------------------------------------------------------------


def test_check_refuses_bad_input_offline_naming_each_property(
    provider: InferenceEndpointProvider,
) -> None:
    """REQ-CHECK-1, REQ-CHECK-2: bad id, task type and a misspelled key, named offline."""
    result = provider.check(
        {},
        {
            "inference_id": "Bad_ID!",
            "task_type": "text_embeding",
            "service": "openai",
            "service_settings": {"modelid": "x"},
            "connection": {"url": "http://127.0.0.1:1"},  # nothing listens: check must not call
        },
    )
    found = dict(checks.by_path(result.failures))
    assert {"inference_id", "task_type", "service_settings.modelid"} <= set(found)
    assert "did you mean 'model_id'" in found["service_settings.modelid"]  # the suggestion
    assert "service_settings.model_id" not in found  # missing because misspelt: said once


def test_check_accepts_unknown_values_of_a_preview(provider: InferenceEndpointProvider) -> None:
    """REQ-CHECK-4: unknown values and secrets of a preview pass check."""
    from pulumi.runtime import rpc

    result = provider.check(
        {},
        {
            "inference_id": rpc.UNKNOWN,
            "task_type": "text_embedding",
            "service": "openai",
            "service_settings": {"model_id": rpc.UNKNOWN},
            "secrets": rpc.UNKNOWN,
        },
    )
    assert result.failures == []


def test_check_names_bad_deployment_timeout_and_connection(
    provider: InferenceEndpointProvider,
) -> None:
    """REQ-CHECK-3: a bad duration, a URL without scheme and an unknown connection field."""
    result = provider.check(
        {},
        {
            "inference_id": "ok",
            "task_type": "rerank",
            "service": "cohere",
            "service_settings": {"model_id": "rerank-v3.5"},
            "secrets": {"service_settings": {"api_key": "k"}},
            "deployment_timeout": "soon",
            "connection": {"url": "es:9200", "pasword": "x"},
        },
    )
    found = set(checks.paths(result.failures))
    assert {"deployment_timeout", "connection.url", "connection.pasword"} <= found


def test_check_refuses_flags_that_are_not_booleans_and_a_password_without_username(
    provider: InferenceEndpointProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REQ-CHECK-3: the booleans are booleans; a password needs a username."""
    monkeypatch.setenv("PULUMI_INFERENCE_PREVIEW_CHECK", "off")  # nothing answers on port 1
    declared = {
        "inference_id": "ok",
        "task_type": "rerank",
        "service": "cohere",
        "service_settings": {"model_id": "rerank-v3.5"},
        "secrets": {
            "service_settings": {"api_key": "k"},
            "connection": {"password": "pw-check-0003"},
        },
        "connection": {"url": "https://127.0.0.1:1"},
        "force_delete": "yes",
        "wait_for_deployment": 1,
        "allow_unknown_service": 0,
        "adopt_existing": "true",
        "deployment_timeout": "1h30m",
    }
    result = provider.check({}, at_preview(declared))
    assert set(checks.paths(result.failures)) == {
        "force_delete",
        "wait_for_deployment",
        "allow_unknown_service",
        "adopt_existing",
        "connection.username",
    }
    assert "pw-check-0003" not in " ".join(failure.reason for failure in result.failures)
    fixed = {
        **declared,
        "force_delete": True,
        "wait_for_deployment": False,
        "allow_unknown_service": False,
        "adopt_existing": True,
        "deployment_timeout": 90,
        "connection": {"url": "http://127.0.0.1:1", "username": "elastic"},
    }
    assert provider.check({}, at_preview(fixed)).failures == []


# -- create -----------------------------------------------------------------------------


def test_create_is_one_put_and_records_what_the_cluster_computed(
    emulator: Emulator, provider: InferenceEndpointProvider
) -> None:
    """REQ-CREATE-1: one PUT, and the cluster's computed settings in effective_* outputs."""
    provider.create(openai(emulator, inference_id="warmup"))  # first call also reads GET / once
    emulator.clear_requests()
    result = provider.create(openai(emulator))
    assert inference_calls(emulator) == [("PUT", "/_inference/text_embedding/openai-emb")]
    assert result.id == "openai-emb"
    outs = result.outs or {}
    assert outs["effective_service_settings"]["dimensions"] > 0
    assert outs["effective_service_settings"]["similarity"] == "dot_product"
    assert outs["cluster_version"] == "9.1.0"
    assert API_KEY not in repr(outs["effective_service_settings"])
    assert emulator.stored_secrets("openai-emb") == {"api_key": API_KEY}


def test_create_never_overwrites_an_existing_endpoint(
    emulator: Emulator, provider: InferenceEndpointProvider
) -> None:
    """REQ-CREATE-1, REQ-CREATE-3: an existing endpoint is refused, left as it was."""
    provider.create(openai(emulator))
    before = emulator.endpoint("openai-emb")
    with pytest.raises(EndpointAlreadyExistsError) as raised:
        provider.create(openai(emulator, service_settings={"model_id": "text-embedding-3-large"}))
    message = str(raised.value)
    assert "openai-emb" in message and emulator.url in message
    assert emulator.endpoint("openai-emb") == before


def test_create_of_an_identical_api_endpoint_made_elsewhere_is_not_adopted(
    emulator: Emulator, provider: InferenceEndpointProvider
) -> None:
    """REQ-CREATE-3: not even one identical to the declaration."""
    provider.create(openai(emulator))
    with pytest.raises(EndpointAlreadyExistsError):
        provider.create(openai(emulator))


def test_integers_reach_the_cluster_as_integers(
    emulator: Emulator, provider: InferenceEndpointProvider
) -> None:
    # Pulumi's wire format gives 2.0; the cluster refuses 2.0 for num_allocations.
    """REQ-PLAN-1: 2.0 from the wire is sent as 2, and 2 and 2.0 do not diff."""
    props = {
        "inference_id": "e5",
        "task_type": "text_embedding",
        "service": "elasticsearch",
        "service_settings": {
            "model_id": ".multilingual-e5-small",
            "num_threads": 1.0,
            "num_allocations": 2.0,
        },
        "connection": {"url": emulator.url},
    }
    result = provider.create(props)
    live = emulator.endpoint("e5") or {}
    assert live["service_settings"]["num_allocations"] == 2
    # 2 and 2.0 do not diff
    diff = provider.diff(
        "e5",
        result.outs or {},
        {**props, "service_settings": {**props["service_settings"], "num_allocations": 2}},
    )
    assert diff.changes is False


# -- read -------------------------------------------------------------------------------


def test_read_after_create_shows_no_drift_and_keeps_secrets(
    emulator: Emulator, provider: InferenceEndpointProvider
) -> None:
    """REQ-READ-1, REQ-READ-3: refresh right after create: no drift, secrets kept from state."""
    props = openai(emulator)
    outs = provider.create(props).outs or {}
    read = provider.read("openai-emb", outs)
    assert read.id == "openai-emb"
    assert read.inputs == props
    assert (read.outs or {})["secrets"] == {"service_settings": {"api_key": API_KEY}}
    assert provider.diff("openai-emb", read.outs or {}, props).changes is False


def test_read_of_a_deleted_endpoint_says_it_is_gone(
    emulator: Emulator, provider: InferenceEndpointProvider
) -> None:
    """REQ-READ-2: a 404 on read removes the resource from state."""
    outs = provider.create(openai(emulator)).outs or {}
    httpx.delete(f"{emulator.url}/_inference/text_embedding/openai-emb")
    assert provider.read("openai-emb", outs).id == ""


def test_hand_made_change_shows_as_drift_in_the_next_diff(
    emulator: Emulator, provider: InferenceEndpointProvider
) -> None:
    """REQ-READ-1: a declared key takes its live value."""
    props = openai(emulator)
    outs = provider.create(props).outs or {}
    emulator.edit_endpoint(
        "openai-emb",
        service_settings={"model_id": "text-embedding-ada-002"},
        task_settings={"user": "x"},
    )
    read = provider.read("openai-emb", outs)
    assert (read.inputs or {})["service_settings"]["model_id"] == "text-embedding-ada-002"
    diff = provider.diff("openai-emb", read.outs or {}, props)
    assert diff.changes is True
    assert "service_settings" in (diff.replaces or [])
    assert diff.delete_before_replace is True


# -- diff -------------------------------------------------------------------------------


def test_diff_calls_the_cluster_only_to_check_a_replacement_read_only(
    emulator: Emulator, provider: InferenceEndpointProvider
) -> None:
    """REQ-REVIEW-1: no call unless replacing; then one dry-run delete, nothing deleted."""
    outs = provider.create(openai(emulator)).outs or {}
    emulator.clear_requests()
    provider.diff("openai-emb", outs, openai(emulator, task_settings={"user": "other"}))
    assert cluster_calls(emulator) == []
    provider.diff("openai-emb", outs, openai(emulator, service_settings={"model_id": "other"}))
    calls = [(r["method"], r["path"], r["query"]) for r in cluster_calls(emulator)]
    assert calls == [("DELETE", "/_inference/text_embedding/openai-emb", "dry_run=true")]
    assert emulator.endpoint("openai-emb") is not None


@pytest.mark.parametrize("recorded", ["8.14.3", None], ids=["8.14", "unknown"])
def test_no_look_up_on_a_cluster_not_recorded_as_8_15_or_newer(
    emulator: Emulator, provider: InferenceEndpointProvider, recorded: str | None
) -> None:
    """REQ-REVIEW-1: an older cluster would take ``DELETE ...?dry_run=true`` for a delete."""
    outs = provider.create(openai(emulator)).outs or {}
    outs.pop("cluster_version")
    if recorded is not None:
        outs["cluster_version"] = recorded
    emulator.clear_requests()
    new_model = openai(emulator, service_settings={"model_id": "other"})
    assert "service_settings" in (provider.diff("openai-emb", outs, new_model).replaces or [])
    assert cluster_calls(emulator) == []
    assert emulator.endpoint("openai-emb") is not None


def test_a_failed_look_up_never_fails_the_preview(
    emulator: Emulator, provider: InferenceEndpointProvider, caplog: pytest.LogCaptureFixture
) -> None:
    """REQ-REVIEW-1: a key without the privilege for the look-up still previews, warning that
    the replacement was not checked and what the check needs."""
    outs = provider.create(openai(emulator)).outs or {}
    emulator.faults.status(403, method="DELETE", count=None)
    emulator.clear_requests()
    new_model = openai(emulator, service_settings={"model_id": "other"})
    with caplog.at_level(logging.WARNING, logger="pulumi_inference"):
        plan = provider.diff("openai-emb", outs, new_model)
    assert "service_settings" in (plan.replaces or [])
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("NOT CHECKED" in m and "manage_inference" in m for m in warned), warned
    deletes = [(r["query"], r["status"]) for r in emulator.requests() if r["method"] == "DELETE"]
    assert deletes == [("dry_run=true", 403)]
    assert emulator.endpoint("openai-emb") is not None


def test_a_replacement_of_a_used_endpoint_warns_what_the_apply_will_do(
    emulator: Emulator, provider: InferenceEndpointProvider, caplog: pytest.LogCaptureFixture
) -> None:
    """REQ-REVIEW-2: pipeline `p` and index `i` use it: without force_delete as recorded in
    state the apply will fail, with it search breaks, and a new id says they name the old."""
    outs = provider.create(openai(emulator)).outs or {}
    processor = {"inference": {"model_id": "openai-emb", "input_output": {"input_field": "t"}}}
    pipeline = httpx.put(f"{emulator.url}/_ingest/pipeline/p", json={"processors": [processor]})
    assert pipeline.status_code == 200
    field = {"type": "semantic_text", "inference_id": "openai-emb"}
    index = httpx.put(f"{emulator.url}/i", json={"mappings": {"properties": {"body": field}}})
    assert index.status_code == 200
    new_model = {"service_settings": {"model_id": "text-embedding-3-large"}}

    def warned(olds: dict[str, Any], news: dict[str, Any]) -> str:
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="pulumi_inference"):
            provider.diff("openai-emb", olds, news)
        said = [
            r.getMessage()
            for r in caplog.records
            if "replacing inference endpoint" in r.getMessage()
        ]
        assert len(said) == 1, said
        return said[0]

    failing = warned(outs, openai(emulator, **new_model))
    assert "will FAIL" in failing and "['p']" in failing and "['i']" in failing
    assert "force_delete=True" in failing
    same_change = warned(outs, openai(emulator, force_delete=True, **new_model))
    assert "will FAIL" in same_change and "does not apply to this delete" in same_change
    recorded = warned(
        {**outs, "force_delete": True}, openai(emulator, force_delete=True, **new_model)
    )
    assert "will BREAK SEARCH" in recorded and "['p']" in recorded and "['i']" in recorded
    renamed = warned(outs, openai(emulator, inference_id="openai-emb-2"))
    assert "They name 'openai-emb', not the new id 'openai-emb-2'" in renamed
    assert emulator.endpoint("openai-emb") is not None


# -- update -----------------------------------------------------------------------------


def test_update_sends_only_the_change_and_keeps_the_endpoint(
    emulator: Emulator, provider: InferenceEndpointProvider
) -> None:
    """REQ-PLAN-2, REQ-UPDATE-1: one _update with the changed key only."""
    outs = provider.create(openai(emulator, task_settings={"user": "a"})).outs or {}
    emulator.clear_requests()
    new = openai(emulator, task_settings={"user": "b"})
    updated = provider.update("openai-emb", outs, new).outs or {}
    assert inference_calls(emulator) == [("PUT", "/_inference/text_embedding/openai-emb/_update")]
    assert (emulator.endpoint("openai-emb") or {})["task_settings"] == {"user": "b"}
    assert updated["effective_task_settings"] == {"user": "b"}


def test_secret_rotation_updates_the_stored_key(
    emulator: Emulator, provider: InferenceEndpointProvider
) -> None:
    """REQ-PLAN-2: a rotated key is an in-place update."""
    outs = provider.create(openai(emulator)).outs or {}
    new = openai(emulator, secrets={"service_settings": {"api_key": "sk-rotated-0002"}})
    assert provider.diff("openai-emb", outs, new).replaces == []
    provider.update("openai-emb", outs, new)
    assert emulator.stored_secrets("openai-emb") == {"api_key": "sk-rotated-0002"}


def test_pulumi_only_change_calls_nothing(
    emulator: Emulator, provider: InferenceEndpointProvider
) -> None:
    """REQ-PLAN-5, REQ-UPDATE-1: force_delete changes state only, with no request."""
    outs = provider.create(openai(emulator)).outs or {}
    emulator.clear_requests()
    updated = provider.update("openai-emb", outs, openai(emulator, force_delete=True)).outs or {}
    assert emulator.requests() == []
    assert updated["force_delete"] is True
    assert updated["effective_service_settings"] == outs["effective_service_settings"]


def test_an_update_on_a_cluster_without_update_asks_for_a_refresh_then_replaces(
    emulator: Emulator, provider: InferenceEndpointProvider
) -> None:
    """REQ-UPDATE-1: the state did not know the version (no `monitor` at create), the cluster
    is 8.16: the update fails without a request that changes anything; refresh, then replace."""
    emulator.set_version("8.16.1")
    outs = provider.create(openai(emulator)).outs or {}
    outs.pop("cluster_version")
    emulator.clear_requests()
    changed = openai(emulator, task_settings={"user": "other"})
    assert provider.diff("openai-emb", outs, changed).replaces == []  # planned as 8.17+
    with pytest.raises(InferenceError) as refused:
        provider.update("openai-emb", outs, changed)
    assert "no _update API" in str(refused.value) and "pulumi refresh" in str(refused.value)
    assert [r["method"] for r in cluster_calls(emulator)] == []
    refreshed = provider.read("openai-emb", outs).outs or {}
    assert refreshed["cluster_version"] == "8.16.1"
    diff = provider.diff("openai-emb", refreshed, changed)
    assert diff.replaces == ["task_settings"] and diff.delete_before_replace is True


# -- delete -----------------------------------------------------------------------------


def test_delete_of_a_gone_endpoint_succeeds(
    emulator: Emulator, provider: InferenceEndpointProvider
) -> None:
    """REQ-DELETE-1: deleting an endpoint already gone is success."""
    outs = provider.create(openai(emulator)).outs or {}
    provider.delete("openai-emb", outs)
    assert emulator.endpoint("openai-emb") is None
    provider.delete("openai-emb", outs)


def test_referenced_endpoint_is_refused_then_force_deleted(
    emulator: Emulator, provider: InferenceEndpointProvider
) -> None:
    """REQ-DELETE-1: 409 names the pipeline and force_delete; force_delete deletes."""
    outs = provider.create(openai(emulator)).outs or {}
    pipeline = {
        "processors": [
            {
                "inference": {
                    "model_id": "openai-emb",
                    "input_output": {"input_field": "a", "output_field": "b"},
                }
            }
        ]
    }
    assert (
        httpx.put(f"{emulator.url}/_ingest/pipeline/embed-docs", json=pipeline).status_code == 200
    )
    with pytest.raises(EndpointInUseError) as raised:
        provider.delete("openai-emb", outs)
    message = str(raised.value)
    assert "embed-docs" in message and "force_delete" in message
    assert raised.value.pipelines == ["embed-docs"]
    assert emulator.endpoint("openai-emb") is not None
    provider.delete("openai-emb", {**outs, "force_delete": True})
    assert emulator.endpoint("openai-emb") is None


# -- errors and secrets -----------------------------------------------------------------


def test_wrong_credentials_and_missing_privilege_say_what_to_do(
    provider: InferenceEndpointProvider,
) -> None:
    """REQ-ERROR-1, REQ-SECRET-2: 401 and 403 say what to fix, without the credential."""
    config = EmulatorConfig(
        api_keys=["good-key-0001"], users=["reader:reader-pass-01:monitor_inference"]
    )
    with Emulator(config) as secured:
        wrong = openai(secured, inference_id="x1")
        wrong["secrets"] = {**wrong["secrets"], "connection": {"api_key": "wrong-key-0002"}}
        with pytest.raises(AuthenticationError) as auth:
            provider.create(wrong)
        assert "x1" in str(auth.value) and "api_key" in str(auth.value)
        assert "wrong-key-0002" not in str(auth.value)

        reader = openai(secured, inference_id="x2")
        reader["connection"] = {"url": secured.url, "username": "reader"}
        reader["secrets"] = {**reader["secrets"], "connection": {"password": "reader-pass-01"}}
        with pytest.raises(AuthorizationError) as denied:
            provider.create(reader)
        assert "manage_inference" in str(denied.value)
        assert "reader-pass-01" not in str(denied.value)


SECURED = EmulatorConfig(
    api_keys=["good-key-0001"],
    users=["reader:reader-pass-01:monitor_inference", "nobody:pw-00:monitor_ml"],
)


def _as_reader(secured: Emulator, inference_id: str = "x3", user: str = "reader") -> dict[str, Any]:
    props = openai(secured, inference_id=inference_id)
    props["connection"] = {"url": secured.url, "username": user}
    password = {"reader": "reader-pass-01", "nobody": "pw-00"}[user]
    props["secrets"] = {**props["secrets"], "connection": {"password": password}}
    return props


def test_preview_check_fails_in_one_line_for_a_wrong_url_or_refused_credentials(
    provider: InferenceEndpointProvider, fast_retries: None
) -> None:
    """REQ-CHECK-7: the check (run by every preview) asks the cluster once, read-only; a wrong URL
    or a refused key fails there, in one line naming what to fix, never echoing the key."""
    closed = openai_at("http://127.0.0.1:9", "x0")
    [failure] = provider.check({}, at_preview(closed)).failures
    assert checks.paths([failure]) == ["connection"]
    assert "could not reach the cluster" in failure.reason and "\n" not in failure.reason
    assert "PULUMI_INFERENCE_PREVIEW_CHECK=warn" in failure.reason
    with Emulator(SECURED) as secured:
        wrong = openai(secured, inference_id="x1")
        wrong["secrets"] = {**wrong["secrets"], "connection": {"api_key": "wrong-key-0002"}}
        [refused] = provider.check({}, wrong).failures
        assert "refused the credentials" in refused.reason and "api_key" in refused.reason
        assert "wrong-key-0002" not in refused.reason
        asked = [(r["method"], r["path"]) for r in secured.requests()]
        assert asked == [("GET", "/")]  # once, and nothing sent to /_inference


def openai_at(url: str, inference_id: str) -> dict[str, Any]:
    return {
        "inference_id": inference_id,
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small"},
        "secrets": {"service_settings": {"api_key": API_KEY}},
        "connection": {"url": url},
    }


def test_preview_check_needs_manage_inference_only_where_the_plan_changes_the_endpoint(
    provider: InferenceEndpointProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REQ-CHECK-7: _has_privileges is asked once per cluster; read-only credentials fail a
    create or a change, pass a stack with no change, and fail everything without even
    monitor_inference. PULUMI_INFERENCE_PREVIEW_CHECK=warn only warns."""
    with Emulator(SECURED) as secured:
        reader = _as_reader(secured)
        [lacking] = provider.check({}, at_preview(reader)).failures
        assert "lack the manage_inference cluster privilege" in lacking.reason
        assert provider.check(reader, at_preview(reader)).failures == []  # already in the stack
        outs = {**reader, "cluster_version": "9.1.0"}
        assert provider.diff("x3", outs, reader).changes is False
        changed = {**reader, "task_settings": {"user": "other"}}
        with pytest.raises(InferenceError, match="lack the manage_inference"):
            provider.diff("x3", outs, changed)
        privileges = [r for r in secured.requests() if r["path"].startswith("/_security")]
        assert len(privileges) == 1
        assert not any(r["path"].startswith("/_inference") for r in secured.requests())
        [neither] = provider.check(reader, at_preview(_as_reader(secured, user="nobody"))).failures
        assert "neither manage_inference nor monitor_inference" in neither.reason
        monkeypatch.setenv("PULUMI_INFERENCE_PREVIEW_CHECK", "warn")
        assert provider.check({}, at_preview(_as_reader(secured, "x4"))).failures == []


def test_cluster_reason_passes_through_without_secrets(
    emulator: Emulator, provider: InferenceEndpointProvider
) -> None:
    """REQ-CHECK-1, REQ-ERROR-1, REQ-SECRET-2: allow_unknown_service lets the cluster judge; its
    reason reaches the user redacted."""
    # allow_unknown_service skips the catalogue, so the cluster itself refuses the unknown key.
    props = openai(emulator, service="not-a-service", allow_unknown_service=True)
    with pytest.raises(ClusterRejectedError) as raised:
        provider.create(props)
    assert "Unknown service [not-a-service]" in str(raised.value)
    assert API_KEY not in str(raised.value)


def test_unexpected_failures_never_carry_secrets(provider: InferenceEndpointProvider) -> None:
    """REQ-SECRET-2: any failure's text is redacted."""
    props = {
        "inference_id": "x",
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": "m"},
        "secrets": {"service_settings": {"api_key": API_KEY}},
        "connection": {"url": "http://127.0.0.1:9"},
        "deployment_timeout": f"bad-{API_KEY}",
    }
    with pytest.raises(InferenceError) as raised:
        provider.create(props)
    assert API_KEY not in str(raised.value)


# -- concurrency ------------------------------------------------------------------------


def test_four_threads_share_one_provider_and_one_pooled_client(
    emulator: Emulator, provider: InferenceEndpointProvider
) -> None:
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            props = openai(emulator, inference_id=f"par-{index}")
            outs = provider.create(props).outs or {}
            provider.read(f"par-{index}", outs)
            provider.delete(f"par-{index}", outs)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    requests = emulator.requests()
    connections = {r["connection_id"] for r in requests}
    assert len(requests) >= 48
    # Pooled (at most 8 at once): far fewer connections than requests. The bound leaves room
    # for a keep-alive connection the server closed between two bursts.
    assert len(connections) <= len(requests) // 4


def test_a_key_without_monitor_privilege_still_creates_updates_and_refreshes(
    emulator: Emulator, provider: InferenceEndpointProvider
) -> None:
    # GET / needs `monitor`; a key limited to manage_inference gets 403 there. The endpoint
    # must not be lost for it: the version is recorded as unknown and plans assume 8.17+.
    emulator.faults.status(403, method="GET", path="^/$", count=None)
    props = openai(emulator, inference_id="no-monitor")
    outs = provider.create(props).outs or {}
    assert emulator.endpoint("no-monitor") is not None
    assert "cluster_version" not in outs
    changed = openai(emulator, inference_id="no-monitor", task_settings={"user": "other"})
    assert provider.diff("no-monitor", outs, changed).replaces == []
    provider.update("no-monitor", outs, changed)
    assert (emulator.endpoint("no-monitor") or {})["task_settings"] == {"user": "other"}
    assert provider.read("no-monitor", outs).id == "no-monitor"


def test_adopt_existing_takes_over_a_hand_made_endpoint_and_applies_the_declaration(
    emulator: Emulator, provider: InferenceEndpointProvider
) -> None:
    """REQ-CREATE-2: the endpoint is updated in place to the declaration, secrets set; it is
    looked at first and only what must change is written (no create PUT to be refused)."""
    made_by_hand = {
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small", "api_key": "sk-old-hand-key"},
        "task_settings": {"user": "someone"},
    }
    url = f"{emulator.url}/_inference/text_embedding/openai-emb"
    assert httpx.put(url, json=made_by_hand).status_code == 200
    emulator.clear_requests()
    result = provider.create(openai(emulator, adopt_existing=True))
    assert result.id == "openai-emb"
    assert inference_calls(emulator) == [
        ("GET", "/_inference/openai-emb"),
        ("PUT", "/_inference/text_embedding/openai-emb/_update"),
    ]
    assert (emulator.endpoint("openai-emb") or {})["task_settings"] == {"user": "search"}
    assert emulator.stored_secrets("openai-emb") == {"api_key": API_KEY}
    outs = result.outs or {}
    assert (
        provider.diff(
            "openai-emb",
            provider.read("openai-emb", outs).outs or {},
            openai(emulator, adopt_existing=True),
        ).changes
        is False
    )


def test_adopt_existing_writes_nothing_to_an_endpoint_that_matches_but_its_secrets(
    emulator: Emulator, provider: InferenceEndpointProvider
) -> None:
    """REQ-CREATE-2: adopting looks first; an endpoint absent is created with one PUT, and one
    that matches gets only its declared secrets (the cluster never shows the ones it holds)."""
    emulator.clear_requests()
    provider.create(openai(emulator, adopt_existing=True))
    assert inference_calls(emulator) == [
        ("GET", "/_inference/openai-emb"),
        ("PUT", "/_inference/text_embedding/openai-emb"),
    ]
    emulator.clear_requests()
    provider.create(openai(emulator, adopt_existing=True))
    assert inference_calls(emulator) == [
        ("GET", "/_inference/openai-emb"),
        ("PUT", "/_inference/text_embedding/openai-emb/_update"),
    ]


def test_adopt_existing_sends_nothing_when_the_digest_vouches_for_the_held_secrets(
    emulator: Emulator, provider: InferenceEndpointProvider, caplog: pytest.LogCaptureFixture
) -> None:
    """adopt_secrets_digest: the endpoint as Terraform made it, with the key Terraform last
    sent, is adopted with a look-up only (no _update: no chunking reset before 9.4); the
    check says so. A key that differs from the digest is sent."""
    emulator.set_version("9.1.0")
    made = {
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small", "api_key": API_KEY},
        "task_settings": {"user": "search"},
    }
    url = f"{emulator.url}/_inference/text_embedding/openai-emb"
    assert httpx.put(url, json=made).status_code == 200
    digest = secrets_digest("openai-emb", {"api_key": API_KEY})
    declared = openai(emulator, adopt_existing=True, adopt_secrets_digest=digest)
    emulator.clear_requests()
    with caplog.at_level(logging.WARNING, logger="pulumi_inference"):
        assert provider.check({}, at_preview(declared)).failures == []
    assert "nothing is sent (its secrets are the ones adopt_secrets_digest vouches for" in (
        caplog.text
    )
    emulator.clear_requests()
    outs = provider.create(declared).outs or {}
    assert inference_calls(emulator) == [("GET", "/_inference/openai-emb")]
    assert provider.diff("openai-emb", outs, declared).changes is False

    rotated = openai(
        emulator,
        adopt_existing=True,
        adopt_secrets_digest=digest,
        secrets={"service_settings": {"api_key": "sk-rotated-before-adoption"}},
    )
    provider.delete("openai-emb", outs)
    assert httpx.put(url, json=made).status_code == 200
    emulator.clear_requests()
    provider.create(rotated)
    assert inference_calls(emulator) == [
        ("GET", "/_inference/openai-emb"),
        ("PUT", "/_inference/text_embedding/openai-emb/_update"),
    ]
    assert emulator.stored_secrets("openai-emb") == {"api_key": "sk-rotated-before-adoption"}


def test_adopt_existing_never_replaces_an_endpoint_that_differs(
    emulator: Emulator, provider: InferenceEndpointProvider
) -> None:
    """REQ-CREATE-2: one that differs beyond in-place changes is refused, untouched."""
    other = {
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-ada-002", "api_key": "k"},
    }
    assert (
        httpx.put(f"{emulator.url}/_inference/text_embedding/openai-emb", json=other).status_code
        == 200
    )
    before = emulator.endpoint("openai-emb")
    with pytest.raises(EndpointAlreadyExistsError) as raised:
        provider.create(openai(emulator, adopt_existing=True))
    assert "service_settings" in str(raised.value) and "adopt_existing" in str(raised.value)
    assert emulator.endpoint("openai-emb") == before


def test_check_failures_never_show_a_secret_value(provider: InferenceEndpointProvider) -> None:
    """REQ-CHECK-4, REQ-SECRET-2: a check failure names the key, never its value."""
    result = provider.check(
        {},
        {
            "inference_id": "x",
            "task_type": "text_embedding",
            "service": "custom",
            "service_settings": {
                "url": "https://example.com",
                "request": "{}",
                "response": {"json_parser": {"text_embeddings": "$.data"}},
                "secret_parameters": "sk-not-a-dict-but-a-secret-1234",
            },
        },
    )
    reasons = " ".join(failure.reason for failure in result.failures)
    assert "secret_parameters" in reasons
    assert "sk-not-a-dict" not in reasons


@pytest.mark.parametrize(("version", "warned"), [("9.1.0", True), ("9.4.0", False)])
def test_an_in_place_update_that_resets_chunking_is_warned_of(
    emulator: Emulator,
    provider: InferenceEndpointProvider,
    caplog: pytest.LogCaptureFixture,
    version: str,
    warned: bool,
) -> None:
    """REQ-PLAN-7: Before 9.4 the cluster's _update drops an embedding endpoint's chunking
    settings."""
    emulator.set_version(version)
    outs = provider.create(openai(emulator)).outs or {}
    assert outs["cluster_version"] == version
    with caplog.at_level(logging.WARNING, logger="pulumi_inference"):
        provider.diff("openai-emb", outs, openai(emulator, task_settings={"user": "other"}))
    said = " ".join(record.getMessage() for record in caplog.records)
    assert ("resets its chunking_settings" in said) is warned


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"service_settings": {"model_id": "text-embedding-3-large"}}, "a replacement"),
        ({"secrets": {"service_settings": {"api_key": "sk-rotated-0002"}}}, "chunking as reset"),
    ],
)
def test_the_chunking_reset_warning_stays_quiet_where_it_cannot_happen(
    emulator: Emulator,
    provider: InferenceEndpointProvider,
    caplog: pytest.LogCaptureFixture,
    change: dict[str, Any],
    why: str,
) -> None:
    """REQ-PLAN-7: not for a replacement (no _update is sent), nor for a key rotation of an
    endpoint that declares the very chunking the reset leaves (word/250/100)."""
    emulator.set_version("9.1.0")
    word = {"strategy": "word", "max_chunk_size": 250, "overlap": 100}
    outs = provider.create(openai(emulator, chunking_settings=word)).outs or {}
    with caplog.at_level(logging.WARNING, logger="pulumi_inference"):
        plan = provider.diff("openai-emb", outs, openai(emulator, chunking_settings=word, **change))
    assert plan.changes, why
    said = " ".join(record.getMessage() for record in caplog.records)
    assert "resets its chunking_settings" not in said, why


def test_a_key_rotation_is_warned_of_when_it_resets_undeclared_chunking(
    emulator: Emulator, provider: InferenceEndpointProvider, caplog: pytest.LogCaptureFixture
) -> None:
    """REQ-PLAN-7: rotating a key is an _update, so before 9.4 it resets default chunking."""
    emulator.set_version("9.1.0")
    outs = provider.create(openai(emulator)).outs or {}
    rotated = {"service_settings": {"api_key": "sk-rotated-0003"}}
    with caplog.at_level(logging.WARNING, logger="pulumi_inference"):
        provider.diff("openai-emb", outs, openai(emulator, secrets=rotated))
    assert "resets its chunking_settings" in " ".join(r.getMessage() for r in caplog.records)


def test_the_chunking_reset_warning_compares_with_the_live_chunking(
    emulator: Emulator, provider: InferenceEndpointProvider, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 22: once an _update has reset the endpoint's chunking (as the state records it),
    the next in-place update changes nothing more and is not warned of again."""
    emulator.set_version("9.1.0")
    outs = provider.create(openai(emulator)).outs or {}
    assert outs["effective_chunking_settings"]["strategy"] == "sentence"
    first = openai(emulator, task_settings={"user": "other"})
    with caplog.at_level(logging.WARNING, logger="pulumi_inference"):
        provider.diff("openai-emb", outs, first)
    assert "resets its chunking_settings" in caplog.text
    outs = provider.update("openai-emb", outs, first).outs or {}
    assert outs["effective_chunking_settings"] == {
        "strategy": "word",
        "max_chunk_size": 250,
        "overlap": 100,
    }
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="pulumi_inference"):
        plan = provider.diff("openai-emb", outs, openai(emulator, task_settings={"user": "third"}))
    assert plan.changes
    assert "resets its chunking_settings" not in caplog.text


def test_under_the_dynamic_server_a_failure_reads_message_first(
    provider: InferenceEndpointProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REQ-ERROR-1: the error's own message first, then the server's few frames;
    PULUMI_INFERENCE_DEBUG=1 keeps the whole traceback. Neither shows the secret."""
    monkeypatch.setattr(provider_module, "server_reports_tracebacks", lambda: True)
    monkeypatch.delenv(provider_module.DEBUG_ENV, raising=False)
    props = {
        "inference_id": "x",
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": "m"},
        "secrets": {"service_settings": {"api_key": API_KEY}},
        "connection": {"url": "http://127.0.0.1:9"},
        "deployment_timeout": f"bad-{API_KEY}",
    }
    with pytest.raises(provider_module.ProviderFailure) as failed:
        provider.create(props)
    text = "".join(traceback.format_exception(failed.value))
    assert text.startswith("pulumi_inference.errors.ValidationError: invalid inference endpoint")
    assert "deployment_timeout: " in text.split("Traceback")[0]
    assert "is not a duration" in text.split("Traceback")[0]
    assert "PULUMI_INFERENCE_DEBUG=1" in text
    assert "pulumi_inference/operations/_desired.py" not in text
    assert API_KEY not in text

    monkeypatch.setenv(provider_module.DEBUG_ENV, "1")
    with pytest.raises(InferenceError) as debugged:
        provider.create(props)
    full = "".join(traceback.format_exception(debugged.value))
    assert "pulumi_inference/operations/_desired.py" in full and "is not a duration" in full
    assert API_KEY not in full


def test_under_an_older_dynamic_server_the_failure_is_the_typed_error_itself(
    provider: InferenceEndpointProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REQ-ERROR-1: a server that reports only the exception's text (Pulumi 3.216) gets the
    redacted message itself, not a pointer to a traceback it never prints."""
    monkeypatch.setattr(provider_module, "server_reports_tracebacks", lambda: False)
    monkeypatch.delenv(provider_module.DEBUG_ENV, raising=False)
    props = {
        "inference_id": "x",
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": "m"},
        "secrets": {"service_settings": {"api_key": API_KEY}},
        "deployment_timeout": f"bad-{API_KEY}",
    }
    with pytest.raises(InferenceError) as failed:
        provider.create(props)
    assert "is not a duration" in str(failed.value)
    assert API_KEY not in str(failed.value)


def test_an_update_on_an_old_cluster_of_unknown_version_says_how_to_proceed() -> None:
    """REQ-UPDATE-1: credentials without `monitor` hide the version; before 8.17 the cluster
    has no _update, and the error says what to do instead of passing on a 'no handler'."""
    config = EmulatorConfig(version="8.15.0", users=("writer:writer-pass:manage_inference",))
    with Emulator(config) as old:
        old.faults.status(403, method="GET", path="^/$", count=None)  # GET / needs `monitor`
        provider = InferenceEndpointProvider()
        props = openai(old)
        props["connection"] = {"url": old.url, "username": "writer", "password": "writer-pass"}
        outs = provider.create(props).outs or {}
        assert "cluster_version" not in outs  # GET / was refused: the version is unknown
        with pytest.raises(InferenceError) as refused:
            provider.update("openai-emb", outs, {**props, "task_settings": {"user": "other"}})
    message = str(refused.value)
    assert "no _update API" in message and "`monitor`" in message and "--replace" in message
    assert "writer-pass" not in message


@pytest.mark.parametrize(
    ("made", "said", "not_said"),
    [
        (  # live chunking already what the reset leaves: no reset to warn of
            {"chunking_settings": {"strategy": "word", "max_chunk_size": 250, "overlap": 100}},
            "ADOPTS the existing endpoint with one _update, which sends "
            "service_settings.api_key (secret, value not shown), task_settings.user "
            "by-hand -> search; it changes task_settings.user by-hand -> search.",
            "resets chunking_settings",
        ),
        (
            {},
            "resets chunking_settings from sentence/250/1 to word/250/100",
            "will FAIL",
        ),
        (
            {"service_settings": {"model_id": "text-embedding-3-large", "api_key": "k"}},
            "adopt_existing will FAIL and leave it untouched: it differs from the declaration "
            "in service_settings.model_id",
            "ADOPTS",
        ),
    ],
)
def test_the_check_of_an_adoption_says_what_it_will_send_and_change(
    emulator: Emulator,
    provider: InferenceEndpointProvider,
    caplog: pytest.LogCaptureFixture,
    made: dict[str, Any],
    said: str,
    not_said: str,
) -> None:
    """REQ-CREATE-6: before an adoption sends anything, its check says (a warning on the
    endpoint) what the _update will send and change, or that it will be refused."""
    emulator.set_version("9.1.0")
    body = {
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small", "api_key": "k"},
        "task_settings": {"user": "by-hand"},
        **made,
    }
    with httpx.Client(base_url=emulator.url) as http:
        assert http.put("/_inference/text_embedding/openai-emb", json=body).is_success
    emulator.clear_requests()
    declared = openai(emulator, adopt_existing=True)
    if "chunking_settings" in made:
        declared["chunking_settings"] = made["chunking_settings"]
    with caplog.at_level(logging.WARNING, logger="pulumi_inference"):
        assert provider.check({}, at_preview(declared)).failures == []
    assert said in caplog.text and not_said not in caplog.text
    assert API_KEY not in caplog.text
    assert {r["method"] for r in emulator.requests()} <= {"GET"}


def test_no_adoption_notice_when_there_is_nothing_to_adopt(
    emulator: Emulator, provider: InferenceEndpointProvider, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="pulumi_inference"):
        assert provider.check({}, at_preview(openai(emulator, adopt_existing=True))).failures == []
    assert caplog.text == ""


def test_the_check_of_an_update_says_nothing_of_an_adoption_and_nothing_of_the_preview_is_kept(
    emulator: Emulator, provider: InferenceEndpointProvider, caplog: pytest.LogCaptureFixture
) -> None:
    """An `up` checks twice: its preview predicts the adoption, its update says only what
    its create did (ADOPTED). The program's word that it previews is not an input: the check
    returns the inputs without it, so no state stores it."""
    with httpx.Client(base_url=emulator.url) as http:
        made = {"service": "openai", "service_settings": {"model_id": "m", "api_key": "k"}}
        assert http.put("/_inference/text_embedding/openai-emb", json=made).is_success
    declared = openai(emulator, adopt_existing=True)
    with caplog.at_level(logging.WARNING, logger="pulumi_inference"):
        previewed = provider.check({}, at_preview(declared))
    assert "adopt_existing will FAIL" in caplog.text
    assert previewed.failures == [] and previewed.inputs == declared
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="pulumi_inference"):
        updating = provider.check({}, declared)
    assert updating.failures == [] and updating.inputs == declared
    assert caplog.text == ""


def test_adopt_existing_takes_the_chunking_its_update_will_leave_for_no_difference(
    emulator: Emulator, provider: InferenceEndpointProvider
) -> None:
    """Issue 30, defect 4: declared as `pulumi-inference import` writes it on 8.17-9.3, the
    word/250/100 the adopting _update leaves is no difference that refuses the adoption, and
    afterwards the endpoint is as declared; where _update keeps chunking (9.4), it is one."""
    reset = {"strategy": "word", "max_chunk_size": 250, "overlap": 100}
    made_by_hand = {
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small", "api_key": "sk-hand"},
        "task_settings": {"user": "search"},
    }
    url = f"{emulator.url}/_inference/text_embedding/openai-emb"
    assert httpx.put(url, json=made_by_hand).status_code == 200
    declared = openai(emulator, adopt_existing=True, chunking_settings=reset)
    result = provider.create(declared)
    assert (emulator.endpoint("openai-emb") or {})["chunking_settings"] == reset
    refreshed = provider.read("openai-emb", result.outs or {}).outs or {}
    assert provider.diff("openai-emb", refreshed, declared).changes is False

    assert httpx.delete(url).status_code == 200
    assert httpx.put(url, json=made_by_hand).status_code == 200
    emulator.set_version("9.4.0")
    close_all()  # the pooled client keeps the version it read
    with pytest.raises(EndpointAlreadyExistsError, match="chunking_settings"):
        provider.create(declared)
