"""The environment variables that tune a provider process (both doors read them here)."""

from __future__ import annotations

import os

DEBUG_ENV = "PULUMI_INFERENCE_DEBUG"
"""Set (to anything) to keep the full Python traceback in errors, for bug reports."""

DEFAULT_WORKERS = 64
"""Calls served at once (deployment waits included) when the door's variable is unset."""


def debugging() -> bool:
    return bool(os.environ.get(DEBUG_ENV))


def worker_count(variable: str) -> int:
    """Calls a door serves at once: ``variable`` when it is a positive integer, else 64."""
    value = os.environ.get(variable, "")
    try:
        return max(1, int(value)) if value.strip() else DEFAULT_WORKERS
    except ValueError:
        return DEFAULT_WORKERS
