"""Building the pooled httpx client for one cluster: authentication, TLS, pinning."""

from __future__ import annotations

import hashlib
import logging
import os
import ssl
import tempfile
from typing import Any

import httpx

from ..connection import ClusterConnection
from ..errors import ConfigurationError

log = logging.getLogger("pulumi_inference")

USER_AGENT = "pulumi-inference"
# Generous read timeout: a create of an elasticsearch-service endpoint may download a model
# and wait up to 30 s for the deployment to start before answering.
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=300.0, write=30.0, pool=60.0)
POOL_LIMITS = httpx.Limits(max_connections=8, max_keepalive_connections=8)


class _PinnedContext(ssl.SSLContext):
    """An SSL context that also checks the server certificate's SHA-256 fingerprint."""

    expected_fingerprint: bytes = b""

    def wrap_socket(self, *args: Any, **kwargs: Any) -> ssl.SSLSocket:  # type: ignore[override]
        sock = super().wrap_socket(*args, **kwargs)
        der = sock.getpeercert(binary_form=True) or b""
        if hashlib.sha256(der).digest() != self.expected_fingerprint:
            sock.close()
            raise ssl.SSLError(
                "server certificate does not match connection.ssl_assert_fingerprint"
            )
        return sock


def parse_fingerprint(text: str) -> bytes:
    cleaned = text.replace(":", "").replace(" ", "").strip().lower()
    try:
        digest = bytes.fromhex(cleaned)
    except ValueError:
        digest = b""
    if len(digest) != hashlib.sha256().digest_size:
        raise ConfigurationError(
            "connection.ssl_assert_fingerprint: expected a SHA-256 fingerprint (64 hex digits, "
            "colons allowed), e.g. from `openssl x509 -noout -fingerprint -sha256 -in ca.crt`"
        )
    return digest


def _pem_file(value: str, purpose: str) -> str:
    """A PEM path as given, or PEM text written to a private temporary file."""
    if "-----BEGIN" not in value:
        if not os.path.isfile(value):
            raise ConfigurationError(
                f"connection.{purpose}: '{value}' is neither a readable file nor PEM text"
            )
        return value
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - must outlive this function
        "w", prefix=f"pulumi-inference-{purpose}-", suffix=".pem", delete=False
    )
    with handle:
        os.chmod(handle.name, 0o600)
        handle.write(value)
    return handle.name


def ssl_context_for(connection: ClusterConnection) -> ssl.SSLContext | bool:
    if not connection.url.startswith("https://"):
        return True
    if connection.ssl_assert_fingerprint:
        context: ssl.SSLContext = _PinnedContext(ssl.PROTOCOL_TLS_CLIENT)
        context.expected_fingerprint = parse_fingerprint(connection.ssl_assert_fingerprint)  # type: ignore[attr-defined]
        # The pin replaces chain verification, as in Elastic's own clients.
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif not connection.verify_certs:
        log.warning(
            "WARNING: TLS certificate verification is OFF for %s (verify_certs=False). "
            "Anyone on the network path can read the credentials. Use ca_certs=... or "
            "ssl_assert_fingerprint=... instead.",
            connection.display_url,
        )
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    else:
        context = ssl.create_default_context()
        if connection.ca_certs:
            context.load_verify_locations(cafile=_pem_file(connection.ca_certs, "ca_certs"))
    if connection.client_cert:
        context.load_cert_chain(
            _pem_file(connection.client_cert, "client_cert"),
            _pem_file(connection.client_key, "client_key") if connection.client_key else None,
        )
    return context


def auth_headers(connection: ClusterConnection) -> dict[str, str]:
    headers = dict(connection.headers)
    if connection.api_key:
        headers["Authorization"] = f"ApiKey {connection.api_key}"
    elif connection.bearer_token:
        headers["Authorization"] = f"Bearer {connection.bearer_token}"
    return headers


def build_http_client(
    connection: ClusterConnection, transport: httpx.BaseTransport | None = None
) -> httpx.Client:
    auth = None
    if connection.username and not connection.api_key and not connection.bearer_token:
        auth = httpx.BasicAuth(connection.username, connection.password or "")
    return httpx.Client(
        base_url=connection.url,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json", **auth_headers(connection)},
        auth=auth,
        verify=ssl_context_for(connection),
        timeout=DEFAULT_TIMEOUT,
        limits=POOL_LIMITS,
        transport=transport,
        follow_redirects=False,
    )
