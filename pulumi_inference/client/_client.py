"""HTTP calls to one cluster's inference API, with retries and typed errors."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote

import httpx

from .._redact import redact
from ..connection import ClusterConnection
from ..errors import ClusterError, ClusterUnreachableError
from ._errors import to_cluster_error
from ._retry import RETRYABLE_STATUSES, Deadline, RetryPolicy, parse_retry_after
from ._transport import build_http_client

log = logging.getLogger("pulumi_inference")

# Transport failures that prove the request never reached the cluster.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class PossiblyAppliedError(ClusterUnreachableError):
    """The request was sent but its answer was lost: the cluster may have acted on it."""


def _is_tls_failure(exc: BaseException) -> bool:
    text = f"{exc} {exc.__cause__ or ''} {exc.__context__ or ''}"
    return any(
        marker in text
        for marker in ("CERTIFICATE_VERIFY_FAILED", "ssl_assert_fingerprint", "SSL:", "TLSV1_ALERT")
    )


def parse_version(number: str) -> tuple[int, int, int]:
    parts = (number.split("-")[0].split(".") + ["0", "0", "0"])[:3]
    try:
        return (int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return (0, 0, 0)


class InferenceClient:
    """One cluster, one pooled httpx client. Safe to share between threads."""

    def __init__(
        self,
        connection: ClusterConnection,
        *,
        policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.connection = connection
        self.policy = policy or RetryPolicy.from_environment()
        self._http = build_http_client(connection, transport)
        self._sleep = sleep
        self._info: dict[str, Any] | None = None
        self._info_lock = threading.Lock()

    @property
    def cluster(self) -> str:
        return self.connection.display_url

    def close(self) -> None:
        self._http.close()

    # -- the inference API ------------------------------------------------------------

    def cluster_info(self) -> dict[str, Any]:
        """``GET /``, read once per client."""
        with self._info_lock:
            if self._info is None:
                response = self._send("GET", "/", subject="cluster info")
                self._raise_for_status(response, subject="cluster info")
                self._info = response.json()
            return self._info

    def cluster_version(self) -> tuple[int, int, int]:
        version = self.cluster_info().get("version", {})
        return parse_version(str(version.get("number", "0.0.0")))

    def get_endpoint(self, task_type: str, inference_id: str) -> dict[str, Any] | None:
        subject = _subject(inference_id)
        response = self._send("GET", _path(task_type, inference_id), subject=subject)
        if response.status_code == 404:
            return None
        self._raise_for_status(response, subject=subject)
        endpoints = response.json().get("endpoints", [])
        return next((e for e in endpoints if e.get("inference_id") == inference_id), None)

    def put_endpoint(
        self, task_type: str, inference_id: str, body: Mapping[str, Any], secrets: Iterable[str]
    ) -> httpx.Response:
        """Send the create. Answers are returned raw (408 is not an error for deployments).

        Raises :class:`PossiblyAppliedError` when the answer was lost after sending.
        """
        subject = _subject(inference_id)
        return self._send(
            "PUT",
            _path(task_type, inference_id),
            subject=subject,
            json=dict(body),
            secrets=secrets,
            resend_unanswered=False,
        )

    def update_endpoint(
        self, task_type: str, inference_id: str, body: Mapping[str, Any], secrets: Iterable[str]
    ) -> dict[str, Any]:
        subject = _subject(inference_id)
        secrets = list(secrets)
        response = self._send(
            "PUT",
            _path(task_type, inference_id) + "/_update",
            subject=subject,
            json=dict(body),
            secrets=secrets,
        )
        self._raise_for_status(response, subject=subject, secrets=secrets)
        result: dict[str, Any] = response.json()
        return result

    def delete_endpoint(self, task_type: str, inference_id: str, *, force: bool) -> bool:
        """Delete; ``False`` when the endpoint was already gone."""
        subject = _subject(inference_id)
        params = {"force": "true"} if force else None
        response = self._send("DELETE", _path(task_type, inference_id), subject=subject, params=params)
        if response.status_code == 404:
            return False
        self._raise_for_status(response, subject=subject)
        return True

    def trained_model_stats(self, model_id: str) -> dict[str, Any] | None:
        subject = f"deployment '{model_id}'"
        response = self._send("GET", f"/_ml/trained_models/{quote(model_id, safe='')}/_stats", subject=subject)
        if response.status_code == 404:
            return None
        self._raise_for_status(response, subject=subject)
        stats: dict[str, Any] = response.json()
        return stats

    # -- plumbing ----------------------------------------------------------------------

    def raise_for_status(
        self, response: httpx.Response, *, inference_id: str, secrets: Iterable[str] = ()
    ) -> None:
        self._raise_for_status(response, subject=_subject(inference_id), secrets=secrets)

    def _raise_for_status(
        self, response: httpx.Response, *, subject: str, secrets: Iterable[str] = ()
    ) -> None:
        if response.status_code < 400:
            return
        error = to_cluster_error(response, subject=subject, cluster=self.cluster)
        hidden = [*self.connection.secret_values(), *secrets]
        raise type(error)(
            redact(str(error), hidden),
            **_error_kwargs(error, hidden),
        ) from None

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
    ) -> httpx.Response:
        deadline = Deadline(self.policy.deadline)
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._http.request(method, path, json=json, params=params)
            except httpx.TransportError as exc:
                hidden = [*self.connection.secret_values(), *secrets]
                reason = redact(f"{type(exc).__name__}: {exc}", hidden)
                if _is_tls_failure(exc):
                    raise ClusterUnreachableError(
                        f"{subject} on {self.cluster}: TLS handshake failed ({reason}). If the "
                        "cluster uses a private CA, give it as connection ca_certs (a path or "
                        "the PEM text) or pin it with ssl_assert_fingerprint."
                    ) from None
                if not isinstance(exc, _NOT_SENT) and not resend_unanswered:
                    raise PossiblyAppliedError(
                        f"{subject} on {self.cluster}: the answer to {method} {path} was lost "
                        f"({reason})"
                    ) from None
                wait = self.policy.delay(attempt, None)
                if deadline.allows(wait):
                    log.info("%s: %s %s failed (%s); retrying in %.1fs", subject, method, path, reason, wait)
                    self._sleep(wait)
                    continue
                raise ClusterUnreachableError(
                    f"{subject} on {self.cluster}: could not reach the cluster after {attempt} "
                    f"attempt(s) over {time.monotonic() - started:.0f}s ({reason}). Check the URL "
                    "and that the cluster is up; the deadline is PULUMI_INFERENCE_RETRY_DEADLINE "
                    f"({self.policy.deadline:.0f}s)."
                ) from None
            if response.status_code in RETRYABLE_STATUSES:
                wait = self.policy.delay(attempt, parse_retry_after(response.headers.get("Retry-After")))
                if deadline.allows(wait):
                    log.info(
                        "%s: %s %s answered %d; retrying in %.1fs",
                        subject, method, path, response.status_code, wait,
                    )
                    self._sleep(wait)
                    continue
            return response


def _path(task_type: str, inference_id: str) -> str:
    return f"/_inference/{quote(task_type, safe='')}/{quote(inference_id, safe='')}"


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
