"""The dynamic provider server's limits and how the provider lifts them, and what happens
when Pulumi's server changes under an extension: the call still works, and a warning the
user sees says what no longer works and its effect (once per process)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import pytest

from pulumi_inference._environment import DEFAULT_WORKERS
from pulumi_inference.dynamic import _server as _dynamic_server

# Code compiled under this name looks, to the provider, like Pulumi's server module.
_SERVER_FILE = "/site-packages/pulumi/dynamic/__main__.py"


def as_server(fn: Callable[[], Any], source: str, **module_globals: Any) -> Callable[..., Any]:
    """``fn`` called from a function ``call`` of a stand-in server module: ``source`` defines
    ``call`` (its locals, such as ``request``, are what the provider may read)."""
    namespace: dict[str, Any] = {"fn": fn, **module_globals}
    exec(compile(source, _SERVER_FILE, "exec"), namespace)  # noqa: S102  (test code, literal)
    call: Callable[..., Any] = namespace["call"]
    return call


_CALL = "def call():\n    return fn()\n"
_CALL_WITH_REQUEST = "def call(request):\n    return fn()\n"


@pytest.fixture(autouse=True)
def _untried(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_dynamic_server, "_widened", None)
    monkeypatch.setattr(_dynamic_server, "_detailing", None)
    monkeypatch.setattr(_dynamic_server, "_warned", set())


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and _dynamic_server.NO_LONGER_WORKS in r.getMessage()
    ]


def test_the_pool_serving_the_call_is_widened_once(caplog: pytest.LogCaptureFixture) -> None:
    """REQ-DEPLOY-2: the server's 4 workers become $PULUMI_INFERENCE_DYNAMIC_WORKERS."""
    widen = as_server(_dynamic_server.widen_worker_pool, _CALL)
    with ThreadPoolExecutor(max_workers=4) as server_pool:
        assert server_pool.submit(widen).result() is True
        assert server_pool._max_workers == DEFAULT_WORKERS
        started = threading.Barrier(8)
        # Eight calls that each wait for all the others: only possible with eight workers.
        waits = [server_pool.submit(started.wait, 10) for _ in range(8)]
        assert all(w.result() is not None for w in waits)
    assert _warnings(caplog) == []


def test_a_server_without_a_pool_to_widen_gets_a_warning_and_calls_still_work(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """REQ-DEPLOY-2: If Pulumi's server changes, calls still work, four at a time, and a
    warning says what no longer works and what it costs."""
    widen = as_server(_dynamic_server.widen_worker_pool, _CALL)
    result: list[bool] = []
    with caplog.at_level(logging.WARNING, logger="pulumi_inference"):
        worker = threading.Thread(target=lambda: result.append(widen()))
        worker.start()
        worker.join()
        assert widen() is False  # decided once per process
    assert result == [False]
    (warning,) = _warnings(caplog)
    assert "worker pool no longer works" in warning
    assert "model deployments wait in turns" in warning


def test_a_direct_call_widens_nothing_and_warns_of_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert pool.submit(_dynamic_server.widen_worker_pool).result() is False
        assert pool._max_workers == 4
    assert _dynamic_server.send_detailed_diffs() is False
    assert _dynamic_server.calling_urn() is None
    assert _warnings(caplog) == []


def test_the_worker_count_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """REQ-DEPLOY-2: PULUMI_INFERENCE_DYNAMIC_WORKERS sets the width."""
    monkeypatch.setenv(_dynamic_server.WORKERS_ENV, "12")
    widen = as_server(_dynamic_server.widen_worker_pool, _CALL)
    with ThreadPoolExecutor(max_workers=4) as server_pool:
        assert server_pool.submit(widen).result() is True
        assert server_pool._max_workers == 12


def test_outside_the_server_no_urn_is_claimed() -> None:
    assert _dynamic_server.calling_urn() is None
    assert _dynamic_server.serving_call() is False


def test_the_urn_is_read_from_the_request_the_server_handles() -> None:
    urn = "urn:pulumi:dev::p::pulumi-python:dynamic/elasticsearch:InferenceEndpoint::e"
    call = as_server(_dynamic_server.calling_urn, _CALL_WITH_REQUEST)
    assert call(SimpleNamespace(urn=urn)) == urn
    assert as_server(_dynamic_server.serving_call, _CALL)() is True


def test_a_server_whose_request_is_gone_gets_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    call = as_server(_dynamic_server.calling_urn, _CALL)
    assert call() is None
    assert call() is None
    (warning,) = _warnings(caplog)
    assert "reading the resource of a call" in warning
    assert "show on the stack instead of on their resource" in warning


def test_the_servers_diff_answers_carry_the_detailed_diff() -> None:
    from pulumi.runtime import proto

    install = as_server(_dynamic_server.send_detailed_diffs, _CALL, proto=proto)
    namespace_of_call = install.__globals__
    assert install() is True
    _dynamic_server.report_detailed_diff({"task_settings.user": "UPDATE"})
    response = namespace_of_call["proto"].DiffResponse(changes=proto.DiffResponse.DIFF_SOME)
    assert list(response.diffs) == ["task_settings"]
    assert response.hasDetailedDiff
    assert "task_settings.user" in response.detailedDiff


def test_a_server_without_its_proto_global_gets_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    install = as_server(_dynamic_server.send_detailed_diffs, _CALL)
    assert install() is False
    (warning,) = _warnings(caplog)
    assert "naming the changed properties" in warning
    assert "a rotated secret shows as no change" in warning
