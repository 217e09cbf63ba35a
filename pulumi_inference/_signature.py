"""Pulumi's special-signature key: how its serialized values mark a secret (and other kinds)."""

from __future__ import annotations

SIG_KEY = "4dabf18193072939515e22adb298388d"
"""The key whose value says what kind of special value a mapping is."""
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"  # noqa: S105 - a marker, not a secret
"""``SIG_KEY``'s value for a secret: ``{SIG_KEY: SECRET_SIG, "value": ...}``."""
