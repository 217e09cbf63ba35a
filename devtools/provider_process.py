"""Drive the real dynamic-provider process (``python -m pulumi.dynamic``) over gRPC,
exactly as the engine does: serialized properties, a pickled ``__provider``, Configure first."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Mapping
from typing import Any

import grpc
from google.protobuf import struct_pb2
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from pulumi_inference import InferenceEndpointProvider

URN = "urn:pulumi:test::proj::pulumi-python:dynamic/elasticsearch:InferenceEndpoint::e"
_PICKLED = serialize_provider(InferenceEndpointProvider())


class ProviderCallError(RuntimeError):
    """The provider process answered a call with an error (its message is the traceback)."""


def _serialize(props: Mapping[str, Any]) -> struct_pb2.Struct:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(dict(props), {}))
    finally:
        loop.close()


def _deserialize(struct: struct_pb2.Struct) -> dict[str, Any]:
    props: dict[str, Any] = rpc.deserialize_properties(struct, keep_unknowns=True)
    props.pop("__provider", None)
    return props


class ProviderProcess:
    """One provider process; use as a context manager."""

    def __init__(
        self, config: Mapping[str, str] | None = None, env: Mapping[str, str] | None = None
    ) -> None:
        self.config = dict(config or {})
        self.env = {**os.environ, **(env or {})}
        self.stderr_lines: list[str] = []

    def __enter__(self) -> ProviderProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self.env,
            text=True,
        )
        assert self.process.stdout is not None
        port = int(self.process.stdout.readline().strip())
        self._stderr_thread = threading.Thread(target=self._drain_stderr, daemon=True)
        self._stderr_thread.start()
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        self.stub.Configure(
            provider_pb2.ConfigureRequest(args=_serialize(self.config), acceptSecrets=True)
        )
        return self

    def __exit__(self, *exc: object) -> None:
        self.channel.close()
        self.process.terminate()
        self.process.wait(timeout=10)

    def _drain_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr_lines.append(line.rstrip("\n"))

    @property
    def pid(self) -> int:
        return self.process.pid

    def _call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self.stub, method)(request)
        except grpc.RpcError as exc:
            raise ProviderCallError(exc.details()) from None

    @staticmethod
    def _with_provider(props: Mapping[str, Any]) -> dict[str, Any]:
        return {**props, "__provider": _PICKLED}

    def check(
        self, news: Mapping[str, Any], olds: Mapping[str, Any] | None = None
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        response = self._call(
            "Check",
            provider_pb2.CheckRequest(
                urn=URN,
                olds=_serialize(
                    self._with_provider(olds) if olds else {}
                ),  # new: empty, as the engine sends
                news=_serialize(self._with_provider(news)),
            ),
        )
        return _deserialize(response.inputs), [(f.property, f.reason) for f in response.failures]

    def diff(
        self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> provider_pb2.DiffResponse:
        response: provider_pb2.DiffResponse = self._call(
            "Diff",
            provider_pb2.DiffRequest(
                id=id_,
                urn=URN,
                olds=_serialize(self._with_provider(olds)),
                news=_serialize(self._with_provider(news)),
            ),
        )
        return response

    def create(self, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        response = self._call(
            "Create",
            provider_pb2.CreateRequest(urn=URN, properties=_serialize(self._with_provider(props))),
        )
        return response.id, _deserialize(response.properties)

    def read(
        self, id_: str, props: Mapping[str, Any]
    ) -> tuple[str, dict[str, Any], dict[str, Any]]:
        response = self._call(
            "Read",
            provider_pb2.ReadRequest(
                id=id_, urn=URN, properties=_serialize(self._with_provider(props))
            ),
        )
        return response.id, _deserialize(response.properties), _deserialize(response.inputs)

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        response = self._call(
            "Update",
            provider_pb2.UpdateRequest(
                id=id_,
                urn=URN,
                olds=_serialize(self._with_provider(olds)),
                news=_serialize(self._with_provider(news)),
            ),
        )
        return _deserialize(response.properties)

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:
        self._call(
            "Delete",
            provider_pb2.DeleteRequest(
                id=id_, urn=URN, properties=_serialize(self._with_provider(props))
            ),
        )
