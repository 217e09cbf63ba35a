"""The check against the cluster's version (issue 23), through the dynamic provider and the
core, against emulated clusters: what is refused, what never is, and how often ``GET /``
is asked (REQ-CHECK-5)."""

from __future__ import annotations

import socket
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from pulumi_inference import InferenceEndpointProvider, operations
from pulumi_inference._pulumi_wire import UNKNOWN
from pulumi_inference.dynamic._layout import PREVIEWING
from pulumi_inference.emulator import Emulator, EmulatorConfig
from pulumi_inference.errors import InferenceError
from pulumi_inference.operations import DesiredEndpoint
from pulumi_inference.operations._access import CHECK_ENV
from pulumi_inference.operations._versions import dry_run_available
from tests.support import checks


def _groq(url: str, **extra: Any) -> dict[str, Any]:
    return {
        "inference_id": "chat",
        "task_type": "chat_completion",
        "service": "groq",
        "service_settings": {"model_id": "llama-3.3-70b-versatile"},
        "secrets": {"service_settings": {"api_key": "gsk-test"}},
        "connection": {"url": url},
        PREVIEWING: True,  # as the program registers it while it previews
        **extra,
    }


def _failures(props: dict[str, Any]) -> list[tuple[str, str]]:
    return checks.by_path(InferenceEndpointProvider().check({}, props).failures)


def _gets(emulator: Emulator) -> int:
    return sum(1 for entry in emulator.requests() if entry["path"] == "/")


def test_a_service_newer_than_the_cluster_fails_the_check_once_per_cluster() -> None:
    """REQ-CHECK-5: one line, once per cluster, nothing sent to /_inference."""
    with Emulator(EmulatorConfig(version="9.1.2")) as emulator:
        for _ in range(3):
            assert _failures(_groq(emulator.url)) == [
                (
                    "service",
                    "service 'groq' needs Elasticsearch 9.3.0 or later; the cluster "
                    f"({emulator.url}) runs 9.1.2",
                )
            ]
        assert _gets(emulator) == 1
        assert [e for e in emulator.requests() if e["path"].startswith("/_inference")] == []


def test_a_service_newer_than_the_library_is_never_refused_by_version() -> None:
    """allow_unknown_service: the catalogue does not know it, so the cluster decides."""
    with Emulator(EmulatorConfig(version="8.15.0")) as emulator:
        props = _groq(emulator.url, service="brand-new-service", allow_unknown_service=True)
        assert _failures(props) == []


def test_serverless_counts_as_current_whatever_number_it_reports() -> None:
    config = EmulatorConfig(version="8.11.0", build_flavor="serverless")
    with Emulator(config) as emulator:
        assert _failures(_groq(emulator.url)) == []


def test_a_cluster_that_cannot_be_asked_counts_as_current(monkeypatch: pytest.MonkeyPatch) -> None:
    """No `monitor` privilege (403 on GET /): current. Nothing listening: current for the
    version check, quickly; the access check (REQ-CHECK-7) is what names the unreachable
    cluster, in one line, and it is switched off here to see the version check alone."""
    with Emulator(EmulatorConfig(version="8.18.0")) as emulator:
        emulator.faults.status(403, method="GET", path="^/$", count=None)
        assert _failures(_groq(emulator.url)) == []
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    started = time.monotonic()
    unreachable = _failures(_groq(closed))
    assert [path for path, _ in unreachable] == ["connection"]
    assert "could not reach the cluster" in unreachable[0][1]
    monkeypatch.setenv(CHECK_ENV, "off")
    assert _failures(_groq(closed)) == []
    assert time.monotonic() - started < 8


def test_a_connection_not_known_yet_is_not_asked() -> None:
    assert _failures(_groq(UNKNOWN)) == []


@pytest.mark.parametrize("recorded", ["9.1.0", ""])
def test_without_the_live_version_a_diff_uses_the_one_state_recorded(recorded: str) -> None:
    """An endpoint recorded on 9.1 changed to groq: the check could not read the version
    (403), so the diff refuses it with the recorded one; nothing recorded: current."""
    with Emulator(EmulatorConfig(version="9.1.0")) as emulator:
        emulator.faults.status(403, method="GET", path="^/$", count=None)
        old_props = {
            **_groq(emulator.url, service="openai"),
            "service_settings": {"model_id": "gpt-4o-mini", "api_key": "sk"},
            "cluster_version": recorded,
        }
        new_props = {**_groq(emulator.url), "service_settings": {"model_id": "m", "api_key": "k"}}
        provider = InferenceEndpointProvider()
        assert provider.check({}, new_props).failures == []
        old, new = DesiredEndpoint.from_props(old_props), DesiredEndpoint.from_props(new_props)
        client = provider._client(new)
        if not recorded:
            assert operations.diff(old, new, lambda: client).replaces
            return
        with pytest.raises(InferenceError) as refused:
            operations.diff(old, new, lambda: client)
        assert str(refused.value) == (
            "inference endpoint 'chat': service 'groq' needs Elasticsearch 9.3.0 or later; the "
            f"cluster ({emulator.url}, as state recorded it) runs 9.1.0"
        )


def test_serverless_is_recorded_as_such_and_every_gate_opens() -> None:
    """State records `serverless` (its reported 8.11.0 would close _update, dry runs...)."""
    config = EmulatorConfig(version="8.11.0", build_flavor="serverless", deployment_seconds=0.1)
    with Emulator(config) as emulator:
        props = _groq(emulator.url)
        props["service_settings"] = {"model_id": "m", "api_key": "gsk"}
        client = InferenceEndpointProvider()._client(DesiredEndpoint.from_props(props))
        observed = operations.create(client, DesiredEndpoint.from_props(props), props)
        assert observed.cluster_version == "serverless"
        recorded = DesiredEndpoint.from_props({**props, "cluster_version": "serverless"})
        assert operations.task_settings_updatable(recorded.cluster_version)
        assert not operations.update_resets_chunking("text_embedding", recorded.cluster_version)
        assert dry_run_available(recorded.cluster_version)


def test_a_declaration_that_adds_nothing_to_what_the_cluster_took_asks_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Same service, task type, connection and keys as the old inputs: the version check
    sends no GET /; a new key, task type or service: asked (once). The access check, which
    shares that GET / when both run, is off here to count the version check's own."""
    monkeypatch.setenv(CHECK_ENV, "off")
    with Emulator(EmulatorConfig(version="9.1.0")) as emulator:
        provider = InferenceEndpointProvider()
        old = {**_groq(emulator.url, service="openai")}
        old["service_settings"] = {"model_id": "gpt-4o-mini"}
        old["secrets"] = {"service_settings": {"api_key": "sk"}}
        same = {**old, "service_settings": {"model_id": "gpt-4.1"}}
        assert provider.check(old, same).failures == []
        assert _gets(emulator) == 0
        more = {**old, "task_settings": {"user": "u"}}
        assert provider.check(old, more).failures == []
        assert _gets(emulator) == 1
        groq = _groq(emulator.url)
        assert checks.paths(provider.check(old, groq).failures) == ["service"]


def test_endpoints_checked_at_once_ask_their_cluster_once() -> None:
    """The native plugin and the widened dynamic server check many endpoints concurrently."""
    with Emulator(EmulatorConfig(version="9.1.0", latency=0.2)) as emulator:
        props = [_groq(emulator.url, inference_id=f"chat-{n}") for n in range(8)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(_failures, props))
        assert all([path for path, _ in found] == ["service"] for found in results)
        assert _gets(emulator) == 1
