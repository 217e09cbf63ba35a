"""HTTP calls to one cluster's inference API, with retries and typed errors.

Retries: 429 (honouring ``Retry-After``), 502, 503, 504 and transport failures are tried
again with exponential backoff and jitter until the policy's overall deadline; then the
last answer becomes a typed error naming the endpoint and the cluster.

Lost answers: a request that reached the cluster but whose answer never came back may have
been applied. Reads, updates (same body, same result) and deletes are simply sent again.
A create is not: :meth:`InferenceClient.put_endpoint` raises :class:`PossiblyAppliedError`
so the caller can look before creating again. A create answered 502/503/504 (a gateway that
may have given up after forwarding it) is sent again; if that second create finds the
endpoint already there, that also raises :class:`PossiblyAppliedError`.

Creates answer with a typed outcome (:class:`Created` or :class:`DeploymentPending`) or a
typed error (:class:`EndpointAlreadyExistsError` when the id is taken, and the rest of
``errors.py``); no caller sees an HTTP response.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from .._secrets import redact
from .._version import SERVERLESS, SERVERLESS_VERSION, parse_version
from ..connection import ClusterConnection
from ..errors import (
    ClusterError,
    ClusterRejectedError,
    ClusterUnreachableError,
    PossiblyAppliedError,
)
from ._errors import error_details, to_cluster_error
from ._retry import (
    MAYBE_APPLIED_STATUSES,
    RETRYABLE_STATUSES,
    Deadline,
    RetryPolicy,
    parse_retry_after,
)
from ._shared import ClusterReads
from ._transport import CONNECT_TIMEOUT, CREATE_READ_TIMEOUT, READ_TIMEOUT, build_http_client

log = logging.getLogger("pulumi_inference")

PASSING = {"ephemeral": True}
"""``extra`` of a progress record that is news only while it happens (a retry): the engine
shows it as progress and leaves it out of the Diagnostics it prints at the end, so a failure
after retries reads as its one error, not as the retries again."""

# Transport failures that prove the request never reached the cluster.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_TLS_MARKERS = (
    "CERTIFICATE_VERIFY_FAILED",
    "ssl_assert_fingerprint",
    "SSL:",
    "TLSV1_ALERT",
    "SSLV3_ALERT",
    "WRONG_VERSION_NUMBER",
    "CERTIFICATE_REQUIRED",
)


@dataclass(frozen=True)
class Created:
    """The cluster created the endpoint and answered with it."""

    endpoint: dict[str, Any]


@dataclass(frozen=True)
class DeploymentPending:
    """408: the cluster stored the endpoint but stopped waiting for its model deployment to
    start (``reason`` is the cluster's own words). The deployment goes on starting."""

    reason: str


CreateOutcome = Created | DeploymentPending


@dataclass(frozen=True)
class EndpointUsers:
    """What uses an endpoint: ingest pipelines and indexes with ``semantic_text`` fields."""

    pipelines: list[str]
    indexes: list[str]


@dataclass
class _Exchange:
    """One logical request: its final answer and how it got there."""

    response: httpx.Response
    attempts: int
    elapsed: float
    possibly_applied: bool  # an earlier attempt may have been applied without an answer


@dataclass
class _Attempts:
    """The tries of one logical request so far."""

    method: str
    path: str
    subject: str
    secrets: list[str]
    policy: RetryPolicy
    deadline: Deadline
    count: int = 0
    unreachable: Deadline | None = None  # since the first of consecutive refused connects
    possibly_applied: bool = False  # an earlier try may have been applied without an answer


def _is_tls_failure(exc: BaseException) -> bool:
    text = f"{exc} {exc.__cause__ or ''} {exc.__context__ or ''}"
    return any(marker in text for marker in _TLS_MARKERS)


class InferenceClient:
    """One cluster, one pooled httpx client. Safe to share between threads.

    ``policy``, ``transport``, ``sleep`` and ``clock`` are for tests and embedding; by
    default the policy comes from the environment (``PULUMI_INFERENCE_RETRY_DEADLINE``...).
    """

    def __init__(
        self,
        connection: ClusterConnection,
        *,
        policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.connection = connection
        self.policy = policy or RetryPolicy.from_environment()
        self._http = build_http_client(connection, transport)
        self._sleep = sleep
        self._clock = clock
        self._info: dict[str, Any] | None = None
        self._info_lock = threading.Lock()
        self._stats_lock = threading.Lock()
        self.reads = ClusterReads(self)  # reads shared per engine command (refresh)
        self.requests_sent = 0  # attempts, retries included
        self.retries = 0  # attempts after the first of each operation

    @property
    def cluster(self) -> str:
        return self.connection.display_url

    def close(self) -> None:
        self._http.close()

    # -- the inference API ------------------------------------------------------------

    def cluster_info(self, *, policy: RetryPolicy | None = None) -> dict[str, Any]:
        """``GET /``, read once per client (a failure is not remembered); ``policy``
        overrides the client's retry policy (a preview's look-up gives up sooner)."""
        with self._info_lock:
            if self._info is None:
                exchange = self._send("GET", "/", subject="cluster info", policy=policy)
                self._raise_for_status(exchange, subject="cluster info")
                info = self._json(exchange.response, subject="cluster info")
                self._info = info if isinstance(info, dict) else {}
            return self._info

    def cluster_privileges(
        self, privileges: Sequence[str], *, policy: RetryPolicy | None = None
    ) -> dict[str, bool] | None:
        """Which of the cluster ``privileges`` the credentials hold
        (``GET /_security/user/_has_privileges``, which any authenticated user may ask);
        ``None`` when the cluster cannot say (security off, or no such API)."""
        subject = "privileges"
        exchange = self._send(
            "GET",
            "/_security/user/_has_privileges",
            subject=subject,
            json={"cluster": list(privileges)},
            policy=policy,
        )
        if _cannot_say(exchange.response):
            return None
        self._raise_for_status(exchange, subject=subject)
        body = self._json(exchange.response, subject=subject)
        held = body.get("cluster") if isinstance(body, dict) else None
        if not isinstance(held, dict):
            return None
        return {name: held.get(name) is True for name in privileges}

    def cluster_version(self) -> tuple[int, int, int]:
        """The version ``GET /`` reports; Serverless's is ``SERVERLESS_VERSION`` (newest)."""
        version = self.cluster_info().get("version") or {}
        if not isinstance(version, dict):
            return (0, 0, 0)
        if version.get("build_flavor") == SERVERLESS:
            return SERVERLESS_VERSION
        return parse_version(str(version.get("number", "0.0.0"))) or (0, 0, 0)

    def get_endpoint(self, task_type: str, inference_id: str) -> dict[str, Any] | None:
        subject = _subject(inference_id)
        exchange = self._send("GET", _path(task_type, inference_id), subject=subject)
        if exchange.response.status_code == 404:
            return None
        self._raise_for_status(exchange, subject=subject)
        return self._one_of(self._json(exchange.response, subject=subject), inference_id)

    @staticmethod
    def _one_of(body: Any, inference_id: str) -> dict[str, Any] | None:
        endpoints = body.get("endpoints", []) if isinstance(body, dict) else []
        return next(
            (e for e in endpoints if isinstance(e, dict) and e.get("inference_id") == inference_id),
            None,
        )

    def find_endpoint(self, inference_id: str) -> dict[str, Any] | None:
        """``GET /_inference/{inference_id}``: the endpoint whatever its task type, or None."""
        subject = _subject(inference_id)
        exchange = self._send("GET", f"/_inference/{quote(inference_id, safe='')}", subject=subject)
        if exchange.response.status_code == 404:
            return None
        self._raise_for_status(exchange, subject=subject)
        return self._one_of(self._json(exchange.response, subject=subject), inference_id)

    def list_endpoints(self) -> list[dict[str, Any]]:
        """``GET /_inference/_all``: every endpoint, the preconfigured ones included."""
        subject = "the inference endpoints"
        exchange = self._send("GET", "/_inference/_all", subject=subject)
        self._raise_for_status(exchange, subject=subject)
        body = self._json(exchange.response, subject=subject)
        endpoints = body.get("endpoints", []) if isinstance(body, dict) else []
        return [endpoint for endpoint in endpoints if isinstance(endpoint, dict)]

    def put_endpoint(
        self,
        task_type: str,
        inference_id: str,
        body: Mapping[str, Any],
        secrets: Iterable[str],
        *,
        timeout: float | None = None,
    ) -> CreateOutcome:
        """Send the create; ``timeout`` (seconds) is sent as ``?timeout``, how long the
        cluster waits (for a model deployment to start); the caller checks the version.

        Raises :class:`PossiblyAppliedError` when the cluster may have created the endpoint
        without the answer reaching us (see the module documentation), and
        :class:`EndpointAlreadyExistsError` when the id is taken.
        """
        subject = _subject(inference_id)
        secrets = list(secrets)
        exchange = self._send(
            "PUT",
            _path(task_type, inference_id),
            subject=subject,
            json=dict(body),
            secrets=secrets,
            params=_timeout_param(timeout),
            resend_unanswered=False,
            read_timeout=max(CREATE_READ_TIMEOUT, (timeout or 0) + TIMEOUT_MARGIN),
        )
        response = exchange.response
        if exchange.possibly_applied and _already_exists(response):
            raise PossiblyAppliedError(
                f"{subject} on {self.cluster}: an earlier attempt of this create was answered "
                "by a gateway error and the retry found the endpoint already there; it was "
                "probably created by that earlier attempt"
            )
        if response.status_code == 408:
            _, reason = error_details(response)
            if "deployment" in reason:
                return DeploymentPending(redact(reason, self._hidden(secrets)))
        self._raise_for_status(exchange, subject=subject, secrets=secrets)
        created = self._json(response, subject=subject)
        return Created(created if isinstance(created, dict) else {})

    def update_endpoint(
        self,
        task_type: str,
        inference_id: str,
        body: Mapping[str, Any],
        secrets: Iterable[str],
        *,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """``_update``; sent again when an answer is lost (the same update twice is one).
        ``timeout`` is sent as ``?timeout`` (9.5+ only: the caller checks the version)."""
        subject = _subject(inference_id)
        secrets = list(secrets)
        exchange = self._send(
            "PUT",
            _path(task_type, inference_id) + "/_update",
            subject=subject,
            json=dict(body),
            secrets=secrets,
            params=_timeout_param(timeout),
            read_timeout=max(READ_TIMEOUT, (timeout or 0) + TIMEOUT_MARGIN),
        )
        self._raise_for_status(exchange, subject=subject, secrets=secrets)
        result = self._json(exchange.response, subject=subject)
        return result if isinstance(result, dict) else {}

    def delete_endpoint(self, task_type: str, inference_id: str, *, force: bool) -> bool:
        """Delete; ``False`` when the endpoint was already gone.

        A delete whose answer was lost is sent again; if the endpoint is then gone, the lost
        attempt deleted it and the answer is ``True``.
        """
        subject = _subject(inference_id)
        params = {"force": "true"} if force else None
        exchange = self._send(
            "DELETE", _path(task_type, inference_id), subject=subject, params=params
        )
        if exchange.response.status_code == 404:
            if exchange.possibly_applied:
                log.info("%s: deleted (the answer to an earlier attempt was lost)", subject)
            return exchange.possibly_applied
        self._raise_for_status(exchange, subject=subject)
        return True

    def endpoint_users(
        self, task_type: str, inference_id: str, *, policy: RetryPolicy | None = None
    ) -> EndpointUsers | None:
        """``DELETE ...?dry_run=true``: who uses the endpoint; nothing is deleted.

        ``None`` when the endpoint does not exist. Only for clusters of 8.15 or newer (older
        ones do not know ``dry_run``); the caller checks the version. ``policy`` overrides the
        client's retries for this call (a preview's look-up should not wait a minute).
        """
        subject = _subject(inference_id)
        exchange = self._send(
            "DELETE",
            _path(task_type, inference_id),
            subject=subject,
            params={"dry_run": "true"},
            policy=policy,
        )
        if exchange.response.status_code == 404:
            return None
        self._raise_for_status(exchange, subject=subject)
        body = self._json(exchange.response, subject=subject)
        body = body if isinstance(body, dict) else {}
        return EndpointUsers(
            pipelines=[str(name) for name in body.get("pipelines") or []],
            indexes=[str(name) for name in body.get("indexes") or []],
        )

    def all_model_stats(self) -> dict[str, Any]:
        """``GET /_ml/trained_models/_all/_stats``: every model's and deployment's stats."""
        subject = "the trained models"
        exchange = self._send(
            "GET", "/_ml/trained_models/_all/_stats", subject=subject, params={"size": "10000"}
        )
        if exchange.response.status_code == 404:
            return {}
        self._raise_for_status(exchange, subject=subject)
        stats = self._json(exchange.response, subject=subject)
        return stats if isinstance(stats, dict) else {}

    def trained_model_stats(self, model_id: str) -> dict[str, Any] | None:
        """``GET /_ml/trained_models/{id}/_stats``; ``None`` when no such model/deployment."""
        subject = f"deployment '{model_id}'"
        exchange = self._send(
            "GET", f"/_ml/trained_models/{quote(model_id, safe='')}/_stats", subject=subject
        )
        if exchange.response.status_code == 404:
            return None
        self._raise_for_status(exchange, subject=subject)
        stats = self._json(exchange.response, subject=subject)
        return stats if isinstance(stats, dict) else None

    # -- errors -----------------------------------------------------------------------

    def _hidden(self, secrets: Iterable[str] = ()) -> list[str]:
        """Every value that must never appear in a message."""
        return [*self.connection.secret_values(), *secrets]

    def _raise_for_status(
        self, exchange: _Exchange, *, subject: str, secrets: Iterable[str] = ()
    ) -> None:
        response = exchange.response
        if response.status_code < 400:
            return
        error = to_cluster_error(
            response,
            subject=subject,
            cluster=self.cluster,
            attempts=exchange.attempts,
            elapsed=exchange.elapsed,
        )
        hidden = self._hidden(secrets)
        raise type(error)(
            redact(str(error), hidden),
            **_error_kwargs(error, hidden),
        ) from None

    def _json(self, response: httpx.Response, *, subject: str) -> Any:
        try:
            return response.json()
        except ValueError:
            _, text = error_details(response)
            raise ClusterRejectedError(
                f"{subject} on {self.cluster}: the answer ({response.status_code}) is not JSON; "
                "is this URL an Elasticsearch cluster (not Kibana or a proxy's page)? "
                f"It began: {redact(text[:200], self._hidden())!r}",
                status=response.status_code,
                reason=redact(text[:200], self._hidden()),
            ) from None

    # -- plumbing ----------------------------------------------------------------------

    def _count(self, retry: bool) -> None:
        with self._stats_lock:
            self.requests_sent += 1
            if retry:
                self.retries += 1

    def _timeout(self, deadline: Deadline, read: float) -> httpx.Timeout:
        """Connecting never outlasts the retry deadline; reading may (a create can take long)."""
        connect = min(CONNECT_TIMEOUT, max(deadline.remaining(), 0.5))
        return httpx.Timeout(connect=connect, read=read, write=30.0, pool=max(connect, 5.0))

    def _send(
        self,
        method: str,
        path: str,
        *,
        subject: str,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        secrets: Iterable[str] = (),
        resend_unanswered: bool = True,
        read_timeout: float = READ_TIMEOUT,
        policy: RetryPolicy | None = None,
    ) -> _Exchange:
        policy = policy or self.policy
        run = _Attempts(
            method, path, subject, list(secrets), policy, Deadline(policy.deadline, self._clock)
        )
        with self.reads.changing(method != "GET"):
            while True:
                run.count += 1
                self._count(retry=run.count > 1)
                try:
                    response = self._http.request(
                        method,
                        path,
                        json=json,
                        params=params,
                        timeout=self._timeout(run.deadline, read_timeout),
                    )
                except httpx.TransportError as exc:
                    self._sleep(self._wait_after_failure(run, exc, resend_unanswered))
                    continue
                run.unreachable = None
                wait = self._wait_after_answer(run, response)
                if wait is None:
                    elapsed = run.deadline.elapsed()
                    return _Exchange(response, run.count, elapsed, run.possibly_applied)
                response.close()
                self._sleep(wait)

    def _wait_after_failure(
        self, run: _Attempts, exc: httpx.TransportError, resend_unanswered: bool
    ) -> float:
        """How long to wait before sending again after ``exc``; raises when it must not."""
        reason = redact(f"{type(exc).__name__}: {exc}", self._hidden(run.secrets))
        if _is_tls_failure(exc):
            raise ClusterUnreachableError(self._tls_message(run.subject, reason)) from None
        sent = not isinstance(exc, _NOT_SENT)
        if sent and not resend_unanswered:
            raise PossiblyAppliedError(
                f"{run.subject} on {self.cluster}: the answer to {run.method} {run.path} was "
                f"lost ({reason}); the cluster may have applied it"
            ) from None
        run.possibly_applied = run.possibly_applied or sent
        if sent:
            run.unreachable = None
        elif run.unreachable is None:
            run.unreachable = Deadline(run.policy.unreachable_deadline, self._clock)
        wait = run.policy.delay(run.count, None)
        if run.deadline.allows(wait) and (run.unreachable is None or run.unreachable.allows(wait)):
            log.info(
                "%s: %s %s failed (%s); retrying in %.2fs",
                run.subject,
                run.method,
                run.path,
                reason,
                wait,
                extra=PASSING,
            )
            return wait
        raise ClusterUnreachableError(
            f"{run.subject} on {self.cluster}: could not reach the cluster after {run.count} "
            f"attempt(s) over {run.deadline.elapsed():.1f}s (last error: {reason}). Check "
            "the URL and that the cluster is up and reachable from here; retries stop "
            f"after PULUMI_INFERENCE_RETRY_DEADLINE ({run.policy.deadline:g}s), or "
            "PULUMI_INFERENCE_UNREACHABLE_DEADLINE "
            f"({run.policy.unreachable_deadline:g}s) of refused connections."
        ) from None

    def _wait_after_answer(self, run: _Attempts, response: httpx.Response) -> float | None:
        """How long to wait before sending again after ``response``; ``None``: it is final."""
        status = response.status_code
        if status not in RETRYABLE_STATUSES:
            return None
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        wait = run.policy.delay(run.count, retry_after)
        if not run.deadline.allows(wait):
            return None
        run.possibly_applied = run.possibly_applied or status in MAYBE_APPLIED_STATUSES
        log.info(
            "%s: %s %s answered %d; retrying in %.2fs%s",
            run.subject,
            run.method,
            run.path,
            status,
            wait,
            " (as Retry-After asks)" if retry_after is not None else "",
            extra=PASSING,
        )
        return wait

    def _tls_message(self, subject: str, reason: str) -> str:
        if "WRONG_VERSION_NUMBER" in reason:
            hint = (
                "The server does not speak TLS on this port: check the URL's scheme "
                "(http:// or https://) and port."
            )
        elif "CERTIFICATE_REQUIRED" in reason or "certificate required" in reason:
            hint = (
                "The cluster requires a client certificate (mutual TLS): set connection "
                "client_cert and client_key (paths or PEM text)."
            )
        elif self.connection.ssl_assert_fingerprint:
            hint = (
                "The server's certificate does not match connection.ssl_assert_fingerprint; "
                "check the fingerprint (SHA-256 of the server or CA certificate, e.g. "
                "`openssl x509 -noout -fingerprint -sha256 -in http_ca.crt`)."
            )
        else:
            hint = (
                "If the cluster uses a private CA (as self-managed Elasticsearch does by "
                "default), give it as connection ca_certs (a path or the PEM text, e.g. "
                "config/certs/http_ca.crt) or pin it with ssl_assert_fingerprint."
            )
        return f"{subject} on {self.cluster}: TLS handshake failed ({reason}). {hint}"


def _already_exists(response: httpx.Response) -> bool:
    if response.status_code != 400:
        return False
    error_type, _ = error_details(response)
    return error_type == "resource_already_exists_exception"


def _path(task_type: str, inference_id: str) -> str:
    return f"/_inference/{quote(task_type, safe='')}/{quote(inference_id, safe='')}"


TIMEOUT_MARGIN = 30.0
"""Seconds the client waits for an answer beyond the ``?timeout`` the cluster was given."""


def _timeout_param(seconds: float | None) -> dict[str, str] | None:
    """``?timeout`` in the cluster's time units: whole seconds, rounded up."""
    if seconds is None:
        return None
    return {"timeout": f"{max(1, math.ceil(seconds))}s"}


def _subject(inference_id: str) -> str:
    return f"inference endpoint '{inference_id}'"


def _error_kwargs(error: ClusterError, hidden: list[str]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "status": error.status,
        "error_type": error.error_type,
        "reason": redact(error.reason or "", hidden),
    }
    for extra in ("pipelines", "indexes"):
        if hasattr(error, extra):
            kwargs[extra] = getattr(error, extra)
    return kwargs


def _cannot_say(response: httpx.Response) -> bool:
    """A privileges answer that says nothing about them: no such API (a proxy, an old or
    stripped-down cluster), or security off ("Security must be explicitly enabled ..."),
    where every request is allowed."""
    status = response.status_code
    if status in (404, 405, 410):
        return True
    if status not in (400, 500):
        return False
    _, text = error_details(response)
    lowered = text.lower()
    return ("security" in lowered and "enabled" in lowered) or "no handler found" in lowered
