"""What the dynamic provider server (``python -m pulumi.dynamic``) does not offer, and how we
get it anyway, each with a fallback to the plain behaviour when Pulumi's server changes.

- **Concurrency.** The server handles calls on a ``ThreadPoolExecutor(max_workers=4)``, and a
  create blocks while its model deployment starts, so 12 ELSER endpoints would deploy in
  waves of four. :func:`widen_worker_pool` finds the executor running the current call and
  lets it start more threads. If it cannot be found, deployments wait four at a time (said
  once in the log), which is what the native provider plugin avoids by design.
- **Which resource a call is about.** ``ResourceProvider`` methods get no URN, but the gRPC
  request the server is handling carries one; :func:`calling_urn` reads it from the server's
  frame, so progress lines can be shown on the resource rather than on the stack.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from types import FrameType

from .._environment import worker_count

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


def calling_urn() -> str | None:
    """The URN of the resource the dynamic provider server is handling a call for, if any."""
    frame = _server_frame(sys._getframe(1))
    request = frame.f_locals.get("request") if frame is not None else None
    urn = getattr(request, "urn", None)
    return urn if isinstance(urn, str) and urn else None
