"""Sending one request to a cluster until it has a final answer, and reading that answer's
errors: the plumbing under every call of :class:`InferenceClient`.

Retries: 429 (honouring ``Retry-After``), 502, 503, 504 and transport failures are tried
again with exponential backoff and jitter until the policy's overall deadline; then the
last answer becomes a typed error naming the subject and the cluster. A TLS failure is not
tried again: it becomes one error saying what to check (scheme and port, client
certificate, fingerprint, private CA). Every message is redacted of the connection's
secrets and the request's.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import httpx

from .._secrets import redact
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
from ._transport import CONNECT_TIMEOUT, READ_TIMEOUT, build_http_client

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


@dataclass
class Exchange:
    """One logical request: its final answer and how it got there."""

    response: httpx.Response
    attempts: int
    elapsed: float
    possibly_applied: bool  # an earlier attempt may have been applied without an answer
    policy: RetryPolicy  # the retries it was sent with


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


class ClusterSession:
    """One cluster's pooled httpx client, the retry policy and the counts of requests sent.
    Safe to share between threads. ``changing(changes)`` wraps each request (the shared
    reads drop their answers around one that may change the cluster)."""

    def __init__(
        self,
        connection: ClusterConnection,
        *,
        policy: RetryPolicy,
        changing: Callable[[bool], AbstractContextManager[None]],
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.connection = connection
        self.policy = policy
        self._changing = changing
        self._http = build_http_client(connection, transport)
        self._sleep = sleep
        self._clock = clock
        self._stats_lock = threading.Lock()
        self.requests_sent = 0  # attempts, retries included
        self.retries = 0  # attempts after the first of each operation

    @property
    def cluster(self) -> str:
        return self.connection.display_url

    def close(self) -> None:
        self._http.close()

    # -- errors -----------------------------------------------------------------------

    def hidden(self, secrets: Iterable[str] = ()) -> list[str]:
        """Every value that must never appear in a message."""
        return [*self.connection.secret_values(), *secrets]

    def raise_for_status(
        self, exchange: Exchange, *, subject: str, secrets: Iterable[str] = ()
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
            credentials=self.connection.credentials_setting if self.connection.settings else None,
            policy=exchange.policy,
        )
        hidden = self.hidden(secrets)
        raise type(error)(
            redact(str(error), hidden),
            **_error_kwargs(error, hidden),
        ) from None

    def json(self, response: httpx.Response, *, subject: str) -> Any:
        try:
            return response.json()
        except ValueError:
            _, text = error_details(response)
            raise ClusterRejectedError(
                f"{subject} on {self.cluster}: the answer ({response.status_code}) is not JSON; "
                "is this URL an Elasticsearch cluster (not Kibana or a proxy's page)? "
                f"It began: {redact(text[:200], self.hidden())!r}",
                status=response.status_code,
                reason=redact(text[:200], self.hidden()),
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

    def send(
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
    ) -> Exchange:
        policy = policy or self.policy
        run = _Attempts(
            method, path, subject, list(secrets), policy, Deadline(policy.deadline, self._clock)
        )
        with self._changing(method != "GET"):
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
                    return Exchange(response, run.count, elapsed, run.possibly_applied, run.policy)
                response.close()
                self._sleep(wait)

    def _wait_after_failure(
        self, run: _Attempts, exc: httpx.TransportError, resend_unanswered: bool
    ) -> float:
        """How long to wait before sending again after ``exc``; raises when it must not."""
        reason = redact(f"{type(exc).__name__}: {exc}", self.hidden(run.secrets))
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
            f"the URL and that the cluster is up and reachable from here; {run.policy.stops()}."
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
        setting = self.connection.setting
        if "WRONG_VERSION_NUMBER" in reason:
            hint = (
                "The server does not speak TLS on this port: check the URL's scheme "
                f"(http:// or https://) and port ({setting('url')})."
            )
        elif "CERTIFICATE_REQUIRED" in reason or "certificate required" in reason:
            hint = (
                "The cluster requires a client certificate (mutual TLS): set "
                f"{setting('client_cert')} and {setting('client_key')} (paths or PEM text)."
            )
        elif self.connection.ssl_assert_fingerprint:
            hint = (
                "The server's certificate does not match "
                f"{setting('ssl_assert_fingerprint')}; check the fingerprint (SHA-256 of the "
                "server or CA certificate, e.g. "
                "`openssl x509 -noout -fingerprint -sha256 -in http_ca.crt`)."
            )
        elif self.connection.ca_certs:
            hint = (
                f"The private CA given as {setting('ca_certs')} does not verify the server's "
                "certificate: give the CA that signed it (a path or the PEM text, e.g. "
                f"config/certs/http_ca.crt), or pin it with {setting('ssl_assert_fingerprint')}."
            )
        else:
            hint = (
                "If the cluster uses a private CA (as self-managed Elasticsearch does by "
                f"default), give it as {setting('ca_certs')} (a path or the PEM text, e.g. "
                f"config/certs/http_ca.crt) or pin it with {setting('ssl_assert_fingerprint')}."
            )
        return f"{subject} on {self.cluster}: TLS handshake failed ({reason}). {hint}"


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
