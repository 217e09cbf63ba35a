"""Cluster identity (issue 30, defect 1): every endpoint records the cluster it lives on, and no
command reads, changes, deletes or drops it on the word of another server.

The sequence of the issue: a stack is up; its cluster URL is then pointed (stack config, as a
mistyped Elastic Cloud URL would be) at a server that is not Elasticsearch and answers 404 to
everything, or at another cluster. Preview, refresh, up and destroy each fail with one line
naming what was expected, what answered and the setting to fix; the state keeps every
endpoint, the cluster keeps them untouched, and pointing the URL back makes the stack clean.
Moving to another cluster on purpose is said with PULUMI_INFERENCE_MOVE_TO_CLUSTER and shows
per endpoint.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pulumi import automation as auto

from devtools.engine import Engine, export_without_secrets
from devtools.engine_programs import (
    API_KEY,
    CLUSTER_API_KEYS,
    Cluster,
    Door,
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
from tests.support.not_elasticsearch import NotElasticsearch

pytestmark = [pytest.mark.engine, pytest.mark.timeout(300)]

MOVE_ENV = "PULUMI_INFERENCE_MOVE_TO_CLUSTER"


@pytest.fixture(scope="module")
def emulator_config() -> EmulatorConfig:
    return keyed_config(deployment_seconds=0.1, cluster_name="prod-east")


@pytest.fixture(scope="module")
def other_cluster() -> Iterator[Emulator]:
    """A second cluster (its own cluster_uuid) that takes the same API key: a restore target
    (9.4: its ``_update`` keeps chunking, so the adoption of a move leaves no drift)."""
    config = EmulatorConfig(api_keys=CLUSTER_API_KEYS, cluster_name="prod-west", version="9.4.0")
    with Emulator(config) as other:
        yield other


def recorded_clusters(stack: auto.Stack, door: Door) -> dict[str, tuple[str, str]]:
    """Per endpoint, (cluster_uuid, cluster_name) as its state's outputs record them."""
    found = {}
    for name, resource in exported_endpoints(export_without_secrets(stack)).items():
        outputs = door.state_props(resource, "outputs")
        found[name] = (outputs.get("cluster_uuid"), outputs.get("cluster_name"))
    return found


def endpoint_ids(stack: auto.Stack, door: Door) -> list[str]:
    """The inference ids of the stack's endpoints, as its state holds them."""
    exported = exported_endpoints(export_without_secrets(stack)).values()
    return sorted(door.state_props(resource, "outputs")["inference_id"] for resource in exported)


def config_stack(
    engine: Engine, cluster: Cluster, door: Door, name: str, count: int = 2
) -> auto.Stack:
    """``count`` endpoints whose cluster comes from stack config (the URL to break)."""
    prefix = unique(name)
    declarations = {
        f"emb{i}": openai_embeddings(f"{prefix}-{i}", secret_value("openai")) for i in range(count)
    }
    return engine.stack(
        name,
        door.program(declarations),
        config={door.config_key("url"): cluster.url},
        secret_config={door.config_key("api_key"): API_KEY},
    )


def failure(run: object) -> str:
    """The text of the engine's failure of ``run()``."""
    with pytest.raises(auto.CommandError) as failed:
        run()  # type: ignore[operator]
    return str(failed.value)


def test_every_endpoint_records_the_cluster_it_lives_on(
    engine: Engine, cluster: Cluster, door: Door
) -> None:
    """REQ-CONN-2: the cluster's uuid and name, in state and as outputs."""
    stack = config_stack(engine, cluster, door, "records")
    stack.up(color="never")
    uuid = cluster.emulator.cluster_uuid
    assert recorded_clusters(stack, door) == {
        "emb0": (uuid, "prod-east"),
        "emb1": (uuid, "prod-east"),
    }
    assert preview_changes(stack) == {}


def test_a_url_that_is_not_elasticsearch_fails_every_command_and_drops_nothing(
    engine: Engine, cluster: Cluster, door: Door, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REQ-CONN-2, REQ-READ-2: the issue's sequence: a 404-to-everything URL used to pass
    preview, be stored by up, and make refresh drop every endpoint (`- 4 deleted`)."""
    stack = config_stack(engine, cluster, door, "not-es")
    stack.up(color="never")
    before = recorded_clusters(stack, door)
    ids = endpoint_ids(stack, door)
    url_key = door.config_key("url")
    uuid = cluster.emulator.cluster_uuid

    def assert_refused(said: str, wrong: str) -> None:
        assert f"{wrong} is not Elasticsearch" in said, said
        assert "404" in said and "X-Elastic-Product" in said, said
        assert f"fix {url_key}" in said, said
        # what was expected: the endpoint's cluster, or (a native provider's new
        # configuration, checked before its endpoints) an Elasticsearch cluster
        provider = door.native and "the provider's new configuration: expected an Elastic" in said
        assert provider or f"expected the cluster 'prod-east' (cluster_uuid {uuid})" in said, said

    with NotElasticsearch() as wrong:
        stack.set_config(url_key, auto.ConfigValue(value=wrong.url))
        for command in (
            lambda: stack.preview(color="never"),
            lambda: stack.up(color="never"),
            lambda: stack.refresh(color="never", run_program=True),
            lambda: stack.destroy(color="never", run_program=True),
        ):
            assert_refused(failure(command), wrong.url)
        # The preview's check softened (`warn`, `off`) softens the preview only: `up` has
        # nothing to send, yet refuses what it would store (it reported `unchanged` and
        # stored the URL): each endpoint (the dynamic door, whose program says it applies)
        # or the provider's new configuration (native, refused before Pulumi stores it).
        for mode in ("warn", "off"):
            monkeypatch.setenv("PULUMI_INFERENCE_PREVIEW_CHECK", mode)
            assert_refused(failure(lambda: stack.up(color="never")), wrong.url)
        if door.native:  # the provider's configuration is still the recorded cluster's
            assert changes(stack.refresh(color="never").summary.resource_changes) == {}
        else:  # Pulumi stored its own provider's stack config: a plain refresh says so
            said = failure(lambda: stack.refresh(color="never"))
            assert_refused(said, wrong.url)
            assert "run `pulumi refresh --run-program`" in said, said
        monkeypatch.delenv("PULUMI_INFERENCE_PREVIEW_CHECK")
        assert all(method == "GET" and path == "/" for method, path in wrong.requests)

    assert recorded_clusters(stack, door) == before  # nothing left the state
    assert all(cluster.endpoint(i) is not None for i in ids)  # nor the cluster
    stack.set_config(url_key, auto.ConfigValue(value=cluster.url))
    assert preview_changes(stack) == {}
    assert up_changes(stack) == {}
    refreshed = stack.refresh(color="never")
    assert changes(refreshed.summary.resource_changes) == {}


def test_another_cluster_fails_until_the_move_is_said_and_then_moves_each_endpoint(
    engine: Engine,
    cluster: Cluster,
    door: Door,
    other_cluster: Emulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """REQ-CONN-2: another cluster at the URL (a restore target, a mistaken environment) is
    refused by every command; naming it in PULUMI_INFERENCE_MOVE_TO_CLUSTER moves the stack:
    the preview shows each endpoint moving, `up` takes over what the new cluster has and
    creates what it lacks, and the state records the new cluster."""
    other_cluster.reset()
    stack = config_stack(engine, cluster, door, "moves")
    stack.up(color="never")
    ids = endpoint_ids(stack, door)
    restored = ids[0]  # the restore brought one endpoint over; the other is not there
    body = {
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small", "api_key": "sk-restored"},
        "task_settings": {"user": "engine-tests"},
    }
    with Cluster(other_cluster).http() as client:
        response = client.put(f"/_inference/text_embedding/{restored}", json=body)
    assert response.status_code == 200, response.text
    url_key = door.config_key("url")
    stack.set_config(url_key, auto.ConfigValue(value=other_cluster.url))

    said = failure(lambda: stack.preview(color="never"))
    assert (
        f"expected the cluster 'prod-east' (cluster_uuid {cluster.emulator.cluster_uuid})" in said
    )
    assert f"is the cluster 'prod-west' (cluster_uuid {other_cluster.cluster_uuid})" in said
    assert f"fix {url_key}" in said and f"{MOVE_ENV}={other_cluster.cluster_uuid}" in said
    refused = failure(lambda: stack.refresh(color="never", run_program=True))
    assert f"{MOVE_ENV}={other_cluster.cluster_uuid}" in refused, refused
    assert recorded_clusters(stack, door)["emb0"][1] == "prod-east"  # nothing dropped

    monkeypatch.setenv(MOVE_ENV, other_cluster.cluster_uuid)
    preview = stack.preview(color="never", diff=True)
    assert changes(preview.change_summary) == {"update": 2}, preview.stdout
    shown = preview.stdout + preview.stderr
    assert shown.count("MOVES from the cluster 'prod-east'") == 2, shown
    assert "it is not there yet: `pulumi up` creates it there" in shown, shown
    assert "ADOPTS the existing endpoint" in shown, shown  # the restored one
    assert up_changes(stack) == {"update": 2}
    uuid = other_cluster.cluster_uuid
    assert recorded_clusters(stack, door) == {
        "emb0": (uuid, "prod-west"),
        "emb1": (uuid, "prod-west"),
    }
    assert sorted(i for i in ids if other_cluster.endpoint(i) is not None) == ids
    monkeypatch.delenv(MOVE_ENV)
    assert preview_changes(stack) == {}
    assert changes(stack.refresh(color="never").summary.resource_changes) == {}
    assert all(cluster.endpoint(i) is not None for i in ids)  # the old cluster is left alone


def test_a_plain_refresh_and_destroy_use_the_cluster_the_last_up_stored(
    engine: Engine, cluster: Cluster, door: Door, other_cluster: Emulator
) -> None:
    """Issue 30 (the acceptance walk): stack config pointed at another cluster after `up`. A
    plain `pulumi refresh` and `pulumi destroy` do not run the program, and Pulumi hands them
    the configuration the last `up` stored: they work on the cluster the endpoints live on,
    and the provider cannot see the new setting to say anything of it (docs/configuration.md,
    'What refresh and destroy connect with'). The `--run-program` forms use the setting as it
    is now, and refuse the other cluster (above)."""
    other_cluster.reset()
    stack = config_stack(engine, cluster, door, "stored-config", count=1)
    stack.up(color="never")
    [inference_id] = endpoint_ids(stack, door)
    stack.set_config(door.config_key("url"), auto.ConfigValue(value=other_cluster.url))
    assert changes(stack.refresh(color="never").summary.resource_changes) == {}
    stack.destroy(color="never")
    assert cluster.endpoint(inference_id) is None  # deleted where it lived
    assert not [r for r in other_cluster.requests() if r["path"].startswith("/_inference")]
