"""The watch that ends a provider process once its engine is gone (``_engine_watch``): a
refused connection is proof, a busy engine is not."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from pulumi_inference import _engine_watch
from pulumi_inference._engine_watch import refused, watch_engine


def _listening() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    return sock


def _address(sock: socket.socket) -> str:
    host, port = sock.getsockname()
    return f"{host}:{port}"


def test_an_engine_that_never_answers_is_alive_and_a_closed_one_is_gone() -> None:
    engine = _listening()  # listens but never accepts: an engine busy with other work
    address = _address(engine)
    assert not refused(address)
    engine.close()
    assert refused(address)


def test_the_watch_fires_once_the_engine_is_gone_and_not_before() -> None:
    engine = _listening()
    address = _address(engine)
    gone = threading.Event()
    assert watch_engine(address, interval=0.05, on_gone=gone.set)
    assert not gone.wait(0.5), "the watch fired while the engine was listening"
    engine.close()
    started = time.monotonic()
    assert gone.wait(5)
    assert time.monotonic() - started >= _engine_watch.MISSES * 0.05


def test_one_refused_probe_is_not_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    probes = iter([True, False, True, True])
    seen = []

    def refused_once_then(address: str) -> bool:
        result = next(probes)
        seen.append(result)
        return result

    monkeypatch.setattr(_engine_watch, "refused", refused_once_then)
    _engine_watch._watch("127.0.0.1:1", 0.0, lambda: seen.append("gone"))
    assert seen == [True, False, True, True, "gone"]


def test_an_address_that_is_not_host_and_port_is_not_watched() -> None:
    assert not watch_engine("unix:///tmp/engine.sock", on_gone=lambda: None)
    assert not refused("no port here")
