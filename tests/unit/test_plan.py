"""Diff decisions, offline: no-op, in-place update, replacement, and which order."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_inference._pulumi_wire import UNKNOWN
from pulumi_inference.dynamic import _layout
from pulumi_inference.operations._desired import DesiredEndpoint
from pulumi_inference.operations._plan import Plan, plan_change


def _openai(**overrides: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "inference_id": "emb",
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small"},
        "secrets": {"service_settings": {"api_key": "sk-1"}},
        "task_settings": {"user": "a"},
        "connection": {"url": "http://127.0.0.1:9200"},
        "cluster_version": "9.1.0",
    }
    props.update(overrides)
    return props


def _spec(props: dict[str, Any]) -> DesiredEndpoint:
    """Props as the dynamic resource sends them (secret values under ``secrets``)."""
    return _layout.endpoint_spec(props)


def _plan(old: dict[str, Any], new: dict[str, Any]) -> Plan:
    return plan_change(_spec(old), _spec(new))


def test_equal_declaration_is_no_change_even_with_floats_from_the_wire() -> None:
    """REQ-PLAN-1: 512 and 512.0 are the same."""
    old = _openai(service_settings={"model_id": "m", "dimensions": 512})
    new = _openai(service_settings={"model_id": "m", "dimensions": 512.0})
    plan = _plan(old, new)
    assert not plan.has_changes
    assert plan.replaces == []


def test_task_settings_change_updates_in_place_with_only_the_changed_keys() -> None:
    """REQ-PLAN-2: the _update body holds only the changed key."""
    plan = _plan(
        _openai(task_settings={"user": "a", "x": 1}), _openai(task_settings={"user": "b", "x": 1})
    )
    assert plan.has_changes and plan.replaces == []
    assert plan.update_body == {"task_settings": {"user": "b"}}


def test_secret_rotation_updates_in_place() -> None:
    """REQ-PLAN-2: a rotated key inside service_settings is sent in place."""
    plan = _plan(_openai(), _openai(secrets={"service_settings": {"api_key": "sk-2"}}))
    assert plan.replaces == []
    assert plan.update_body == {"service_settings": {"api_key": "sk-2"}}


@pytest.mark.parametrize(
    ("change", "property_"),
    [
        ({"service_settings": {"model_id": "text-embedding-3-large"}}, "service_settings"),
        (
            {"service_settings": {"model_id": "text-embedding-3-small", "dimensions": 256}},
            "service_settings",
        ),
        ({"task_type": "completion"}, "task_type"),
        ({"service": "azureopenai"}, "service"),
    ],
)
def test_settings_the_cluster_cannot_change_replace_deleting_first(
    change: dict[str, Any], property_: str
) -> None:
    """REQ-PLAN-3: model_id, dimensions, task_type and service replace, deleting first."""
    plan = _plan(_openai(), _openai(**change))
    assert property_ in plan.replaces
    assert plan.delete_before_replace is True


def test_changed_id_replaces_creating_first() -> None:
    """REQ-PLAN-4: a new inference_id is created before the old one is deleted."""
    plan = _plan(_openai(), _openai(inference_id="emb-v2"))
    assert plan.replaces == ["inference_id"]
    assert plan.delete_before_replace is False


def test_force_delete_and_connection_concern_only_pulumi() -> None:
    """REQ-PLAN-5: no request body for Pulumi-only properties."""
    plan = _plan(_openai(), _openai(force_delete=True, connection={"url": "http://localhost:9200"}))
    assert plan.has_changes
    assert plan.replaces == []
    assert plan.update_body == {}
    assert set(plan.provider_only_changes) == {"force_delete", "connection"}


def test_removing_a_task_setting_replaces_because_update_merges() -> None:
    """REQ-PLAN-3: the cluster merges task settings, so a removed key replaces."""
    plan = _plan(_openai(task_settings={"user": "a"}), _openai(task_settings={}))
    assert plan.replaces == ["task_settings"]


def test_old_cluster_without_update_api_plans_replacements() -> None:
    """REQ-PLAN-3, REQ-PLAN-6: before 8.17 every change replaces; the dynamic resource names the
    secret as `secrets`."""
    plan = _plan(
        _openai(cluster_version="8.15.0"),
        _openai(cluster_version="8.15.0", task_settings={"user": "b"}),
    )
    assert plan.replaces == ["task_settings"]
    new = _openai(secrets={"service_settings": {"api_key": "new"}})
    rotation = _plan(_openai(cluster_version="8.15.0"), new)
    assert rotation.replaces == ["service_settings"]
    assert [c.path for c in rotation.changes] == [("service_settings", "api_key")]
    # the dynamic resource keeps that value in its `secrets` property, which it names
    assert [_layout.carried_by(c.path, new) for c in rotation.changes] == ["secrets"]


def test_the_dynamic_preview_names_each_changed_property_and_which_secret() -> None:
    """REQ-PLAN-6: the dynamic door's per-property diff: settings keys by path, a value it
    keeps in `secrets` by its path there (which key rotated is said, never a value)."""
    old = _openai()
    new = _openai(
        task_settings={"user": "b"},
        secrets={"service_settings": {"api_key": "new"}},
        service_settings={"model_id": "text-embedding-3-large"},
    )
    plan = _plan(old, new)
    assert _layout.detailed_diff(plan.changes, old, new) == {
        "task_settings.user": "UPDATE",
        "service_settings.model_id": "UPDATE_REPLACE",
        "secrets.service_settings.api_key": "UPDATE",  # a rotation alone updates in place
    }


@pytest.mark.parametrize(
    ("path", "written"),
    [
        (("task_settings", "user"), "task_settings.user"),
        (("service_settings", "headers", "x-api-key"), 'service_settings.headers["x-api-key"]'),
        (("service_settings", "input", 0), "service_settings.input[0]"),
    ],
)
def test_property_paths_are_written_as_pulumi_reads_them(
    path: tuple[str | int, ...], written: str
) -> None:
    assert _layout.property_path(path) == written


def test_allocations_scale_in_place_for_deployments() -> None:
    """REQ-PLAN-2, REQ-PLAN-3: num_allocations in place, num_threads replaces."""
    old = {
        "inference_id": "e5",
        "task_type": "text_embedding",
        "service": "elasticsearch",
        "service_settings": {
            "model_id": ".multilingual-e5-small",
            "num_threads": 1,
            "num_allocations": 1,
        },
        "cluster_version": "9.1.0",
    }
    new = {**old, "service_settings": {**old["service_settings"], "num_allocations": 3.0}}
    plan = _plan(old, new)
    assert plan.replaces == []
    assert plan.update_body == {"service_settings": {"num_allocations": 3}}
    assert plan.rescales_deployment
    threads = _plan(old, {**old, "service_settings": {**old["service_settings"], "num_threads": 2}})
    assert threads.replaces == ["service_settings"]


def test_elser_and_elasticsearch_are_the_same_service() -> None:
    """REQ-PLAN-1: elser for elasticsearch changes nothing."""
    old = {
        "inference_id": "elser",
        "task_type": "sparse_embedding",
        "service": "elser",
        "service_settings": {"num_threads": 1, "num_allocations": 1},
    }
    assert not _plan(old, {**old, "service": "elasticsearch"}).replaces
    assert not _plan(old, {**old, "service": "elasticsearch"}).has_changes


def test_unknown_values_in_preview_plan_the_worst_honest_case() -> None:
    unknown = UNKNOWN
    assert (
        "service_settings"
        in _plan(_openai(), _openai(service_settings={"model_id": unknown})).replaces
    )
    assert "inference_id" in _plan(_openai(), _openai(inference_id=unknown)).replaces
    rotation = _plan(_openai(), _openai(secrets=unknown))
    assert rotation.replaces == [] and rotation.has_changes
    task = _plan(_openai(), _openai(task_settings={"user": unknown}))
    assert task.replaces == [] and task.update_body == {"task_settings": {"user": unknown}}


def test_every_change_is_named_by_its_full_path_and_kind() -> None:
    """REQ-PLAN-6: each difference with its path, kind, replacing or not, secret or not."""
    plan = _plan(
        _openai(task_settings={"user": "a", "gone": 1}),
        _openai(
            service_settings={"model_id": "text-embedding-3-large", "dimensions": 256},
            secrets={"service_settings": {"api_key": "sk-2"}},
            task_settings={"user": "b"},
        ),
    )
    found = {(c.path, c.kind, c.replaces, c.secret) for c in plan.changes}
    assert found == {
        (("service_settings", "api_key"), "update", False, True),
        (("service_settings", "dimensions"), "add", True, False),
        (("service_settings", "model_id"), "update", True, False),
        (("task_settings", "gone"), "delete", True, False),
        (("task_settings", "user"), "update", False, False),
    }


def test_an_update_of_service_settings_resends_every_declared_secret() -> None:
    """REQ-PLAN-2: The cluster rebuilds the secret settings from the service_settings it is sent."""
    from pulumi_inference.operations._update import update_body

    old = _openai(cluster_version="9.1.0")
    new = _openai(secrets={"service_settings": {"api_key": "sk-2"}}, task_settings={"user": "b"})
    plan = _plan(old, new)
    spec = _spec(new)
    assert update_body(plan, spec) == {
        "service_settings": {"api_key": "sk-2"},
        "task_settings": {"user": "b"},
    }
    plan.service_settings_update = {"rate_limit": {"requests_per_minute": 10}}
    assert update_body(plan, spec)["service_settings"] == {
        "rate_limit": {"requests_per_minute": 10},
        "api_key": "sk-2",
    }
    task_only = _plan(old, _openai(task_settings={"user": "b"}))
    assert update_body(task_only, _spec(old)) == {"task_settings": {"user": "b"}}


def test_an_added_task_setting_and_new_adaptive_allocations_update_in_place() -> None:
    """REQ-PLAN-2: a task setting added, and a deployment's adaptive allocations changed."""
    added = _plan(
        _openai(task_settings={"user": "a"}), _openai(task_settings={"user": "a", "x": 1})
    )
    assert added.replaces == []
    assert added.update_body == {"task_settings": {"x": 1}}
    adaptive = {"enabled": True, "min_number_of_allocations": 1, "max_number_of_allocations": 4}
    old: dict[str, Any] = {
        "inference_id": "e5",
        "task_type": "text_embedding",
        "service": "elasticsearch",
        "service_settings": {
            "model_id": ".multilingual-e5-small",
            "num_threads": 1,
            "adaptive_allocations": adaptive,
        },
        "cluster_version": "9.1.0",
    }
    wider = {**adaptive, "min_number_of_allocations": 0, "max_number_of_allocations": 8}
    new = {**old, "service_settings": {**old["service_settings"], "adaptive_allocations": wider}}
    plan = _plan(old, new)
    assert plan.replaces == []
    assert plan.update_body == {"service_settings": {"adaptive_allocations": wider}}
    assert plan.rescales_deployment


WORD = {"strategy": "word", "max_chunk_size": 100, "overlap": 50}


@pytest.mark.parametrize(
    ("old", "new", "property_"),
    [
        ({}, {"chunking_settings": WORD}, "chunking_settings"),
        (
            {"chunking_settings": WORD},
            {"chunking_settings": {**WORD, "max_chunk_size": 120}},
            "chunking_settings",
        ),
        (
            {},
            {
                "service_settings": {
                    "model_id": "text-embedding-3-small",
                    "rate_limit": {"requests_per_minute": 10},
                }
            },
            "service_settings",
        ),
    ],
    ids=["chunking declared", "chunking changed", "rate_limit declared"],
)
def test_chunking_and_rate_limit_changes_replace_deleting_first(
    old: dict[str, Any], new: dict[str, Any], property_: str
) -> None:
    """REQ-PLAN-3: no release documents them as changeable through _update."""
    plan = _plan(_openai(**old), _openai(**new))
    assert plan.replaces == [property_]
    assert plan.delete_before_replace is True


@pytest.mark.parametrize(("version", "replaces"), [("8.16.9", ["task_settings"]), ("8.17.0", [])])
def test_an_in_place_change_replaces_on_a_cluster_before_8_17(
    version: str, replaces: list[str]
) -> None:
    """REQ-PLAN-3: _update exists since 8.17; before it, the change deletes first."""
    plan = _plan(
        _openai(cluster_version=version),
        _openai(cluster_version=version, task_settings={"user": "b"}),
    )
    assert plan.has_changes
    assert plan.replaces == replaces
    if replaces:
        assert plan.delete_before_replace is True
    else:
        assert plan.update_body == {"task_settings": {"user": "b"}}


@pytest.mark.parametrize(
    ("property_", "value"),
    [
        ("connection", {"url": "http://localhost:9200"}),
        ("force_delete", True),
        ("wait_for_deployment", False),
        ("deployment_timeout", "20m"),
        ("allow_unknown_service", True),
        ("adopt_existing", True),
    ],
)
def test_each_pulumi_only_property_changes_the_state_only(property_: str, value: Any) -> None:
    """REQ-PLAN-5: a change, but nothing to send and nothing to replace."""
    plan = _plan(_openai(), _openai(**{property_: value}))
    assert plan.has_changes
    assert plan.replaces == []
    assert plan.update_body == {}
    assert list(plan.provider_only_changes) == [property_]


def test_the_replacement_look_up_retries_on_a_short_budget_of_its_own() -> None:
    """REQ-REVIEW-1: a preview's look-up gives up sooner than an apply's requests do."""
    from pulumi_inference.client import EndpointUsers, RetryPolicy
    from pulumi_inference.operations._impact import LOOKUP_POLICY, replacement_impact

    asked: list[RetryPolicy | None] = []

    class Client:
        def endpoint_users(
            self, task_type: str, inference_id: str, *, policy: RetryPolicy | None = None
        ) -> EndpointUsers:
            asked.append(policy)
            return EndpointUsers(pipelines=["p"], indexes=[])

    old, new = _openai(), _openai(service_settings={"model_id": "text-embedding-3-large"})
    plan = _plan(old, new)
    impact = replacement_impact(lambda: Client(), _spec(old), _spec(new), plan)  # type: ignore[arg-type,return-value]
    assert impact is not None and impact.pipelines == ("p",)
    assert asked == [LOOKUP_POLICY]
    default = RetryPolicy()
    assert LOOKUP_POLICY.deadline < default.deadline
    assert LOOKUP_POLICY.unreachable_deadline < default.unreachable_deadline


RESET = {"strategy": "word", "max_chunk_size": 250, "overlap": 100}


def _offline_diff(old: dict[str, Any], new: dict[str, Any], live_chunking: Any) -> Plan:
    """``operations.diff`` with no cluster to ask (the connection not known yet)."""
    from pulumi_inference.operations import Observed, diff
    from pulumi_inference.operations._cluster import ConnectionNotKnown

    def connect() -> Any:
        raise ConnectionNotKnown("not known")

    return diff(_spec(old), _spec(new), connect, Observed(chunking_settings=live_chunking))


def test_chunking_an_update_reset_is_said_by_every_preview_until_declared(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Issue 30, defect 4: an embedding endpoint whose program leaves chunking out (the
    default) but which chunks as the reset of an _update of 8.17-9.3 leaves it: each diff
    says so, planning nothing (replacing is the user's choice); declaring that chunking ends
    it with no change at all."""
    said = "chunks as word/250/100, NOT as its program says"
    plan = _offline_diff(_openai(), _openai(), RESET)
    assert not plan.has_changes and said in caplog.text
    assert 'declare chunking_settings={"strategy": "sentence"' in caplog.text
    caplog.clear()

    declared = _offline_diff(_openai(), _openai(chunking_settings=dict(RESET)), RESET)
    assert not declared.has_changes and said not in caplog.text
    default = {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1}
    assert not _offline_diff(_openai(), _openai(), default).has_changes
    assert not _offline_diff(_openai(), _openai(), None).has_changes  # older clusters: none
    rerank = {"task_type": "rerank", "task_settings": {"top_n": 3}}
    assert not _offline_diff(_openai(**rerank), _openai(**rerank), RESET).has_changes
    assert said not in caplog.text


def test_declaring_the_chunking_an_endpoint_has_changes_nothing_another_replaces() -> None:
    """Where the state declared no chunking, declaring exactly the live one catches up with
    the endpoint (no replacement); declaring another is the replacement it always was."""
    live = {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1}
    same = plan_change(_spec(_openai()), _spec(_openai(chunking_settings=live)), live_chunking=live)
    assert not same.has_changes
    other = plan_change(
        _spec(_openai()), _spec(_openai(chunking_settings=dict(RESET))), live_chunking=live
    )
    assert other.replaces == ["chunking_settings"]
