"""TLS: verification by default, private CAs (path or PEM text), verify_certs=False, pinning
by SHA-256 fingerprint, client certificates, extra headers."""

from __future__ import annotations

import hashlib
import json
import logging
import ssl
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme

from pulumi_inference.client import InferenceClient, RetryPolicy
from pulumi_inference.connection import ClusterConnection
from pulumi_inference.emulator import Emulator, EmulatorConfig
from pulumi_inference.errors import ClusterUnreachableError, ConfigurationError

FAST = RetryPolicy(deadline=2.0, base_delay=0.01, max_delay=0.05)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def server_cert(ca: trustme.CA) -> trustme.LeafCert:
    return ca.issue_cert("127.0.0.1", "localhost")


@pytest.fixture(scope="module")
def emulator_config(
    tmp_path_factory: pytest.TempPathFactory, ca: trustme.CA, server_cert: trustme.LeafCert
) -> EmulatorConfig:
    """Serves its certificate followed by the CA's, as Elasticsearch does with its HTTP CA."""
    folder = tmp_path_factory.mktemp("tls")
    chain = folder / "chain.pem"
    chain.write_bytes(
        b"".join(blob.bytes() for blob in server_cert.cert_chain_pems) + ca.cert_pem.bytes()
    )
    key = folder / "key.pem"
    server_cert.private_key_pem.write_to_path(str(key))
    return EmulatorConfig(tls_cert=str(chain), tls_key=str(key))


@pytest.fixture(scope="module")
def ca_file(tmp_path_factory: pytest.TempPathFactory, ca: trustme.CA) -> str:
    path = tmp_path_factory.mktemp("ca") / "http_ca.crt"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def connect(emu: Emulator, **settings: Any) -> InferenceClient:
    return InferenceClient(ClusterConnection(url=emu.url, **settings), policy=FAST)


def fingerprint(pem: bytes, *, colons: bool) -> str:
    der = ssl.PEM_cert_to_DER_cert(pem.decode())
    digest = hashlib.sha256(der).digest()
    return digest.hex(":").upper() if colons else digest.hex()


def test_certificates_are_verified_by_default(emulator: Emulator) -> None:
    assert emulator.url.startswith("https://127.0.0.1:")
    emulator.clear_requests()
    with pytest.raises(ClusterUnreachableError) as caught:
        connect(emulator).cluster_version()
    message = str(caught.value)
    assert "CERTIFICATE_VERIFY_FAILED" in message
    assert "ca_certs" in message and emulator.url in message
    assert len(emulator.requests()) == 0  # a TLS failure is not retried


def test_a_private_ca_is_trusted_as_a_path(emulator: Emulator, ca_file: str) -> None:
    assert connect(emulator, ca_certs=ca_file).cluster_version() == (9, 1, 0)


def test_a_private_ca_is_trusted_as_pem_text(emulator: Emulator, ca: trustme.CA) -> None:
    pem = ca.cert_pem.bytes().decode()
    assert connect(emulator, ca_certs=pem).cluster_version() == (9, 1, 0)


def test_another_ca_is_not_trusted(emulator: Emulator, tmp_path: Path) -> None:
    other = tmp_path / "other.crt"
    trustme.CA().cert_pem.write_to_path(str(other))
    with pytest.raises(ClusterUnreachableError, match="CERTIFICATE_VERIFY_FAILED"):
        connect(emulator, ca_certs=str(other)).cluster_version()


@pytest.mark.parametrize(
    ("config", "namespace", "named"),
    [
        ({"elasticsearch:caCerts": "{ca}"}, "elasticsearch", "elasticsearch:caCerts"),
        ({"caCerts": "{ca}"}, None, "elasticsearch-inference:caCerts"),
        ({}, "elasticsearch", "elasticsearch:caCerts"),
    ],
)
def test_the_tls_hint_names_the_setting_as_the_user_gave_it(
    emulator: Emulator,
    tmp_path: Path,
    config: dict[str, str],
    namespace: str | None,
    named: str,
) -> None:
    """Issue 30: a wrong CA set as the stack key `elasticsearch:caCerts` is named so, not as
    the Python field `ca_certs`; with none set, the hint names the key beside the URL's."""
    from pulumi_inference.connection import resolve_connection

    other = tmp_path / "other.crt"
    trustme.CA().cert_pem.write_to_path(str(other))
    prefix = f"{namespace}:" if namespace else ""
    given = {key: value.format(ca=other) for key, value in config.items()}
    connection = resolve_connection(
        {}, {f"{prefix}url": emulator.url, **given}, {}, namespace=namespace
    )
    with pytest.raises(ClusterUnreachableError) as caught:
        InferenceClient(connection, policy=FAST).cluster_version()
    message = str(caught.value)
    assert named in message, message
    assert "ca_certs" not in message.replace("caCerts/ca_certs", ""), message


def test_ca_certs_that_is_neither_a_file_nor_pem_is_a_configuration_error(
    emulator: Emulator,
) -> None:
    with pytest.raises(ConfigurationError, match=r"connection\.ca_certs"):
        connect(emulator, ca_certs="/no/such/ca.crt")


def test_verify_certs_false_works_and_warns_loudly(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="pulumi_inference")
    assert connect(emulator, verify_certs=False).cluster_version() == (9, 1, 0)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    text = warnings[0].getMessage()
    assert "verification is OFF" in text and emulator.url in text
    assert "ca_certs" in text and "ssl_assert_fingerprint" in text


@pytest.mark.parametrize("colons", [True, False])
def test_the_right_fingerprint_is_accepted(
    emulator: Emulator, server_cert: trustme.LeafCert, colons: bool
) -> None:
    pin = fingerprint(server_cert.cert_chain_pems[0].bytes(), colons=colons)
    assert connect(emulator, ssl_assert_fingerprint=pin).cluster_version() == (9, 1, 0)


def test_the_fingerprint_of_the_ca_in_the_chain_is_accepted(
    emulator: Emulator, ca: trustme.CA
) -> None:
    """Elasticsearch prints its HTTP CA's fingerprint at first start: pinning that works."""
    pin = fingerprint(ca.cert_pem.bytes(), colons=True)
    assert connect(emulator, ssl_assert_fingerprint=pin).cluster_version() == (9, 1, 0)


def test_a_wrong_fingerprint_is_refused(emulator: Emulator) -> None:
    emulator.clear_requests()
    wrong = fingerprint(trustme.CA().cert_pem.bytes(), colons=True)
    with pytest.raises(ClusterUnreachableError) as caught:
        connect(emulator, ssl_assert_fingerprint=wrong).cluster_version()
    message = str(caught.value)
    assert "ssl_assert_fingerprint" in message
    assert "does not match" in message
    assert len(emulator.requests()) == 0


def test_a_malformed_fingerprint_is_a_configuration_error(emulator: Emulator) -> None:
    with pytest.raises(ConfigurationError, match="64 hex digits"):
        connect(emulator, ssl_assert_fingerprint="AB:CD")


# -- a small server of our own: client certificates and headers ---------------------------


class _Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[dict[str, Any]]

    def do_GET(self) -> None:
        peer = None
        if isinstance(self.connection, ssl.SSLSocket):
            cert = self.connection.getpeercert()
            if cert:
                peer = dict(item[0] for item in cert.get("subject", ()))
        self.seen.append({"headers": dict(self.headers.items()), "peer": peer})
        payload = json.dumps({"version": {"number": "8.19.0"}}).encode()
        self.send_response(200)
        self.send_header("X-elastic-product", "Elasticsearch")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # refused handshakes are expected here


@pytest.fixture
def recorder() -> Iterator[tuple[_Server, list[dict[str, Any]]]]:
    seen: list[dict[str, Any]] = []
    handler = type("Handler", (_Recorder,), {"seen": seen})
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server, seen
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def mtls_url(
    recorder: tuple[_Server, list[dict[str, Any]]], ca: trustme.CA, server_cert: trustme.LeafCert
) -> str:
    """The recorder, behind TLS that requires a client certificate signed by ``ca``."""
    server, _ = recorder
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_cert.configure_cert(context)
    ca.configure_trust(context)
    context.verify_mode = ssl.CERT_REQUIRED
    server.socket = context.wrap_socket(server.socket, server_side=True)
    return f"https://127.0.0.1:{server.server_address[1]}"


def test_client_certificate_files_are_presented(
    mtls_url: str,
    recorder: tuple[_Server, list[dict[str, Any]]],
    ca: trustme.CA,
    ca_file: str,
    tmp_path: Path,
) -> None:
    identity = ca.issue_cert("pulumi-client@example.com", common_name="pulumi-client")
    cert, key = tmp_path / "client.crt", tmp_path / "client.key"
    identity.cert_chain_pems[0].write_to_path(str(cert))
    identity.private_key_pem.write_to_path(str(key))
    connection = ClusterConnection(
        url=mtls_url, ca_certs=ca_file, client_cert=str(cert), client_key=str(key)
    )
    assert InferenceClient(connection, policy=FAST).cluster_version() == (8, 19, 0)
    assert recorder[1][0]["peer"]["commonName"] == "pulumi-client"


def test_client_certificate_pem_text_is_presented_and_not_left_on_disk(
    mtls_url: str,
    recorder: tuple[_Server, list[dict[str, Any]]],
    ca: trustme.CA,
    ca_file: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    identity = ca.issue_cert("pulumi-client@example.com", common_name="pulumi-client")
    connection = ClusterConnection(
        url=mtls_url,
        ca_certs=ca_file,
        client_cert=identity.cert_chain_pems[0].bytes().decode(),
        client_key=identity.private_key_pem.bytes().decode(),
    )
    assert InferenceClient(connection, policy=FAST).cluster_version() == (8, 19, 0)
    assert recorder[1][0]["peer"]["commonName"] == "pulumi-client"
    assert list(tmp_path.iterdir()) == []  # the key was written only while loading it


def test_a_cluster_requiring_a_client_certificate_says_so(mtls_url: str, ca_file: str) -> None:
    with pytest.raises(ClusterUnreachableError) as caught:
        InferenceClient(
            ClusterConnection(url=mtls_url, ca_certs=ca_file), policy=FAST
        ).cluster_version()
    assert "client_cert" in str(caught.value)


def test_extra_headers_and_credentials_are_sent(
    recorder: tuple[_Server, list[dict[str, Any]]],
) -> None:
    server, seen = recorder
    connection = ClusterConnection(
        url=f"http://127.0.0.1:{server.server_address[1]}",
        api_key="ZW5jb2RlZDprZXk=",
        headers=(("X-Opaque-Id", "pulumi-stack-dev"), ("X-Team", "search")),
    )
    InferenceClient(connection, policy=FAST).cluster_version()
    headers = {k.lower(): v for k, v in seen[0]["headers"].items()}
    assert headers["x-opaque-id"] == "pulumi-stack-dev"
    assert headers["x-team"] == "search"
    assert headers["authorization"] == "ApiKey ZW5jb2RlZDprZXk="
    assert headers["user-agent"].startswith("pulumi-inference")
