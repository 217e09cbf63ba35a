"""Log records of the ``pulumi_inference`` logger, shown by the engine on their resource.

The core reports progress (a deployment starting) and warnings (a replacement that breaks an
index) as ordinary log records. In a provider process, this module sends them to the
engine's ``Log`` service with the URN of the resource the current call is about, so that
``pulumi up`` prints them under that resource; with no engine to talk to, or no resource
known, they go to stderr, which the engine shows at stack level.
"""

from __future__ import annotations

import contextvars
import logging
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

log = logging.getLogger("pulumi_inference")

current_urn: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "pulumi_inference_urn", default=None
)


@contextmanager
def about(urn: str | None) -> Iterator[None]:
    """Attribute the records logged inside the block (this thread or task) to ``urn``."""
    token = current_urn.set(urn or None)
    try:
        yield
    finally:
        current_urn.reset(token)


def engine_address(argv: Sequence[str]) -> str | None:
    """The engine's address among a provider plugin's arguments (the first non-flag one)."""
    for arg in argv[1:]:
        if not arg.startswith("-") and ":" in arg:
            return arg
    return None


class EngineLogHandler(logging.Handler):
    """Sends records to the engine's ``Log`` RPC, attributed to :data:`current_urn`."""

    def __init__(self, address: str | None) -> None:
        super().__init__()
        self._address = address
        self._stub: Any = None
        self._lock = threading.Lock()
        self._fallback = logging.StreamHandler(sys.stderr)
        self._fallback.setFormatter(logging.Formatter("%(message)s"))

    def _engine(self) -> Any:
        with self._lock:
            if self._stub is None and self._address:
                import grpc
                from pulumi.runtime.proto import engine_pb2_grpc

                channel = grpc.insecure_channel(self._address)
                self._stub = engine_pb2_grpc.EngineStub(channel)
            return self._stub

    def emit(self, record: logging.LogRecord) -> None:
        urn = current_urn.get()
        # A warning about no resource (an extension of Pulumi's server that stopped working)
        # goes to the engine too, shown on the stack: on stderr it would read as noise.
        to_engine = urn is not None or record.levelno >= logging.WARNING
        engine = self._engine() if to_engine else None
        if engine is None:
            self._fallback.emit(record)
            return
        from pulumi.runtime.proto import engine_pb2

        message = record.getMessage()

        severity = (
            engine_pb2.ERROR
            if record.levelno >= logging.ERROR
            else engine_pb2.WARNING
            if record.levelno >= logging.WARNING
            else engine_pb2.INFO
            if record.levelno >= logging.INFO
            else engine_pb2.DEBUG
        )
        try:
            engine.Log(
                engine_pb2.LogRequest(
                    severity=severity,
                    message=message,
                    urn=urn or "",
                    ephemeral=getattr(record, "ephemeral", False) is True,
                )
            )
        except Exception:  # the engine went away: the message still reaches stderr
            self._fallback.emit(record)


def route_to_engine(argv: Sequence[str] | None = None) -> None:
    """In a provider process: send the library's records to the engine (once)."""
    if any(isinstance(handler, EngineLogHandler) for handler in log.handlers):
        return
    log.addHandler(EngineLogHandler(engine_address(sys.argv if argv is None else argv)))
    log.setLevel(logging.INFO)
    log.propagate = False
