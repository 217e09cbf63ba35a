"""When and how long to wait before trying a request again."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

from ..errors import ConfigurationError

# 429: the cluster rejected the work (thread pools full, circuit breaker); 502/503/504: a
# proxy or the cluster could not serve it right now. Other statuses are final answers.
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
# Answers that may come after the cluster already acted (a gateway gave up waiting).
MAYBE_APPLIED_STATUSES = frozenset({502, 503, 504})
DEADLINE_ENV = "PULUMI_INFERENCE_RETRY_DEADLINE"
UNREACHABLE_ENV = "PULUMI_INFERENCE_UNREACHABLE_DEADLINE"
BASE_DELAY_ENV = "PULUMI_INFERENCE_RETRY_BASE_DELAY"
MAX_DELAY_ENV = "PULUMI_INFERENCE_RETRY_MAX_DELAY"
# A Retry-After is honoured (never retried earlier) plus up to this fraction, so that four
# threads told to come back at the same moment do not all come back at once.
RETRY_AFTER_SPREAD = 0.1


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter, bounded by an overall deadline per operation.

    ``deadline`` bounds the whole operation (all attempts and waits): no new attempt starts
    once waiting for it would cross the deadline. Wait before attempt ``n + 1``: a random
    value in ``[c/2, c]`` with ``c = min(max_delay, base_delay * 2**(n-1))``, or the
    server's ``Retry-After`` when it sent one. ``unreachable_deadline`` is shorter: a cluster
    that refuses every connection (down, or a wrong URL) fails fast instead of after a minute.
    """

    deadline: float = 60.0
    unreachable_deadline: float = 15.0
    base_delay: float = 0.25
    max_delay: float = 8.0
    purpose: str | None = None
    """What a fixed budget is for ("the preview's look-up"); None: the environment's policy."""

    def __post_init__(self) -> None:
        if min(self.deadline, self.unreachable_deadline, self.base_delay, self.max_delay) < 0:
            raise ConfigurationError("retry policy: deadline and delays must not be negative")

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> RetryPolicy:
        """Defaults, overridden by ``PULUMI_INFERENCE_RETRY_DEADLINE`` (seconds per operation),
        ``PULUMI_INFERENCE_RETRY_BASE_DELAY`` and ``PULUMI_INFERENCE_RETRY_MAX_DELAY``."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, variable in (
            ("deadline", DEADLINE_ENV),
            ("unreachable_deadline", UNREACHABLE_ENV),
            ("base_delay", BASE_DELAY_ENV),
            ("max_delay", MAX_DELAY_ENV),
        ):
            text = env.get(variable, "").strip()
            if not text:
                continue
            try:
                values[name] = float(text)
            except ValueError:
                raise ConfigurationError(
                    f"{variable}={text!r}: expected a number of seconds, e.g. 120"
                ) from None
        return cls(**values)

    def stops(self) -> str:
        """When its retries stop, as a message tells it: the budget in force and what sets it."""
        if self.purpose is None:
            return (
                f"retries stop after {DEADLINE_ENV} ({self.deadline:g}s), or {UNREACHABLE_ENV} "
                f"({self.unreachable_deadline:g}s) of refused connections"
            )
        commands = RetryPolicy.from_environment()
        return (
            f"{self.purpose} gives up after {self.deadline:g}s, or {self.unreachable_deadline:g}s "
            f"of refused connections (a fixed budget: the calls that change the cluster retry "
            f"for {DEADLINE_ENV} ({commands.deadline:g}s), or {UNREACHABLE_ENV} "
            f"({commands.unreachable_deadline:g}s) of refused connections)"
        )

    def ran_out(self) -> str:
        """What to do once a busy cluster's answers (429, 503) outlasted this policy's deadline,
        as a message tells it: the deadline in force and what sets it."""
        if self.purpose is None:
            return (
                f"the retry deadline, {DEADLINE_ENV} ({self.deadline:g}s), ran out. Check the "
                f"cluster's health and retry later, or raise {DEADLINE_ENV} (seconds)."
            )
        commands = RetryPolicy.from_environment()
        return (
            f"{self.purpose} gave up after {self.deadline:g}s (a fixed budget; the calls that "
            f"change the cluster retry for {DEADLINE_ENV} ({commands.deadline:g}s)). Check the "
            "cluster's health and retry later."
        )

    def delay(
        self,
        attempt: int,
        retry_after: float | None,
        rand: Callable[[float, float], float] = random.uniform,
    ) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (attempts count from 1)."""
        if retry_after is not None:
            wait = max(retry_after, 0.0)
            return wait + rand(0.0, wait * RETRY_AFTER_SPREAD)
        ceiling = min(self.max_delay, self.base_delay * 2 ** max(attempt - 1, 0))
        return rand(ceiling / 2, ceiling)


class Deadline:
    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.started = clock()
        self.expires = self.started + seconds

    def remaining(self) -> float:
        return self.expires - self._clock()

    def elapsed(self) -> float:
        return self._clock() - self.started

    def allows(self, wait: float) -> bool:
        return self.remaining() > wait


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if seconds == seconds and seconds >= 0 else None  # NaN, negative
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())


LOOKUP_POLICY = RetryPolicy(
    deadline=10.0, unreachable_deadline=3.0, purpose="the preview's look-up"
)
"""What a preview reads on its own (version, privileges, the users of an endpoint to replace):
a short fixed budget, so that a preview of an unreachable cluster ends in seconds."""
