"""One client per connection per process, created on first use, shared between threads."""

from __future__ import annotations

import threading

from ..connection import ClusterConnection
from ._client import InferenceClient

_clients: dict[str, InferenceClient] = {}
_lock = threading.Lock()


def client_for(connection: ClusterConnection) -> InferenceClient:
    key = connection.pool_key
    client = _clients.get(key)
    if client is None:
        with _lock:
            client = _clients.get(key)
            if client is None:
                client = InferenceClient(connection)
                _clients[key] = client
    return client


def close_all() -> None:
    with _lock:
        for client in _clients.values():
            client.close()
        _clients.clear()


def pooled_clients() -> list[InferenceClient]:
    """The clients created so far in this process (for figures such as retry counts)."""
    with _lock:
        return list(_clients.values())
