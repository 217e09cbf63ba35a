"""What the dynamic provider server (``python -m pulumi.dynamic``) does not offer, and how we
get it anyway, each with a fallback to the plain behaviour when Pulumi's server changes.
(Pulumi's public API offers none of these, up to 3.272: ``pulumi_inference/dynamic/_reliances.py``.)

- **Concurrency.** The server handles calls on a ``ThreadPoolExecutor(max_workers=4)``, and a
  create blocks while its model deployment starts, so 12 ELSER endpoints would deploy in
  waves of four. :func:`extend_server` finds the executor running the current call and lets
  it start more threads. If it cannot be found, deployments wait four at a time, which is
  what the native provider plugin avoids by design.
- **Which property a diff changes.** The server answers ``Diff`` with ``changes``, ``replaces``
  and ``delete_before_replace`` only, so ``pulumi preview --diff`` cannot mark what changed,
  and a key rotation (inside the always-secret ``secrets`` input) shows no changed property
  at all. Its answers are made to carry the per-property diff the provider reports
  (:func:`report_detailed_diff`); if they cannot, they stay plain.
- **Which resource a call is about.** ``ResourceProvider`` methods get no URN, but the gRPC
  request the server is handling carries one; :func:`calling_urn` reads it from the server's
  frame, so progress lines can be shown on the resource rather than on the stack.
- **Serving one command.** The server waits for calls forever, even once the engine that
  started it was killed. :func:`serve_one_command` watches the engine address the server was
  started with (``_engine_watch``) and ends the process when it is gone; and as the process
  serves one engine command, it lets reads of one cluster share one listing
  (``client.share_reads``).
- **An error as its message.** The server answers a failed call with
  ``traceback.format_exc()``, so the engine prints a dozen lines of the server's own frames
  under each error. The name ``traceback`` of that module is pointed at a stand-in that
  gives, for a :class:`QuietFailure`, only the message of the error behind it
  (``PULUMI_INFERENCE_DEBUG=1`` keeps the whole traceback); any other failure keeps it too.

Each of these leans on how Pulumi's server is written (its executor's private fields, the
``request`` local and the ``proto`` and ``traceback`` globals of its module), not on an API it
promises: :func:`extend_server`, called by the providers' ``configure``, probes them all once
per process, installs what holds and reports each that no longer does through
:mod:`._reliances` (a warning the user sees; an error under CI's strict mode). The provider
carries on without a lost one.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import FrameType
from typing import Any

from .._engine_watch import watch_engine
from .._environment import debugging, worker_count
from ..client import share_reads
from ._reliances import (
    CALLING_URN,
    DETAILED_DIFF,
    QUIET_FAILURES,
    SERVER_CALL,
    WORKER_POOL,
    lost,
)

WORKERS_ENV = "PULUMI_INFERENCE_DYNAMIC_WORKERS"
_SERVER_MODULE = os.path.join("pulumi", "dynamic", "__main__.py")


@dataclass(frozen=True)
class Extensions:
    """What :func:`extend_server` found and installed in this process's server."""

    widened: bool = False
    urns: bool = False
    detailed_diffs: bool = False
    quiet_failures: bool = False


_extended: Extensions | None = None  # once probed
_probe_lock = threading.Lock()


def extend_server() -> Extensions:
    """From a provider's ``configure`` under the dynamic provider server: probe, once per
    process, every reliance on how the server is written; install the extensions that hold
    and report each one that does not (:func:`._reliances.lost`). A direct call (tests, an
    embedding program) extends nothing."""
    global _extended
    with _probe_lock:
        if _extended is None:
            frame = _server_frame(sys._getframe(1))
            if frame is None:
                if _in_server_process():
                    lost(SERVER_CALL)
                return Extensions()
            _extended = _probe(frame)
        return _extended


def _probe(frame: FrameType) -> Extensions:
    names = frame.f_globals
    found = Extensions(
        widened=_widen(_executor_of(threading.current_thread())),
        urns=_reads_urns(_handler_frame(frame)),
        detailed_diffs=_install_detailing(names),
        quiet_failures=_install_quiet(names) if _formats_tracebacks(names) else True,
    )
    for holds, reliance in (
        (found.widened, WORKER_POOL),
        (found.urns, CALLING_URN),
        (found.detailed_diffs, DETAILED_DIFF),
        (found.quiet_failures, QUIET_FAILURES),
    ):
        if not holds:
            lost(reliance)
    return found


def _wanted_workers() -> int:
    return worker_count(WORKERS_ENV)


def _executor_of(thread: threading.Thread) -> ThreadPoolExecutor | None:
    # A new worker may run its first task before the executor has recorded it: look again.
    for _ in range(50):
        for candidate in gc.get_objects():
            if isinstance(candidate, ThreadPoolExecutor) and thread in getattr(
                candidate, "_threads", ()
            ):
                return candidate
        if not thread.name.startswith("ThreadPoolExecutor"):
            return None
        time.sleep(0.01)
    return None


def _widen(executor: ThreadPoolExecutor | None) -> bool:
    """Let the executor serving this call run up to ``$PULUMI_INFERENCE_DYNAMIC_WORKERS``
    (default 64) calls at once; ``True`` when it does."""
    limit = getattr(executor, "_max_workers", None)
    if executor is None or not isinstance(limit, int):
        return False
    executor._max_workers = max(limit, _wanted_workers())
    return True


def _in_server_process() -> bool:
    """Whether this process is Pulumi's dynamic provider server (``python -m pulumi.dynamic``)."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return getattr(spec, "name", None) == "pulumi.dynamic.__main__"


def _server_frame(frame: FrameType | None) -> FrameType | None:
    while frame is not None:
        if frame.f_code.co_filename.endswith(_SERVER_MODULE):
            return frame
        frame = frame.f_back
    return None


def serving_call() -> bool:
    """Whether the current call comes from the dynamic provider server (not a direct caller)."""
    return _server_frame(sys._getframe(1)) is not None


def server_reports_tracebacks() -> bool:
    """Whether the server handling this call answers a failure with its formatted traceback
    (newer Pulumi) rather than with the exception's own text (older ones, 3.216 among them).
    When it cannot tell, it says no: the error's message then crosses as the exception's text,
    which both kinds of server carry."""
    frame = _server_frame(sys._getframe(1))
    return frame is not None and _formats_tracebacks(frame.f_globals)


def serve_one_command() -> bool:
    """When called from the dynamic provider server (``python -m pulumi.dynamic <engine
    address>``): end its process once that engine is gone, and share reads per cluster."""
    if _server_frame(sys._getframe(1)) is None or len(sys.argv) < 2:
        return False
    share_reads()
    return watch_engine(sys.argv[1])


def _handler_frame(frame: FrameType | None) -> FrameType | None:
    """The server's handler of the call (``Check(self, request, context)``, ...): the
    outermost of its module's frames that has a ``request``."""
    found = None
    while frame is not None:
        if frame.f_code.co_filename.endswith(_SERVER_MODULE) and "request" in frame.f_locals:
            found = frame
        frame = frame.f_back
    return found


def _reads_urns(handler: FrameType | None) -> bool:
    request = handler.f_locals.get("request") if handler is not None else None
    return isinstance(getattr(request, "urn", None), str)


def calling_urn() -> str | None:
    """The URN of the resource the dynamic provider server is handling a call for, if any."""
    if _extended is None or not _extended.urns:
        return None  # a direct call, or a server whose request cannot be read (said once)
    frame = _handler_frame(sys._getframe(1))
    urn = getattr(frame.f_locals.get("request") if frame else None, "urn", None)
    return urn if isinstance(urn, str) and urn else None


_diff_of_call = threading.local()


def report_detailed_diff(detailed: Mapping[str, str]) -> None:
    """The per-property diff (``{path: "UPDATE"}``, kinds as the protocol names them) of the
    ``Diff`` call this thread serves, for the server's answer."""
    _diff_of_call.detailed = dict(detailed)


def _install_detailing(names: dict[str, Any]) -> bool:
    """Make the server's ``Diff`` answers carry what :func:`report_detailed_diff` reported.

    The server builds its answer as ``proto.DiffResponse(**fields)``, ``proto`` being a name of
    its own module: that name, in that module only, is pointed at a stand-in whose
    ``DiffResponse`` adds ``diffs`` and ``detailedDiff``; ``True`` when it could be.
    """
    real = names.get("proto")
    response_type = getattr(real, "DiffResponse", None)
    if real is None or response_type is None or not hasattr(response_type, "DIFF_SOME"):
        return False
    if not isinstance(real, _DetailingProto):
        names["proto"] = _DetailingProto(real, _detailing_response(response_type))
    return True


class _DetailingProto:
    """The server's ``proto`` module, but for ``DiffResponse``."""

    def __init__(self, real: Any, diff_response: Any) -> None:
        self._real = real
        self.DiffResponse = diff_response

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def _detailing_response(real: Any) -> Any:
    class DiffResponse:
        DIFF_UNKNOWN = real.DIFF_UNKNOWN
        DIFF_NONE = real.DIFF_NONE
        DIFF_SOME = real.DIFF_SOME

        def __new__(cls, **fields: Any) -> Any:
            response = real(**fields)
            detailed = getattr(_diff_of_call, "detailed", None)
            _diff_of_call.detailed = None
            if detailed:
                _fill(response, detailed)
            return response

    return DiffResponse


def _fill(response: Any, detailed: Mapping[str, str]) -> None:
    from pulumi.runtime.proto import provider_pb2

    response.diffs.extend(sorted({_top_level(path) for path in detailed}))
    for path, kind in detailed.items():
        response.detailedDiff[path].kind = provider_pb2.PropertyDiff.Kind.Value(kind)
        response.detailedDiff[path].inputDiff = True
    response.hasDetailedDiff = True


def _top_level(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]


class QuietFailure(Exception):
    """A failure whose cause is the error to show, alone (see the module documentation)."""


def _formats_tracebacks(names: Mapping[str, Any]) -> bool:
    """Whether the server answers a failure with its formatted traceback (newer Pulumi) rather
    than with the exception's own text (older ones, 3.216 among them)."""
    return "_abort_with_traceback" in names


def _install_quiet(names: dict[str, Any]) -> bool:
    """Make the server report a :class:`QuietFailure` as its cause's message alone; ``True``
    when it does."""
    real = names.get("traceback")
    if real is None or not hasattr(real, "format_exc"):
        return False
    if not isinstance(real, _QuietTraceback):
        names["traceback"] = _QuietTraceback(real)
    return True


class _QuietTraceback:
    """The server's ``traceback`` module, but for ``format_exc`` of a :class:`QuietFailure`."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def format_exc(self, *args: Any, **kwargs: Any) -> str:
        failure = sys.exc_info()[1]
        if isinstance(failure, QuietFailure) and failure.__cause__ is not None and not debugging():
            return str(failure.__cause__)
        return str(self._real.format_exc(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)
