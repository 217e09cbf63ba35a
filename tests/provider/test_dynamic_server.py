"""The dynamic provider server's limits and how the provider lifts them, and what happens
when Pulumi's server changes under an extension: one probe per process, the call still
works, and a warning the user sees says what no longer works, its effect and what to do (an
error under CI's strict mode, ``PULUMI_INFERENCE_STRICT_PULUMI``)."""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import pytest
from pulumi.runtime import proto

from pulumi_inference._environment import DEFAULT_WORKERS
from pulumi_inference.dynamic import _reliances
from pulumi_inference.dynamic import _server as _dynamic_server
from pulumi_inference.errors import ConfigurationError

# Code compiled under this name looks, to the provider, like Pulumi's server module.
_SERVER_FILE = "/site-packages/pulumi/dynamic/__main__.py"
URN = "urn:pulumi:dev::p::pulumi-python:dynamic/elasticsearch:InferenceEndpoint::e"


def as_server(fn: Callable[[], Any], source: str, **module_globals: Any) -> Callable[..., Any]:
    """``fn`` called from a function ``call`` of a stand-in server module: ``source`` defines
    ``call`` (its locals, such as ``request``, are what the provider may read)."""
    namespace: dict[str, Any] = {"fn": fn, **module_globals}
    exec(compile(source, _SERVER_FILE, "exec"), namespace)  # noqa: S102  (test code, literal)
    call: Callable[..., Any] = namespace["call"]
    return call


_CALL = "def call():\n    return fn()\n"
_CALL_WITH_REQUEST = "def call(request):\n    return fn()\n"


def _abort_with_traceback() -> None:
    """Stands for the wrapper newer servers format failures with (its name is the sign)."""


_TODAYS_SERVER = {"proto": proto, "traceback": traceback}
_NEWER_SERVER = {**_TODAYS_SERVER, "_abort_with_traceback": _abort_with_traceback}


@pytest.fixture(autouse=True)
def _unprobed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_dynamic_server, "_extended", None)
    monkeypatch.setattr(_reliances, "_lost", set())
    monkeypatch.delenv(_reliances.STRICT_ENV, raising=False)


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and _reliances.NO_LONGER_WORKS in r.getMessage()
    ]


def _extend_in_pool(source: str, request: Any = None, **module_globals: Any) -> Any:
    """``extend_server`` from a stand-in server's call on a pool of four, as Pulumi's."""
    call = as_server(_dynamic_server.extend_server, source, **module_globals)
    args = () if request is None else (request,)
    with ThreadPoolExecutor(max_workers=4) as server_pool:
        found = server_pool.submit(call, *args).result()
        return found, server_pool._max_workers


def test_one_probe_installs_every_extension_of_a_server_as_pulumi_writes_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """REQ-DEPLOY-2: the server's 4 workers become $PULUMI_INFERENCE_DYNAMIC_WORKERS; the
    URN is read, diffs are detailed, failures quiet; nothing is lost, nothing said."""
    request = SimpleNamespace(urn=URN)
    found, width = _extend_in_pool(_CALL_WITH_REQUEST, request, **_NEWER_SERVER)
    assert found == _dynamic_server.Extensions(True, True, True, True)
    assert width == DEFAULT_WORKERS
    assert _warnings(caplog) == []
    assert as_server(_dynamic_server.calling_urn, _CALL_WITH_REQUEST)(request) == URN


def test_the_widened_pool_runs_that_many_calls_at_once() -> None:
    widen = as_server(_dynamic_server.extend_server, _CALL_WITH_REQUEST, **_TODAYS_SERVER)
    with ThreadPoolExecutor(max_workers=4) as server_pool:
        server_pool.submit(widen, SimpleNamespace(urn=URN)).result()
        started = threading.Barrier(8)
        # Eight calls that each wait for all the others: only possible with eight workers.
        waits = [server_pool.submit(started.wait, 10) for _ in range(8)]
        assert all(w.result() is not None for w in waits)


def test_the_worker_count_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """REQ-DEPLOY-2: PULUMI_INFERENCE_DYNAMIC_WORKERS sets the width."""
    monkeypatch.setenv(_dynamic_server.WORKERS_ENV, "12")
    _, width = _extend_in_pool(_CALL_WITH_REQUEST, SimpleNamespace(urn=URN), **_TODAYS_SERVER)
    assert width == 12


def test_the_probe_runs_once_per_process() -> None:
    request = SimpleNamespace(urn=URN)
    first, _ = _extend_in_pool(_CALL_WITH_REQUEST, request, **_TODAYS_SERVER)
    again = as_server(_dynamic_server.extend_server, _CALL)()  # a server with nothing now
    assert again is first


def test_an_older_server_needs_no_quiet_failures() -> None:
    """Servers before the traceback wrapper (3.216 among them) answer with the exception's
    text, which is already the message alone: nothing to install, nothing lost."""
    found, _ = _extend_in_pool(_CALL_WITH_REQUEST, SimpleNamespace(urn=URN), proto=proto)
    assert found.quiet_failures is True


@pytest.mark.parametrize(
    ("server", "source", "lost"),
    [
        ({**_NEWER_SERVER}, _CALL, "reading the resource of a call"),
        ({"traceback": traceback, "_abort_with_traceback": 1}, _CALL_WITH_REQUEST, "naming the"),
        ({"proto": proto, "_abort_with_traceback": 1}, _CALL_WITH_REQUEST, "showing a failure"),
    ],
    ids=["request-local", "proto-global", "traceback-global"],
)
def test_a_server_that_changed_gets_one_warning_per_loss_and_calls_still_work(
    caplog: pytest.LogCaptureFixture, server: dict[str, Any], source: str, lost: str
) -> None:
    request = SimpleNamespace(urn=URN)
    with caplog.at_level(logging.WARNING, logger="pulumi_inference"):
        found, width = _extend_in_pool(source, request if "request" in source else None, **server)
    assert width == DEFAULT_WORKERS  # what still holds is installed
    (warning,) = _warnings(caplog)
    assert lost in warning
    assert "What to do: install the Pulumi release you used before" in warning
    assert "pulumi_inference.native" in warning
    assert found != _dynamic_server.Extensions(True, True, True, True)


def test_a_server_without_a_pool_to_widen_gets_a_warning_and_calls_still_work(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """REQ-DEPLOY-2: If Pulumi's server changes, calls still work, four at a time, and a
    warning says what no longer works, what it costs and what to do."""
    extend = as_server(_dynamic_server.extend_server, _CALL_WITH_REQUEST, **_TODAYS_SERVER)
    result: list[Any] = []
    with caplog.at_level(logging.WARNING, logger="pulumi_inference"):
        worker = threading.Thread(target=lambda: result.append(extend(SimpleNamespace(urn=URN))))
        worker.start()
        worker.join()
    assert result[0].widened is False and result[0].detailed_diffs is True
    (warning,) = _warnings(caplog)
    assert "worker pool no longer works" in warning
    assert "model deployments wait in turns" in warning


def test_under_strict_mode_a_lost_reliance_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """CI sets PULUMI_INFERENCE_STRICT_PULUMI: a Pulumi release that takes a reliance away
    fails the tests, not a user's stack."""
    monkeypatch.setenv(_reliances.STRICT_ENV, "1")
    with pytest.raises(ConfigurationError, match=r"naming the changed properties.*is set"):
        _extend_in_pool(_CALL_WITH_REQUEST, SimpleNamespace(urn=URN), traceback=traceback)


def test_a_direct_call_extends_nothing_and_warns_of_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = pool.submit(_dynamic_server.extend_server).result()
        assert pool._max_workers == 4
    assert found == _dynamic_server.Extensions()
    assert _dynamic_server.calling_urn() is None
    assert _dynamic_server.serving_call() is False
    assert _warnings(caplog) == []


def test_the_servers_diff_answers_carry_the_detailed_diff() -> None:
    module_globals: dict[str, Any] = dict(_TODAYS_SERVER)
    install = as_server(_dynamic_server.extend_server, _CALL_WITH_REQUEST, **module_globals)
    assert install(SimpleNamespace(urn=URN)).detailed_diffs is True
    _dynamic_server.report_detailed_diff({"task_settings.user": "UPDATE"})
    response = install.__globals__["proto"].DiffResponse(changes=proto.DiffResponse.DIFF_SOME)
    assert list(response.diffs) == ["task_settings"]
    assert response.hasDetailedDiff
    assert "task_settings.user" in response.detailedDiff


def test_every_reliance_says_what_it_is_what_is_lost_and_what_to_do() -> None:
    for reliance in _reliances.RELIANCES:
        text = _reliances.message(reliance)
        assert text.startswith(_reliances.NO_LONGER_WORKS)
        assert f"{reliance.what} no longer works ({reliance.internal} changed)" in text
        assert "What to do:" in text and "/issues" in text
