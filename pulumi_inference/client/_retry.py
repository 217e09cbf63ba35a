"""When and how long to wait before trying a request again."""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
DEADLINE_ENV = "PULUMI_INFERENCE_RETRY_DEADLINE"


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, bounded by an overall deadline per operation."""

    deadline: float = 60.0
    base_delay: float = 0.25
    max_delay: float = 8.0

    @classmethod
    def from_environment(cls) -> RetryPolicy:
        value = os.environ.get(DEADLINE_ENV)
        return cls(deadline=float(value)) if value else cls()

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (attempts count from 1)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay * 4)
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not security


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.expires = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.expires - time.monotonic()

    def allows(self, wait: float) -> bool:
        return self.remaining() > wait


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
