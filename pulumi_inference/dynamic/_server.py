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
"""

from __future__ import annotations

import gc
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
from .._environment import worker_count
from ..client import share_reads

log = logging.getLogger("pulumi_inference")

WORKERS_ENV = "PULUMI_INFERENCE_DYNAMIC_WORKERS"
_SERVER_MODULE = os.path.join("pulumi", "dynamic", "__main__.py")

_widened: bool | None = None  # the outcome, once tried
_widen_lock = threading.Lock()


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
        executor = _executor_of(threading.current_thread())
        limit = getattr(executor, "_max_workers", None)
        if executor is None or not isinstance(limit, int):
            log.info(
                "pulumi-inference: this Pulumi's dynamic provider server could not be made to "
                "serve more than its own few calls at once; model deployments wait in turns "
                "(the native provider plugin, elasticsearch-inference, has no such limit)"
            )
            _widened = False
            return False
        executor._max_workers = max(limit, _wanted_workers())
        _widened = True
        return True


def _server_frame(frame: FrameType | None) -> FrameType | None:
    while frame is not None:
        if frame.f_code.co_filename.endswith(_SERVER_MODULE):
            return frame
        frame = frame.f_back
    return None


def serving_call() -> bool:
    """Whether the current call comes from the dynamic provider server (not a direct caller)."""
    return _server_frame(sys._getframe(1)) is not None


def serve_one_command() -> bool:
    """When called from the dynamic provider server (``python -m pulumi.dynamic <engine
    address>``): end its process once that engine is gone, and share reads per cluster."""
    if _server_frame(sys._getframe(1)) is None or len(sys.argv) < 2:
        return False
    share_reads()
    return watch_engine(sys.argv[1])


def calling_urn() -> str | None:
    """The URN of the resource the dynamic provider server is handling a call for, if any."""
    frame = _server_frame(sys._getframe(1))
    request = frame.f_locals.get("request") if frame is not None else None
    urn = getattr(request, "urn", None)
    return urn if isinstance(urn, str) and urn else None


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
            _detailing = _install_detailing(_server_frame(sys._getframe(1)))
        return _detailing


def _install_detailing(frame: FrameType | None) -> bool:
    names = frame.f_globals if frame is not None else {}
    real = names.get("proto")
    response_type = getattr(real, "DiffResponse", None)
    if real is None or response_type is None or not hasattr(response_type, "DIFF_SOME"):
        log.info("pulumi-inference: previews of the dynamic resource name no changed property")
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
