"""Pulumi's wire format, copied so the core never imports Pulumi: the value not known yet (in a
preview) as the core and the doors carry it, and the special-signature key marking a secret."""

from __future__ import annotations

from typing import Any, Final

SIG_KEY: Final[str] = "4dabf18193072939515e22adb298388d"
"""The key whose value says what kind of special value a serialized mapping is."""
SECRET_SIG: Final[str] = "1b47061264138c4ac30d75fd1eb44270"  # noqa: S105 - a marker, not a secret
"""``SIG_KEY``'s value for a secret: ``{SIG_KEY: SECRET_SIG, "value": ...}``."""

PULUMI_UNKNOWN_WIRE_VALUE: Final[str] = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""How the Pulumi engine encodes a value not known yet (``pulumi.runtime.rpc.UNKNOWN``).

Copied here so the core never imports Pulumi; :func:`is_unknown` treats it like
:data:`UNKNOWN`.
"""


class _Unknown:
    """Type of :data:`UNKNOWN`; a single instance exists."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __reduce__(self) -> str:
        return "UNKNOWN"  # pickles as the module attribute, so identity survives


UNKNOWN: Final[Any] = _Unknown()
"""A value not known yet (``pulumi preview``). Validation skips it wherever it appears;
the catalogue's settings validation too."""


def is_unknown(value: object) -> bool:
    """True for :data:`UNKNOWN` and for Pulumi's wire encoding of an unknown value."""
    return value is UNKNOWN or (type(value) is str and value == PULUMI_UNKNOWN_WIRE_VALUE)
