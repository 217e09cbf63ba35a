"""A stand-in Elasticsearch cluster for the inference endpoint API.

Standard library only. ``with Emulator(EmulatorConfig(version="9.1.0")) as emu: emu.url``.
Control plane (faults, request log, hand edits) under ``/_emulator``: see README.md.
"""

from .._face import present
from ._auth import ApiKey, BearerToken, User
from ._command import COMMAND
from ._emulator import Emulator, EmulatorConfig
from ._faults import Fault, Faults

__all__ = [
    "COMMAND",
    "ApiKey",
    "BearerToken",
    "Emulator",
    "EmulatorConfig",
    "Fault",
    "Faults",
    "User",
]

present(__name__, globals())
