"""The public face: :class:`EmulatorConfig` and :class:`Emulator`."""

from __future__ import annotations

import base64
import dataclasses
import os
import ssl
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from ._api import Api
from ._auth import ApiKey, Authenticator, BearerToken, User
from ._control import Control
from ._errors import JsonDict
from ._faults import Faults
from ._server import EmulatorHTTPServer
from ._store import RequestLog, Settings, State, deep_copy


@dataclass
class EmulatorConfig:
    """How to start an :class:`Emulator`. Every field has a default."""

    host: str = "127.0.0.1"
    port: int = 0  # 0: a free port
    version: str = "9.1.0"  # reported as version.number; gates version-dependent behaviour
    build_flavor: str = "default"  # "serverless" also hides deployment state/allocation_status
    cluster_name: str = "emulator"
    cluster_uuid: str | None = None  # None: a new one per Emulator, kept across resets
    api_keys: Sequence[str | ApiKey] = ()  # base64 "id:key" (as clients send it) or "id:key"
    users: Sequence[str | User] = ()  # User or "name:password[:priv1,priv2]"
    bearer_tokens: Sequence[str | BearerToken] = ()
    tls_cert: str | os.PathLike[str] | None = None  # PEM certificate chain: serve https
    tls_key: str | os.PathLike[str] | None = None  # PEM private key (may be in tls_cert)
    deployment_seconds: float = 0.5  # time a simulated deployment takes to be fully allocated
    put_waits_for_deployment: bool = False  # PUT blocks until started (408 after ?timeout)
    linux_x86: bool = True  # ELSER default model id .elser_model_2_linux-x86_64
    eis: bool = False  # the Elastic Inference Service is available (always on Serverless)
    latency: float = 0.0  # added to every Elasticsearch request, seconds
    request_log_size: int = 10000
    verbose: bool = False  # log each request to stderr


def new_cluster_uuid() -> str:
    """A cluster uuid as Elasticsearch makes one at bootstrap: 22 URL-safe base64 characters."""
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()


class Emulator:
    """A stand-in Elasticsearch cluster for the inference API, on 127.0.0.1 by default.

    ``Emulator(EmulatorConfig(...))`` or ``Emulator(port=0, version="9.1.0")``; use as a
    context manager or call :meth:`start` / :meth:`stop`.
    """

    def __init__(self, config: EmulatorConfig | None = None, /, **overrides: Any) -> None:
        base = config or EmulatorConfig()
        self.config = dataclasses.replace(base, **overrides) if overrides else base
        self.cluster_uuid = self.config.cluster_uuid or new_cluster_uuid()
        self.faults = Faults()
        self.faults.global_latency = self.config.latency
        self.state = State(settings=self._fresh_settings())
        self.state.log = RequestLog(self.config.request_log_size)
        self._auth = Authenticator(
            self.config.api_keys, self.config.users, self.config.bearer_tokens
        )
        self.api = Api(self.state, self.faults, self._auth)
        self._control = Control(self.state, self.faults, self.api, self.reset)
        self._server: EmulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def _fresh_settings(self) -> Settings:
        c = self.config
        return Settings(
            version=c.version,
            build_flavor=c.build_flavor,
            cluster_name=c.cluster_name,
            cluster_uuid=self.cluster_uuid,
            deployment_seconds=c.deployment_seconds,
            put_waits_for_deployment=c.put_waits_for_deployment,
            linux_x86=c.linux_x86,
            eis=c.eis,
        )

    # ------------------------------------------------------------------ lifecycle
    def _ssl_context(self) -> ssl.SSLContext | None:
        if self.config.tls_cert is None:
            if self.config.tls_key is not None:
                raise ValueError("tls_key given without tls_cert")
            return None
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.config.tls_cert, self.config.tls_key)
        return context

    def start(self) -> Emulator:
        if self._server is not None:
            return self
        self._server = EmulatorHTTPServer(
            (self.config.host, self.config.port),
            state=self.state,
            faults=self.faults,
            api=self.api,
            control=self._control,
            ssl_context=self._ssl_context(),
            verbose=self.config.verbose,
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"es-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def host(self) -> str:
        return self.config.host

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        return int(self._server.server_address[1])

    @property
    def scheme(self) -> str:
        return "https" if self.config.tls_cert is not None else "http"

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    # ------------------------------------------------------------------ test helpers
    @property
    def settings(self) -> Settings:
        return self.state.settings

    def set_version(self, version: str) -> None:
        with self.state.lock:
            self.state.settings.update({"version": version})

    def reset(self) -> None:
        """Forget endpoints, pipelines, indices, deployments, faults, the request log and
        runtime settings (back to the config)."""
        self.faults.clear()
        self.faults.global_latency = self.config.latency
        self._auth.api_keys[:] = Authenticator(self.config.api_keys).api_keys
        self.state.clear()
        with self.state.lock:
            self.state.settings = self._fresh_settings()

    def add_api_key(
        self, key: str, *, privileges: Sequence[str] = ("all",), name: str | None = None
    ) -> None:
        """Accept one more API key (as clients send it, or ``id:key``), as
        ``POST /_security/api_key`` would make one; :meth:`reset` forgets it. Refused
        (``ValueError``) on an emulator started open, which accepts any credentials."""
        self._auth.add_api_key(ApiKey(key, name=name, privileges=tuple(privileges)))

    def revoke_api_key(self, key: str) -> None:
        """Stop accepting an API key (given as clients send it, as ``id:key``, or by its id),
        as ``DELETE /_security/api_key`` would; :meth:`reset` accepts it again."""
        self._auth.revoke_api_key(key)

    def requests(self) -> list[JsonDict]:
        """The request log (Elasticsearch routes only), oldest first."""
        return self.state.log.entries()

    def clear_requests(self) -> None:
        self.state.log.clear()

    def endpoint(self, inference_id: str) -> JsonDict | None:
        """The endpoint as GET shows it, or ``None``."""
        with self.state.lock:
            ep = self.state.endpoints.get(inference_id)
            return None if ep is None else self.api.view(ep, live=True)

    def stored_secrets(self, inference_id: str) -> JsonDict:
        """The secrets stored apart for an endpoint (never answered over HTTP)."""
        with self.state.lock:
            ep = self.state.endpoints.get(inference_id)
            if ep is None:
                raise KeyError(inference_id)
            return dict(deep_copy(ep.secrets))

    def edit_endpoint(self, inference_id: str, **edit: Any) -> JsonDict:
        """Change a stored endpoint by hand (drift); see ``POST /_emulator/endpoints/{id}/edit``."""
        return self.api.edit_endpoint(inference_id, edit)

    def add_deployment(
        self,
        model_id: str,
        *,
        deployment_id: str | None = None,
        num_allocations: int | None = 1,
        num_threads: int = 1,
        adaptive_allocations: JsonDict | None = None,
    ) -> JsonDict:
        """Start a deployment as the trained models API would (for ``deployment_id``)."""
        deployment = self.api.models.start_deployment(
            model_id,
            deployment_id=deployment_id,
            num_allocations=num_allocations,
            num_threads=num_threads,
            adaptive_allocations=adaptive_allocations,
        )
        return deployment.stats()

    def finish_deployment(self, deployment_id: str) -> JsonDict:
        """Make a deployment started and fully allocated now, one that a ``never_ready`` fault
        holds included; see ``POST /_emulator/deployments/{id}/ready``."""
        return self.api.models.finish_deployment(deployment_id).stats()

    def scale_to_zero(self, deployment_id: str) -> JsonDict:
        """Send a deployment's adaptive allocations back to zero now; see
        ``POST /_emulator/deployments/{id}/scale_to_zero``."""
        return self.api.models.scale_to_zero(deployment_id).stats()
