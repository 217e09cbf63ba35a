"""What `up` applies and stores is checked whatever PULUMI_INFERENCE_PREVIEW_CHECK says (issue 30).

The setting softens the preview's checks (``warn``: a warning, ``off``: no request). A
connection the cluster refused must still never be stored: an endpoint's new connection (the
dynamic door's state-only update), the dynamic door's checks and diffs while its program
applies (a check without ``_layout.PREVIEWING``), and a native provider's new configuration
(its DiffConfig, which Pulumi calls alike in a preview and an up).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import DiffRequest

from pulumi_inference import InferenceEndpointProvider
from pulumi_inference.dynamic._layout import PREVIEWING
from pulumi_inference.emulator import Emulator, EmulatorConfig
from pulumi_inference.errors import InferenceError, NotElasticsearchError
from pulumi_inference.native._provider import InferenceEndpointPlugin
from tests.support.not_elasticsearch import NotElasticsearch

CHECK_ENV = "PULUMI_INFERENCE_PREVIEW_CHECK"
GOOD_KEY = "good-key-0001"
SECURED = EmulatorConfig(
    api_keys=[GOOD_KEY],
    users=[
        "reader:reader-pass-01:monitor_inference,monitor",
        "manager:manager-pass-01:manage_inference,monitor",
    ],
)
SOFTENED = "makes this a warning"
PROVIDER_URN = "urn:pulumi:dev::p::pulumi:providers:elasticsearch-inference::default"


@pytest.fixture(scope="module")
def secured() -> Any:
    with Emulator(SECURED) as emulator:
        yield emulator


def declared(url: str, user: str = "reader", **connection_secrets: str) -> dict[str, Any]:
    """An endpoint of the dynamic door whose connection the program declares."""
    return {
        "inference_id": "stored-conn",
        "task_type": "text_embedding",
        "service": "openai",
        "service_settings": {"model_id": "text-embedding-3-small"},
        "secrets": {
            "service_settings": {"api_key": "sk-apply-0001"},
            "connection": connection_secrets or {"api_key": GOOD_KEY},
        },
        "connection": {"url": url, **({"username": user} if connection_secrets else {})},
    }


def created(provider: InferenceEndpointProvider, props: dict[str, Any]) -> dict[str, Any]:
    """The state's outputs after the endpoint of ``props`` was created."""
    return dict(provider.create(props).outs)


@pytest.mark.parametrize("mode", ["warn", "off"])
def test_a_state_only_update_never_stores_a_connection_the_cluster_refused(
    secured: Emulator, mode: str, monkeypatch: pytest.MonkeyPatch, fast_retries: None
) -> None:
    """The README's program under `PREVIEW_CHECK=warn`: a read-only key, a refused key and a
    server that is not Elasticsearch each fail the update that would only store them."""
    provider = InferenceEndpointProvider()
    secured.reset()
    outs = created(provider, declared(secured.url))
    monkeypatch.setenv(CHECK_ENV, mode)
    read_only = declared(secured.url, password="reader-pass-01")
    refused = declared(secured.url)
    refused["secrets"]["connection"] = {"api_key": "revoked-key-0002"}
    with NotElasticsearch() as wrong:
        for news, said in (
            (read_only, "lack the manage_inference cluster privilege"),
            (refused, "refused the credentials"),
            (declared(wrong.url), f"{wrong.url} is not Elasticsearch"),
        ):
            with pytest.raises(InferenceError) as failed:
                provider.update("stored-conn", outs, news)
            message = str(failed.value)
            assert said in message, message
            assert SOFTENED not in message
            assert "reader-pass-01" not in message and "revoked-key-0002" not in message
    sent = [(r["method"], r["path"]) for r in secured.requests() if r["method"] != "GET"]
    assert sent == [("PUT", "/_inference/text_embedding/stored-conn")]  # the create alone
    # with a key that applies, the same state-only update stores it, sending nothing
    stored = provider.update(
        "stored-conn", outs, declared(secured.url, "manager", password="manager-pass-01")
    )
    assert stored.outs["connection"]["username"] == "manager"


def test_the_dynamic_door_checks_as_strictly_as_fail_while_its_program_applies(
    secured: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under `warn`, a preview's diff lets a server that is not Elasticsearch at the URL of an
    endpoint in the stack go on (said as a warning, `unchanged`); once the program told the
    provider process that it applies (a check without PREVIEWING, which every resource
    registers while its program previews), the same diff fails it, as it would under `fail`;
    a new endpoint's check fails it too."""
    provider = InferenceEndpointProvider()
    secured.reset()
    props = declared(secured.url)
    outs = created(provider, props)
    monkeypatch.setenv(CHECK_ENV, "warn")
    with NotElasticsearch() as wrong:
        moved = declared(wrong.url)
        assert provider.check(props, {**moved, PREVIEWING: True}).failures == []
        assert provider.diff("stored-conn", outs, moved).changes is True  # the preview goes on
        checked = provider.check(props, moved)
        assert checked.failures == []  # left to the diff
        with pytest.raises(NotElasticsearchError, match="is not Elasticsearch") as failed:
            provider.diff("stored-conn", outs, moved)
        assert SOFTENED not in str(failed.value)
        fresh = {**declared(wrong.url), "inference_id": "new-one"}
        [failure] = provider.check({}, fresh).failures
        assert f"{wrong.url} is not Elasticsearch" in failure.reason
        assert SOFTENED not in failure.reason
    assert InferenceEndpointProvider().diff("stored-conn", outs, props).changes is False


def config_diff(plugin: InferenceEndpointPlugin, old: str, new: str, key: str) -> Any:
    request = DiffRequest(
        PROVIDER_URN,
        "default",
        {"url": PropertyValue(old), "apiKey": PropertyValue(GOOD_KEY).with_secret(True)},
        {"url": PropertyValue(new), "apiKey": PropertyValue(key).with_secret(True)},
        [],
    )
    return asyncio.run(plugin.diff_config(request))


@pytest.mark.parametrize("mode", ["fail", "warn", "off"])
def test_a_native_configuration_the_cluster_refused_is_never_stored(
    secured: Emulator, mode: str, monkeypatch: pytest.MonkeyPatch, fast_retries: None
) -> None:
    """DiffConfig runs in a preview and an up alike: a server that is not Elasticsearch and a
    refused key fail it whatever the setting; a read-only key passes (it serves previews and
    refreshes; each change it cannot make fails its own preview); an unreachable URL follows
    the setting."""
    monkeypatch.setenv(CHECK_ENV, mode)
    plugin = InferenceEndpointPlugin()
    with NotElasticsearch() as wrong:
        with pytest.raises(InferenceError, match="is not Elasticsearch") as failed:
            config_diff(plugin, secured.url, wrong.url, GOOD_KEY)
        assert SOFTENED not in str(failed.value)
    with pytest.raises(InferenceError, match="refused the credentials") as refused:
        config_diff(plugin, secured.url, secured.url + "/", "revoked-key-0002")
    assert "revoked-key-0002" not in str(refused.value)
    unreachable = "http://127.0.0.1:9"
    if mode == "fail":
        with pytest.raises(InferenceError, match="could not reach"):
            config_diff(plugin, secured.url, unreachable, GOOD_KEY)
    else:
        assert config_diff(plugin, secured.url, unreachable, GOOD_KEY).changes is True


def test_a_key_short_of_manage_inference_at_destroy_says_what_to_run(
    secured: Emulator,
) -> None:
    """A plain `pulumi destroy` deletes with the connection the last `up` stored: when that
    key may no longer delete (its role lost manage_inference: 403), the refusal says what to
    run if the program already holds one that may, as it does for a refused key (401); the
    endpoint stays, and no secret is in the message."""
    provider = InferenceEndpointProvider()
    secured.reset()
    outs = created(provider, declared(secured.url))
    reader = declared(secured.url, password="reader-pass-01")
    stored = {**outs, "connection": reader["connection"], "secrets": {**outs["secrets"]}}
    stored["secrets"]["connection"] = reader["secrets"]["connection"]
    with pytest.raises(InferenceError) as failed:
        provider.delete("stored-conn", stored)
    message = str(failed.value)
    assert "Grant the `manage_inference` cluster privilege" in message, message
    assert "declared in the program" in message and "run `pulumi up` first" in message, message
    assert "then this command again" in message
    assert "reader-pass-01" not in message
    assert secured.endpoint("stored-conn") is not None
    provider.delete("stored-conn", outs)  # the key that may delete does
    assert secured.endpoint("stored-conn") is None
