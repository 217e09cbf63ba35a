"""A provider process ends when the engine that started it is gone.

The engine stops its plugins when it finishes, but a ``pulumi`` killed with SIGKILL (a CI job
cancelled, an out-of-memory kill) stops nothing: its provider processes would wait for calls
forever, and pile up on a CI runner. Both doors watch the engine's gRPC address, the one
argument the engine starts every plugin with, from a daemon thread: once a second, a TCP
connection to it. The engine's listening socket closes with its process, so a *refused*
connection twice in a row means the engine is gone, and the process exits at once.

A busy or stopped engine still accepts connections (the kernel does, from its backlog), and a
probe that times out or fails any other way proves nothing, so a call for a live engine is
never cut short, however long it runs. A call still running when the engine is gone has no
one to answer to: its endpoint is where `pulumi-inference recover` looks (the engine recorded
the operation as pending before it started).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable

INTERVAL = 1.0
"""Seconds between two probes."""

MISSES = 2
"""Refused probes in a row that mean the engine is gone."""

_PROBE_TIMEOUT = 2.0
_started: set[str] = set()
_lock = threading.Lock()


def _host_port(address: str) -> tuple[str, int] | None:
    host, _, port = address.strip().rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit():
        return None
    return host, int(port)


def refused(address: str) -> bool:
    """Whether nothing listens at ``address`` (``host:port``) any more."""
    where = _host_port(address)
    if where is None:
        return False
    try:
        with socket.create_connection(where, timeout=_PROBE_TIMEOUT):
            return False
    except ConnectionRefusedError:
        return True
    except OSError:
        return False  # timed out, unreachable for a moment: not proof


def _exit() -> None:
    os._exit(1)  # nothing to flush: whoever read our output is gone


def _watch(address: str, interval: float, on_gone: Callable[[], None]) -> None:
    misses = 0
    while True:
        time.sleep(interval)
        misses = misses + 1 if refused(address) else 0
        if misses >= MISSES:
            on_gone()
            return


def watch_engine(
    address: str, *, interval: float = INTERVAL, on_gone: Callable[[], None] = _exit
) -> bool:
    """Watch the engine at ``address`` from a daemon thread (once per address and process);
    ``on_gone`` (by default: exit the process) runs once it is gone. ``False`` when the
    address is not ``host:port`` and cannot be watched."""
    if _host_port(address) is None:
        return False
    with _lock:
        if address in _started:
            return True
        _started.add(address)
    threading.Thread(
        target=_watch, args=(address, interval, on_gone), name="engine-watch", daemon=True
    ).start()
    return True
