"""What the dynamic provider server (``python -m pulumi.dynamic``) does not offer, and how we
get it anyway, each with a fallback to the plain behaviour when Pulumi's server changes.

- **Concurrency.** The server handles calls on a ``ThreadPoolExecutor(max_workers=4)``, and a
  create blocks while its model deployment starts, so 12 ELSER endpoints would deploy in
  waves of four. :func:`widen_worker_pool` finds the executor running the current call and
  lets it start more threads. If it cannot be found, deployments wait four at a time (said
  once in the log), which is what the native provider plugin avoids by design.
- **Which property a diff changes.** The server answers ``Diff`` with ``changes``, ``replaces``
  and ``delete_before_replace`` only, so ``pulumi preview --diff`` cannot mark what changed,
  and a key rotation (inside the always-secret ``secrets`` input) shows no changed property
  at all. :func:`send_detailed_diffs` makes its answers carry the per-property diff the
  provider reports (:func:`report_detailed_diff`); if it cannot, answers stay plain.
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
  under each error. :func:`quiet_failures` points the name ``traceback`` of that module at a
  stand-in that gives, for a :class:`QuietFailure`, only the message of the error behind it
  (``PULUMI_INFERENCE_DEBUG=1`` keeps the whole traceback); any other failure keeps it too.

Each of these leans on how Pulumi's server is written (its executor's private fields, the
``request`` local and the ``proto`` global of its module), not on an API it promises. When one
stops working, the provider carries on without it and says so once per process with a
warning the user sees (:func:`no_longer_works`): what no longer works, its effect, and the
Pulumi version. CI runs the provider-process tests on the lowest and the newest Pulumi that
``pyproject.toml`` allows (``scripts/test-pulumi-range``), and they fail on any such warning.
"""

from __future__ import annotations

import gc
import importlib.metadata
import logging
import os
import sys
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from types import FrameType
from typing import Any

from .._engine_watch import watch_engine
from .._environment import debugging, worker_count
from ..client import share_reads
from ..properties import NATIVE_PACKAGE

log = logging.getLogger("pulumi_inference")

WORKERS_ENV = "PULUMI_INFERENCE_DYNAMIC_WORKERS"
_SERVER_MODULE = os.path.join("pulumi", "dynamic", "__main__.py")

NO_LONGER_WORKS = "pulumi-inference: with this Pulumi"
"""How every warning of a lost extension starts (tests look for it)."""

_widened: bool | None = None  # the outcome, once tried
_warned: set[str] = set()
_widen_lock = threading.Lock()


def no_longer_works(what: str, effect: str) -> None:
    """Warn, once per process and ``what``, that an extension of Pulumi's server failed."""
    if what in _warned:
        return
    _warned.add(what)
    try:
        version = importlib.metadata.version("pulumi")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    log.warning(
        f"{NO_LONGER_WORKS} ({version}), {what} no longer works: {effect}. Please report it "
        "to pulumi-inference with this Pulumi version; the native provider plugin "
        f"({NATIVE_PACKAGE}) does not depend on it."
    )


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


def widen_worker_pool() -> bool:
    """Let the executor serving this call run up to ``$PULUMI_INFERENCE_DYNAMIC_WORKERS``
    (default 64) calls at once. Once per process; ``True`` when the pool is wide enough."""
    global _widened
    with _widen_lock:
        if _widened is not None:
            return _widened
        if _call_frame(sys._getframe(1)) is None:
            return False  # a direct call (tests, an embedding program): no server pool
        executor = _executor_of(threading.current_thread())
        limit = getattr(executor, "_max_workers", None)
        if executor is None or not isinstance(limit, int):
            no_longer_works(
                "widening the dynamic provider server's worker pool",
                "it serves its own few calls at once, so model deployments wait in turns",
            )
            _widened = False
            return False
        executor._max_workers = max(limit, _wanted_workers())
        _widened = True
        return True


def _in_server_process() -> bool:
    """Whether this process is Pulumi's dynamic provider server (``python -m pulumi.dynamic``)."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return getattr(spec, "name", None) == "pulumi.dynamic.__main__"


def _call_frame(frame: FrameType | None) -> FrameType | None:
    """The server's frame handling this call; ``None`` for a direct call. In the server
    process, not finding it means the server changed: said once, loudly."""
    found = _server_frame(frame)
    if found is None and _in_server_process():
        no_longer_works(
            "finding the call in the dynamic provider server",
            "model deployments wait in turns, previews name no changed property and "
            "progress lines show on the stack instead of on their resource",
        )
    return found


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
    return frame is not None and "_abort_with_traceback" in frame.f_globals


def serve_one_command() -> bool:
    """When called from the dynamic provider server (``python -m pulumi.dynamic <engine
    address>``): end its process once that engine is gone, and share reads per cluster."""
    if _server_frame(sys._getframe(1)) is None or len(sys.argv) < 2:
        return False
    share_reads()
    return watch_engine(sys.argv[1])


def calling_urn() -> str | None:
    """The URN of the resource the dynamic provider server is handling a call for, if any."""
    frame = _call_frame(sys._getframe(1))
    if frame is None:
        return None  # a direct call: no request to read
    urn = getattr(frame.f_locals.get("request"), "urn", None)
    if isinstance(urn, str) and urn:
        return urn
    if "request" not in frame.f_locals:
        no_longer_works(
            "reading the resource of a call from the dynamic provider server",
            "warnings and progress lines show on the stack instead of on their resource",
        )
    return None


_diff_of_call = threading.local()
_detailing: bool | None = None
_detail_lock = threading.Lock()


def report_detailed_diff(detailed: Mapping[str, str]) -> None:
    """The per-property diff (``{path: "UPDATE"}``, kinds as the protocol names them) of the
    ``Diff`` call this thread serves, for the server's answer."""
    _diff_of_call.detailed = dict(detailed)


def send_detailed_diffs() -> bool:
    """Make the server's ``Diff`` answers carry what :func:`report_detailed_diff` reported.

    The server builds its answer as ``proto.DiffResponse(**fields)``, ``proto`` being a name of
    its own module: that name, in that module only, is pointed at a stand-in whose
    ``DiffResponse`` adds ``diffs`` and ``detailedDiff``. Once per process; ``True`` when the
    answers carry them.
    """
    global _detailing
    with _detail_lock:
        if _detailing is None:
            _detailing = _install_detailing(_call_frame(sys._getframe(1)))
        return _detailing


def _install_detailing(frame: FrameType | None) -> bool:
    if frame is None:
        return False  # a direct call: no server answer to extend
    names = frame.f_globals
    real = names.get("proto")
    response_type = getattr(real, "DiffResponse", None)
    if real is None or response_type is None or not hasattr(response_type, "DIFF_SOME"):
        no_longer_works(
            "naming the changed properties in the dynamic provider server's diffs",
            "previews of the dynamic resource name no changed property, and a rotated secret "
            "shows as no change",
        )
        return False
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
    """A failure whose cause is the error to show, alone (see :func:`quiet_failures`)."""


_quieted: bool | None = None
_quiet_lock = threading.Lock()


def quiet_failures() -> bool:
    """Make the server report a :class:`QuietFailure` as its cause's message alone. Once per
    process; ``True`` when it does."""
    global _quieted
    with _quiet_lock:
        if _quieted is None:
            frame = _server_frame(sys._getframe(1))
            names = frame.f_globals if frame is not None else {}
            real = names.get("traceback")
            _quieted = real is not None and hasattr(real, "format_exc")
            if _quieted:
                names["traceback"] = _QuietTraceback(real)
        return _quieted


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
