"""The world a sequence plays in: the stack's cluster, another cluster, a server that is not
Elasticsearch, the program the team edits, and what the model knows of each endpoint.

The program declares openai ``text_embedding`` endpoints (a replacing setting,
``model_id``; an updatable one, ``task_settings.user``; a service secret, ``api_key``), and
names its cluster in the program (``Connection(url=..., api_key=...)``): per resource for
the dynamic door, as the explicit provider's configuration for the native one.
"""

from __future__ import annotations

import base64
import http.server
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from pulumi_inference.emulator import ApiKey, Emulator, EmulatorConfig

from .wire import Secret

VERSIONS = ("8.18.0", "9.1.0", "9.5.0")
"""The home cluster's versions, in upgrade order (before and after 9.4's chunking fix)."""
MODELS = ("text-embedding-3-small", "text-embedding-3-large")
DEFAULT_CHUNKING = {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1}
KEYS = 12
"""Cluster API keys each emulator accepts; a rotation moves to the next and revokes the last."""


def _key(index: int, run: str) -> tuple[str, str]:
    """(raw ``id:key``, base64 as clients send it) of cluster key ``index``."""
    raw = f"model-key-{index}:cluster-key-{index}-{run}-LEAKCHECK"
    return raw, base64.b64encode(raw.encode()).decode()


class _NotFound(http.server.BaseHTTPRequestHandler):
    """An HTTP server that is not Elasticsearch: 404 to everything (a mistyped URL)."""

    def _answer(self) -> None:
        body = b'{"message":"Resource not found"}'
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _answer

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def not_elasticsearch() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Clusters:
    home: Emulator
    other: Emulator
    not_es: str
    run: str

    def key(self, index: int) -> str:
        return _key(index, self.run)[1]

    def raw_key(self, index: int) -> str:
        return _key(index, self.run)[0]

    def url(self, target: str) -> str:
        return {"home": self.home.url, "other": self.other.url, "not_es": self.not_es}[target]

    def reset(self) -> None:
        for emulator in (self.home, self.other):
            emulator.reset()
        self.home.set_version(VERSIONS[0])
        self.other.set_version(VERSIONS[-1])


@contextmanager
def clusters() -> Iterator[Clusters]:
    """Two emulators that accept the same keys (another cluster, as a restore would make it,
    with its own ``cluster_uuid``) and a server that answers 404 to everything."""
    run = uuid.uuid4().hex[:8]
    keys = tuple(ApiKey(_key(i, run)[0], name=f"model-key-{i}") for i in range(KEYS))
    with ExitStack() as stack:
        home = stack.enter_context(
            Emulator(EmulatorConfig(api_keys=keys, deployment_seconds=0.05, version=VERSIONS[0]))
        )
        other = stack.enter_context(
            Emulator(
                EmulatorConfig(
                    api_keys=keys,
                    deployment_seconds=0.05,
                    version=VERSIONS[-1],
                    cluster_name="other",
                    cluster_uuid="otherClusterUUID0000001",
                )
            )
        )
        url = stack.enter_context(not_elasticsearch())
        yield Clusters(home, other, url, run)


@dataclass
class Declared:
    inference_id: str
    model: str = MODELS[0]
    user: str = "team-a"
    api_key: str = ""
    adopt: bool = False


@dataclass
class Program:
    """What the program declares now; ``target``: where its connection points."""

    endpoints: dict[str, Declared] = field(default_factory=dict)
    target: str = "home"
    key_index: int = 0

    def registered(self, door: str, clusters: Clusters) -> dict[str, dict[str, Any]]:
        """Each endpoint's inputs as the door's generated class registers them."""
        url, key = clusters.url(self.target), clusters.key(self.key_index)
        return {name: _registered(door, d, url, key) for name, d in self.endpoints.items()}

    def provider_config(self, clusters: Clusters) -> dict[str, Any]:
        """The native door's explicit provider's inputs."""
        return {"url": clusters.url(self.target), "apiKey": Secret(clusters.key(self.key_index))}


def _registered(door: str, d: Declared, url: str, key: str) -> dict[str, Any]:
    """What ``dynamic/_declare`` and ``native/_declare`` send the engine for ``d``: every
    secret key's value moved into the always-secret ``secrets`` (dynamic), or marked secret
    in place (native); an input at its default is left out."""
    if door == "dynamic":
        props: dict[str, Any] = {
            "inference_id": d.inference_id,
            "task_type": "text_embedding",
            "service": "openai",
            "service_settings": {"model_id": d.model},
            "task_settings": {"user": d.user},
            "connection": {"url": url},
            "secrets": Secret(
                {"service_settings": {"api_key": d.api_key}, "connection": {"api_key": key}}
            ),
        }
        if d.adopt:
            props["adopt_existing"] = True
        return props
    props = {
        "inferenceId": d.inference_id,
        "taskType": "text_embedding",
        "service": "openai",
        "serviceSettings": {"model_id": d.model, "api_key": Secret(d.api_key)},
        "taskSettings": {"user": d.user},
    }
    if d.adopt:
        props["adoptExisting"] = True
    return props


def http_to(emulator: Emulator, key: str) -> httpx.Client:
    return httpx.Client(
        base_url=emulator.url, headers={"Authorization": f"ApiKey {key}"}, timeout=10
    )


def live(emulator: Emulator, inference_id: str) -> Mapping[str, Any] | None:
    return emulator.endpoint(inference_id)
