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
# and wait up to 30 s for the deployment to start before answering. The client narrows the
# timeouts of each attempt (see InferenceClient._timeout).
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=300.0, write=30.0, pool=60.0)
CREATE_READ_TIMEOUT = 300.0
READ_TIMEOUT = 60.0
CONNECT_TIMEOUT = 10.0
POOL_LIMITS = httpx.Limits(max_connections=8, max_keepalive_connections=8)
_ENCODING_DER = 2  # _ssl.ENCODING_DER, for certificates of the unverified chain


def _chain_der(sock: ssl.SSLSocket) -> list[bytes]:
    """DER of every certificate the server sent: its own first, then the chain (when the
    interpreter exposes the unverified chain, as CPython 3.10+ does privately)."""
    leaf = sock.getpeercert(binary_form=True) or b""
    found = [leaf] if leaf else []
    sslobj = getattr(sock, "_sslobj", None)
    getter = getattr(sslobj, "get_unverified_chain", None)
    if getter is not None:
        try:
            chain = getter() or []
        except (ssl.SSLError, ValueError):
            chain = []
        for cert in chain:
            der = cert.public_bytes(_ENCODING_DER) if hasattr(cert, "public_bytes") else b""
            if der and der not in found:
                found.append(der)
    return found


class _PinnedContext(ssl.SSLContext):
    """An SSL context that checks the server certificate's SHA-256 fingerprint.

    As in Elastic's own clients, the pin may be the server certificate or any certificate
    of the chain the server sends (Elasticsearch prints its HTTP CA's fingerprint at first
    start), and it replaces chain verification.
    """

    expected_fingerprint: bytes = b""

    def wrap_socket(self, *args: Any, **kwargs: Any) -> ssl.SSLSocket:
        sock = super().wrap_socket(*args, **kwargs)
        seen = [hashlib.sha256(der).digest() for der in _chain_der(sock)]
        if self.expected_fingerprint not in seen:
            sock.close()
            got = seen[0].hex(":").upper() if seen else "none"
            raise ssl.SSLError(
                "server certificate does not match connection.ssl_assert_fingerprint "
                f"(the server's certificate has SHA-256 fingerprint {got})"
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


def _is_pem(value: str) -> bool:
    return "-----BEGIN" in value


def _readable(value: str, purpose: str) -> str:
    if not os.path.isfile(value):
        raise ConfigurationError(
            f"connection.{purpose}: '{value}' is neither a readable file nor PEM text "
            "(-----BEGIN ...)"
        )
    return value


def _load_client_cert(context: ssl.SSLContext, cert: str, key: str | None) -> None:
    """Load a client certificate and key given as paths or PEM text.

    PEM text is written to files in a private temporary directory only for as long as
    OpenSSL needs to read them, then removed (the key is a secret)."""
    with tempfile.TemporaryDirectory(prefix="pulumi-inference-") as private:
        os.chmod(private, 0o700)

        def as_file(value: str, purpose: str) -> str:
            if not _is_pem(value):
                return _readable(value, purpose)
            path = os.path.join(private, f"{purpose}.pem")
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(value)
            return path

        cert_file = as_file(cert, "client_cert")
        key_file = as_file(key, "client_key") if key else None
        try:
            context.load_cert_chain(cert_file, key_file)
        except (ssl.SSLError, OSError) as exc:
            raise ConfigurationError(
                "connection.client_cert / client_key: cannot load the client certificate and "
                f"its key ({type(exc).__name__}: {exc.strerror or exc.args[-1]}); give PEM "
                "files or PEM text, the key unencrypted and matching the certificate"
            ) from None


def ssl_context_for(connection: ClusterConnection) -> ssl.SSLContext | bool:
    if not connection.url.startswith("https://"):
        # Plain HTTP: no certificate bundle to load, unless a proxy is reached over TLS.
        proxies = (
            os.environ.get(name, "")
            for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")
        )
        return any(proxy.startswith("https://") for proxy in proxies)
    context: ssl.SSLContext
    if connection.ssl_assert_fingerprint:
        pinned = _PinnedContext(ssl.PROTOCOL_TLS_CLIENT)
        pinned.expected_fingerprint = parse_fingerprint(connection.ssl_assert_fingerprint)
        # The pin replaces chain verification, as in Elastic's own clients.
        pinned.check_hostname = False
        pinned.verify_mode = ssl.CERT_NONE
        context = pinned
    elif not connection.verify_certs:
        log.warning(
            "WARNING: TLS certificate verification is OFF for %s (verify_certs=False). "
            "Anyone on the network path can impersonate the cluster and read the credentials. "
            "Use ca_certs=... (the cluster's CA) or ssl_assert_fingerprint=... instead.",
            connection.display_url,
        )
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    else:
        context = ssl.create_default_context()
        if connection.ca_certs:
            try:
                if _is_pem(connection.ca_certs):
                    context.load_verify_locations(cadata=connection.ca_certs)
                else:
                    context.load_verify_locations(cafile=_readable(connection.ca_certs, "ca_certs"))
            except ssl.SSLError as exc:
                raise ConfigurationError(
                    f"connection.ca_certs: not a PEM certificate ({exc.reason or exc}); give "
                    "the CA certificate as a PEM file path or as PEM text"
                ) from None
    if connection.client_cert:
        _load_client_cert(context, connection.client_cert, connection.client_key)
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
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            **auth_headers(connection),
        },
        auth=auth,
        verify=ssl_context_for(connection),
        timeout=DEFAULT_TIMEOUT,
        limits=POOL_LIMITS,
        transport=transport,
        follow_redirects=False,
    )
