"""Property values as the Pulumi engine puts them on the wire: a secret is an object with
Pulumi's signature key, a value not known yet is a fixed string; numbers are doubles."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format, struct_pb2

SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


@dataclass(frozen=True)
class Secret:
    """A value the engine holds as a secret (encrypted in state, ``[secret]`` in output)."""

    value: Any


def to_wire(value: Any) -> Any:
    if isinstance(value, Secret):
        return {SIG_KEY: SECRET_SIG, "value": to_wire(value.value)}
    if isinstance(value, Mapping):
        return {str(key): to_wire(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_wire(item) for item in value]
    return value


def from_wire(value: Any) -> Any:
    if isinstance(value, Mapping):
        if value.get(SIG_KEY) == SECRET_SIG:
            return Secret(from_wire(value.get("value")))
        return {key: from_wire(item) for key, item in value.items()}
    if isinstance(value, list):
        return [from_wire(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def to_struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    json_format.ParseDict(to_wire(props), struct)
    return struct


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    found: dict[str, Any] = from_wire(json_format.MessageToDict(struct))
    return found


def plain(value: Any) -> Any:
    """The value with every secret unwrapped (what the provider sees)."""
    if isinstance(value, Secret):
        return plain(value.value)
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def stored_text(value: Any) -> str:
    """The value as a state file shows it: every secret as ciphertext, never its value."""
    if isinstance(value, Secret):
        return "<ciphertext>"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key!r}: {stored_text(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(stored_text(item) for item in value) + "]"
    return repr(value)


def masked(value: Any) -> Any:
    """The value as `pulumi preview --json` shows it: each secret by its signature, no value."""
    if isinstance(value, Secret):
        return {SIG_KEY: SECRET_SIG, "ciphertext": "<ciphertext>"}
    if isinstance(value, Mapping):
        return {key: masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [masked(item) for item in value]
    return value
