"""Where a provider process's log records go (pulumi_inference/_engine_log.py): to the engine
on the resource's URN; a warning about no resource to the engine too, at stack level (the
dynamic door's "no longer works" warnings); anything else without a URN to stderr."""

from __future__ import annotations

import logging
import sys
from typing import Any

import pytest

from pulumi_inference import _engine_log


class _Engine:
    def __init__(self) -> None:
        self.logged: list[Any] = []

    def Log(self, request: Any) -> None:  # the gRPC method's name
        self.logged.append(request)


def _handler(monkeypatch: pytest.MonkeyPatch) -> tuple[_engine_log.EngineLogHandler, _Engine]:
    handler = _engine_log.EngineLogHandler("127.0.0.1:1")
    engine = _Engine()
    monkeypatch.setattr(handler, "_engine", lambda: engine)
    return handler, engine


def _record(level: int, message: str) -> logging.LogRecord:
    return logging.LogRecord("pulumi_inference", level, __file__, 1, message, None, None)


def test_a_record_about_a_resource_goes_to_the_engine_on_its_urn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    handler, engine = _handler(monkeypatch)
    with _engine_log.about("urn:pulumi:dev::p::t::e"):
        handler.emit(_record(logging.INFO, "deploying"))
    (sent,) = engine.logged
    assert (sent.urn, sent.message) == ("urn:pulumi:dev::p::t::e", "deploying")


def test_a_warning_about_no_resource_reaches_the_engine_at_stack_level(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from pulumi.runtime.proto import engine_pb2

    handler, engine = _handler(monkeypatch)
    handler.emit(_record(logging.WARNING, "pulumi-inference: with this Pulumi ..."))
    (sent,) = engine.logged
    assert sent.urn == ""
    assert sent.severity == engine_pb2.WARNING
    assert capsys.readouterr().err == ""


def test_other_records_about_no_resource_go_to_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    handler, engine = _handler(monkeypatch)
    handler._fallback.stream = sys.stderr  # the stream capsys replaced
    handler.emit(_record(logging.INFO, "listing once"))
    assert engine.logged == []
    assert "listing once" in capsys.readouterr().err
