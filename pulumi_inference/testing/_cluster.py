"""An emulated cluster for a test: the emulator, its URL, credentials, TLS and clients."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..emulator import Emulator, EmulatorConfig

if TYPE_CHECKING:
    import httpx

OPTIONS = (
    "version",
    "build_flavor",
    "api_key",
    "user",
    "tls",
    "eis",
    "faults",
    "deployment_seconds",
)
"""What a test may ask of its cluster (``start_cluster``'s keyword arguments)."""


class EmulatedCluster:
    """A running emulator and what a test talks to it with.

    ``url``; ``api_key`` / ``username`` and ``password`` when it requires credentials;
    ``ca_file`` when it serves https; ``control``, the emulator itself (faults, request log,
    ``reset()``, ``set_version()``, hand edits, deployments: pulumi_inference/emulator/README.md);
    ``http``, an ``httpx.Client`` on it; ``elasticsearch()``, the official client on it.
    """

    def __init__(
        self,
        emulator: Emulator,
        *,
        api_key: str | None = None,
        user: tuple[str, str] | None = None,
        ca_file: str | None = None,
    ) -> None:
        self.control = emulator
        self.url = emulator.url
        self.api_key = api_key
        self.username: str | None = user[0] if user is not None else None
        self.password: str | None = user[1] if user is not None else None
        self.ca_file = ca_file
        self._http: httpx.Client | None = None
        self._clients: list[Any] = []

    def headers(self) -> dict[str, str]:
        if self.api_key is not None:
            return {"Authorization": f"ApiKey {self.api_key}"}
        return {}

    @property
    def http(self) -> httpx.Client:
        """An ``httpx.Client`` on the cluster, with its credentials and CA (one per cluster)."""
        if self._http is None:
            import httpx

            auth = None
            if self.username is not None and self.password is not None:
                auth = (self.username, self.password)
            self._http = httpx.Client(
                base_url=self.url,
                headers=self.headers(),
                auth=auth,
                verify=self.ca_file or True,
                timeout=30,
            )
        return self._http

    def elasticsearch(self, **options: Any) -> Any:
        """The official Python client (``elasticsearch``) on the cluster; ``options`` go to
        ``Elasticsearch(...)``. The package is not a dependency of pulumi-inference."""
        try:
            from elasticsearch import Elasticsearch
        except ImportError as err:
            raise ImportError(
                "EmulatedCluster.elasticsearch() needs the official client: "
                "pip install 'elasticsearch>=9'"
            ) from err
        settings: dict[str, Any] = {"request_timeout": 30, **options}
        if self.api_key is not None:
            settings.setdefault("api_key", self.api_key)
        if self.username is not None:
            settings.setdefault("basic_auth", (self.username, self.password))
        if self.ca_file is not None:
            settings.setdefault("ca_certs", self.ca_file)
        client = Elasticsearch(self.url, **settings)
        self._clients.append(client)
        return client

    def connection_env(self) -> dict[str, str]:
        """The environment that points pulumi-inference (both doors) at this cluster."""
        env = {"ELASTICSEARCH_URL": self.url}
        if self.api_key is not None:
            env["ELASTICSEARCH_API_KEY"] = self.api_key
        if self.username is not None and self.password is not None:
            env.update(ELASTICSEARCH_USERNAME=self.username, ELASTICSEARCH_PASSWORD=self.password)
        if self.ca_file is not None:
            env["ELASTICSEARCH_CA_FILE"] = self.ca_file
        return env

    def close(self) -> None:
        for client in self._clients:
            client.close()
        self._clients.clear()
        if self._http is not None:
            self._http.close()
            self._http = None


def _tls_files(tls: Any, folder: Path) -> tuple[str, str, str] | None:
    """(certificate, key, CA file) for ``tls``: ``True`` makes them with ``trustme``; a pair of
    paths is a certificate and key the test brings (then the CA is the certificate)."""
    if not tls:
        return None
    if isinstance(tls, tuple | list) and len(tls) == 2:
        cert, key = (str(part) for part in tls)
        return cert, key, cert
    if tls is not True:
        raise ValueError("tls must be True or a (certificate, key) pair of PEM file paths")
    try:
        import trustme  # type: ignore[import-not-found,unused-ignore]
    except ImportError as err:
        raise ImportError(
            "tls=True makes a throwaway certificate with trustme: pip install trustme, or pass "
            "tls=(cert_path, key_path)"
        ) from err
    ca = trustme.CA()
    server = ca.issue_cert("127.0.0.1", "localhost")
    cert_path, ca_path = folder / "cert.pem", folder / "ca.pem"
    server.private_key_and_cert_chain_pem.write_to_path(str(cert_path))
    ca.cert_pem.write_to_path(str(ca_path))
    return str(cert_path), str(cert_path), str(ca_path)


def _config(options: Mapping[str, Any], folder: Path) -> tuple[EmulatorConfig, str | None]:
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise TypeError(f"unknown emulated cluster option(s) {unknown}; known: {list(OPTIONS)}")
    config = EmulatorConfig(deployment_seconds=float(options.get("deployment_seconds", 0.05)))
    fields: dict[str, Any] = {
        key: options[key] for key in ("version", "build_flavor", "eis") if key in options
    }
    if options.get("api_key"):
        fields["api_keys"] = [str(options["api_key"])]
    if options.get("user"):
        fields["users"] = [str(options["user"])]
    tls = _tls_files(options.get("tls"), folder)
    if tls is not None:
        fields.update(tls_cert=tls[0], tls_key=tls[1])
    return EmulatorConfig(**{**config.__dict__, **fields}), (tls[2] if tls else None)


@contextmanager
def start_cluster(**options: Any) -> Iterator[EmulatedCluster]:
    """An emulator for the ``with`` block: ``version="9.1.0"``, ``build_flavor="serverless"``,
    ``api_key="..."`` and/or ``user="name:password"`` (then every request needs them),
    ``tls=True`` (https with a throwaway CA, ``ca_file``), ``eis=True``, ``faults=[{...}]``
    (the control plane's fault JSON), ``deployment_seconds`` (default 0.05)."""
    with tempfile.TemporaryDirectory(prefix="pulumi-inference-cluster-") as folder:
        config, ca_file = _config(options, Path(folder))
        user = str(options["user"]).split(":")[:2] if options.get("user") else None
        with Emulator(config) as emulator:
            _add_faults(emulator, options.get("faults") or ())
            cluster = EmulatedCluster(
                emulator,
                api_key=str(options["api_key"]) if options.get("api_key") else None,
                user=(user[0], user[1]) if user else None,
                ca_file=ca_file,
            )
            try:
                yield cluster
            finally:
                cluster.close()


def _add_faults(emulator: Emulator, faults: Iterable[Mapping[str, Any]]) -> None:
    for fault in faults:
        emulator.faults.add(dict(fault))
