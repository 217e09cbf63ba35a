"""Terraform's ``elasticsearch_connection`` block as this library's connection settings.

The block (elastic/elasticstack, every release with the resource) has ``endpoints``,
``username``, ``password``, ``api_key``, ``bearer_token``, ``es_client_authentication``,
``headers``, ``insecure``, ``ca_file``, ``ca_data``, ``ca_fingerprint`` (0.16.2+),
``cert_file``, ``key_file``, ``cert_data`` and ``key_data``. Each maps onto a field of
:data:`pulumi_inference.connection.FIELDS`; what does not is said, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..connection import FIELDS_BY_NAME

_SAME = ("username", "password", "api_key", "bearer_token")
_RENAMED = {
    "ca_file": "ca_certs",
    "ca_data": "ca_certs",
    "ca_fingerprint": "ssl_assert_fingerprint",
    "cert_file": "client_cert",
    "cert_data": "client_cert",
    "key_file": "client_key",
    "key_data": "client_key",
}


@dataclass(frozen=True)
class ConvertedConnection:
    """Connection fields (``url``, ``api_key``, ...) and what could not be carried over."""

    settings: dict[str, Any]
    not_converted: tuple[str, ...] = ()

    @property
    def has_location(self) -> bool:
        return bool(self.settings.get("url"))

    def secrets(self) -> dict[str, Any]:
        return {k: v for k, v in self.settings.items() if FIELDS_BY_NAME[k].secret}

    def key(self) -> tuple[tuple[str, str], ...]:
        """What makes two blocks the same connection."""
        return tuple(sorted((name, repr(value)) for name, value in self.settings.items()))


def convert_connection(block: Mapping[str, Any]) -> ConvertedConnection:
    """The block's settings as connection fields; a setting that has no field is listed."""
    settings: dict[str, Any] = {}
    missing: list[str] = []
    endpoints = block.get("endpoints")
    if isinstance(endpoints, list) and endpoints:
        settings["url"] = str(endpoints[0])
        if len(endpoints) > 1:
            missing.append(
                f"endpoints: only the first of {len(endpoints)} is used ({endpoints[0]}); "
                "the client does not balance over several URLs"
            )
    for name in _SAME:
        if block.get(name):
            settings[name] = block[name]
    for name, field in _RENAMED.items():
        if block.get(name):
            settings[field] = block[name]
    if block.get("insecure") is True:
        settings["verify_certs"] = False
    headers = dict(block.get("headers") or {})
    if block.get("es_client_authentication"):
        headers["ES-Client-Authentication"] = f"SharedSecret {block['es_client_authentication']}"
    if headers:
        settings["headers"] = headers
    known = {"endpoints", "insecure", "headers", "es_client_authentication", *_SAME, *_RENAMED}
    missing += [f"{name}: no such connection setting here" for name in sorted(set(block) - known)]
    return ConvertedConnection(settings, tuple(missing))
