"""A provider process of either door for one engine command, and a stand-in for the engine's
``Log`` service.

The engine starts a provider process per command (``pulumi preview``, ``up``, ``refresh``)
with its own address as the argument, configures it, calls it, and ends it. Caches a process
keeps (the cluster's version, its identity, shared reads) live exactly that long, so the
model does the same: a :class:`ProviderCommand` is one command's process.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Mapping
from concurrent import futures
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime.proto import engine_pb2_grpc, provider_pb2, provider_pb2_grpc

from pulumi_inference import InferenceEndpointProvider
from pulumi_inference.properties import DYNAMIC_RESOURCE_TYPE, NATIVE_RESOURCE_TYPE

from .wire import from_struct, to_struct

PROVIDER_KEY = "__provider"
_PICKLED = serialize_provider(InferenceEndpointProvider())
_MODULES = {"dynamic": "pulumi.dynamic", "native": "pulumi_inference.native"}
TYPES = {"dynamic": DYNAMIC_RESOURCE_TYPE, "native": NATIVE_RESOURCE_TYPE}


def urn_of(door: str, name: str) -> str:
    return f"urn:pulumi:model::ops::{TYPES[door]}::{name}"


def name_of(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


@dataclass(frozen=True)
class Said:
    severity: str
    message: str
    urn: str


class _Log(engine_pb2_grpc.EngineServicer):  # type: ignore[misc]
    def __init__(self, sink: list[Said]) -> None:
        self.sink = sink

    def Log(self, request: Any, context: Any) -> empty_pb2.Empty:
        severity = {0: "debug", 1: "info", 2: "warning", 3: "error"}.get(request.severity, "info")
        self.sink.append(Said(severity, request.message, request.urn))
        return empty_pb2.Empty()


class FakeEngine:
    """The engine's gRPC address as providers see it: ``Log`` kept, per resource."""

    def __init__(self) -> None:
        self.said: list[Said] = []
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        engine_pb2_grpc.add_EngineServicer_to_server(_Log(self.said), self.server)
        self.port = self.server.add_insecure_port("127.0.0.1:0")

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def __enter__(self) -> FakeEngine:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop(0)


class ProviderError(RuntimeError):
    """A call the provider answered with an error (its message as the engine shows it)."""


@dataclass
class ProviderCommand:
    """One door's provider process, for one command; use as a context manager."""

    door: str
    engine: FakeEngine
    config: Mapping[str, Any] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)
    stderr: list[str] = field(default_factory=list)

    def __enter__(self) -> ProviderCommand:
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", _MODULES[self.door], self.engine.address],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(self.env),
            text=True,
        )
        assert self.process.stdout is not None
        port = int(self.process.stdout.readline().strip())
        self._drain = threading.Thread(target=self._read_stderr, daemon=True)
        self._drain.start()
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        self._call(
            "Configure",
            provider_pb2.ConfigureRequest(
                args=to_struct(self.config), acceptSecrets=True, acceptResources=True
            ),
        )
        return self

    def __exit__(self, *exc: object) -> None:
        self.channel.close()
        self.process.terminate()
        self.process.wait(timeout=10)
        self._drain.join(timeout=5)

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line.rstrip("\n"))

    def _call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self.stub, method)(request, timeout=120)
        except grpc.RpcError as exc:
            raise ProviderError(exc.details() or str(exc)) from None

    def _props(self, props: Mapping[str, Any]) -> Any:
        extra = {PROVIDER_KEY: _PICKLED} if self.door == "dynamic" else {}
        return to_struct({**props, **extra})

    @staticmethod
    def _back(struct: Any) -> dict[str, Any]:
        props = from_struct(struct)
        props.pop(PROVIDER_KEY, None)
        return props

    def check(
        self, urn: str, olds: Mapping[str, Any] | None, news: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        # A new resource's olds are empty, as the engine sends them (no ``__provider``).
        request = provider_pb2.CheckRequest(
            urn=urn, olds=self._props(olds) if olds else to_struct({}), news=self._props(news)
        )
        answer = self._call("Check", request)
        return self._back(answer.inputs), [(f.property, f.reason) for f in answer.failures]

    def diff(
        self,
        urn: str,
        id_: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        old_inputs: Mapping[str, Any],
    ) -> Any:
        request = provider_pb2.DiffRequest(
            id=id_,
            urn=urn,
            olds=self._props(olds),
            news=self._props(news),
            old_inputs=self._props(old_inputs),
        )
        return self._call("Diff", request)

    def create(
        self, urn: str, props: Mapping[str, Any], *, preview: bool = False
    ) -> tuple[str, dict[str, Any]]:
        request = provider_pb2.CreateRequest(
            urn=urn, properties=self._props(props), preview=preview
        )
        answer = self._call("Create", request)
        return answer.id, self._back(answer.properties)

    def read(
        self, urn: str, id_: str, props: Mapping[str, Any], inputs: Mapping[str, Any]
    ) -> tuple[str, dict[str, Any], dict[str, Any]]:
        request = provider_pb2.ReadRequest(
            id=id_, urn=urn, properties=self._props(props), inputs=self._props(inputs)
        )
        answer = self._call("Read", request)
        return answer.id, self._back(answer.properties), self._back(answer.inputs)

    def update(
        self,
        urn: str,
        id_: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        old_inputs: Mapping[str, Any],
        *,
        preview: bool = False,
    ) -> dict[str, Any]:
        request = provider_pb2.UpdateRequest(
            id=id_,
            urn=urn,
            olds=self._props(olds),
            news=self._props(news),
            old_inputs=self._props(old_inputs),
            preview=preview,
        )
        return self._back(self._call("Update", request).properties)

    def delete(
        self, urn: str, id_: str, props: Mapping[str, Any], old_inputs: Mapping[str, Any]
    ) -> None:
        request = provider_pb2.DeleteRequest(
            id=id_, urn=urn, properties=self._props(props), old_inputs=self._props(old_inputs)
        )
        self._call("Delete", request)
