"""The dynamic provider server's limits and how the provider lifts them (with fallbacks)."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from pulumi_inference._environment import DEFAULT_WORKERS
from pulumi_inference.dynamic import _server as _dynamic_server


@pytest.fixture(autouse=True)
def _untried(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_dynamic_server, "_widened", None)


def test_the_pool_serving_the_call_is_widened_once() -> None:
    """REQ-DEPLOY-2: the server's 4 workers become $PULUMI_INFERENCE_DYNAMIC_WORKERS."""
    with ThreadPoolExecutor(max_workers=4) as server_pool:
        assert server_pool.submit(_dynamic_server.widen_worker_pool).result() is True
        assert server_pool._max_workers == DEFAULT_WORKERS
        started = threading.Barrier(8)
        # Eight calls that each wait for all the others: only possible with eight workers.
        waits = [server_pool.submit(started.wait, 10) for _ in range(8)]
        assert all(w.result() is not None for w in waits)


def test_without_a_pool_to_widen_it_says_so_and_carries_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """REQ-DEPLOY-2: If Pulumi's server changes, calls still work, four at a time, and the log says
    why."""
    result: list[bool] = []
    with caplog.at_level(logging.INFO, logger="pulumi_inference"):
        worker = threading.Thread(target=lambda: result.append(_dynamic_server.widen_worker_pool()))
        worker.start()
        worker.join()
    assert result == [False]
    assert "wait in turns" in caplog.text
    assert _dynamic_server.widen_worker_pool() is False  # decided once per process


def test_the_worker_count_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """REQ-DEPLOY-2: PULUMI_INFERENCE_DYNAMIC_WORKERS sets the width."""
    monkeypatch.setenv(_dynamic_server.WORKERS_ENV, "12")
    with ThreadPoolExecutor(max_workers=4) as server_pool:
        assert server_pool.submit(_dynamic_server.widen_worker_pool).result() is True
        assert server_pool._max_workers == 12


def test_outside_the_server_no_urn_is_claimed() -> None:
    assert _dynamic_server.calling_urn() is None
    assert _dynamic_server.serving_call() is False
