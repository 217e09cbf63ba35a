"""Every place the dynamic door relies on how Pulumi is written rather than on an API it
promises, and what happens when a Pulumi release takes one away.

Pulumi's Python SDK offers no public way to do what these do (checked against 3.216 and the
newest release, 3.272: ``DiffResult`` has no per-property diff, a ``ResourceProvider`` method
gets no URN, the server's pool is four workers, its failures are formatted tracebacks), so
each is probed once per process (:mod:`._server` in the provider process, :mod:`._declare`
in the program) and, when it no longer holds, dropped: the door keeps working without it
and a warning the user sees says what no longer works, what that costs and what to do.
``PULUMI_INFERENCE_STRICT_PULUMI=1`` (set by CI: ``scripts/test``,
``scripts/test-pulumi-range``) makes a lost reliance an error instead, so a Pulumi release
that breaks one fails the tests rather than a user's stack.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

from .._published import REPOSITORY
from ..errors import ConfigurationError
from ..properties import NATIVE_PACKAGE

log = logging.getLogger("pulumi_inference")

STRICT_ENV = "PULUMI_INFERENCE_STRICT_PULUMI"
NO_LONGER_WORKS = "pulumi-inference: with this Pulumi"
"""How every warning of a lost reliance starts (tests look for it)."""


@dataclass(frozen=True)
class Reliance:
    """One thing the door relies on: what it is (in Pulumi), what the user loses without it."""

    what: str
    internal: str
    effect: str


SERVER_CALL = Reliance(
    "finding the call in the dynamic provider server",
    "its handler frames in pulumi/dynamic/__main__.py",
    "model deployments wait in turns, previews name no changed property and progress lines "
    "show on the stack instead of on their resource",
)
WORKER_POOL = Reliance(
    "widening the dynamic provider server's worker pool",
    "the ThreadPoolExecutor serving the call and its _max_workers",
    "the server runs four calls at once, so model deployments wait in turns",
)
CALLING_URN = Reliance(
    "reading the resource of a call from the dynamic provider server",
    "the request local of its handler",
    "warnings and progress lines show on the stack instead of on their resource",
)
DETAILED_DIFF = Reliance(
    "naming the changed properties in the dynamic provider server's diffs",
    "the proto global of pulumi.dynamic.__main__",
    "previews of the dynamic resource name no changed property, and a rotated secret shows as "
    "no change",
)
QUIET_FAILURES = Reliance(
    "showing a failure of the dynamic provider as its message alone",
    "the traceback global of pulumi.dynamic.__main__",
    "each error comes with a dozen lines of the server's own frames after its message",
)
REGISTRATION = Reliance(
    "registering the dynamic resource from its generated class",
    "PROVIDER_KEY and serialize_provider of pulumi.dynamic.dynamic",
    "each resource's recorded call stack starts inside pulumi-inference instead of at the "
    "program's line",
)
RELIANCES = (SERVER_CALL, WORKER_POOL, CALLING_URN, DETAILED_DIFF, QUIET_FAILURES, REGISTRATION)

_lost: set[Reliance] = set()
_lock = threading.Lock()


def strict() -> bool:
    return os.environ.get(STRICT_ENV, "").strip().lower() in ("1", "true", "yes")


def pulumi_version() -> str:
    try:
        return importlib.metadata.version("pulumi")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def message(reliance: Reliance) -> str:
    """The warning of a lost reliance: what no longer works, its effect, what to do."""
    version = pulumi_version()
    return (
        f"{NO_LONGER_WORKS} ({version}), {reliance.what} no longer works ({reliance.internal} "
        f"changed): {reliance.effect}. What to do: install the Pulumi release you used before "
        f"(pip install 'pulumi<{version}'), or use the {NATIVE_PACKAGE} provider plugin "
        f"(pulumi_inference.native), which does not depend on it; and report it at "
        f"{REPOSITORY}/issues with this Pulumi version."
    )


def lost(reliance: Reliance, warn: Callable[[str], None] = log.warning) -> None:
    """Say, once per process, that ``reliance`` no longer holds (``warn``: how the user sees
    it; the provider's log records reach the engine); raise in strict mode."""
    with _lock:
        first = reliance not in _lost
        _lost.add(reliance)
    if strict():
        raise ConfigurationError(f"{message(reliance)} ({STRICT_ENV} is set: this is an error)")
    if first:
        warn(message(reliance))
