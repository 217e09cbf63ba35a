"""The calls of one cluster's inference API, each a request and what its answer means.

How a request is sent (retries, deadlines, lost answers, TLS diagnosis) and how an error
answer becomes a typed error is :class:`ClusterSession`'s job (``_session.py``).

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
from ..errors import PossiblyAppliedError
from ._errors import error_details
from ._retry import RetryPolicy
from ._root import ClusterRoot, read_root
from ._session import ClusterSession
from ._shared import ClusterReads
from ._transport import CREATE_READ_TIMEOUT, READ_TIMEOUT

log = logging.getLogger("pulumi_inference")


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
        self._root: ClusterRoot | None = None
        self._root_lock = threading.Lock()
        self.reads = ClusterReads(self)  # reads shared per engine command (refresh)
        self._session = ClusterSession(
            connection,
            policy=policy or RetryPolicy.from_environment(),
            changing=self.reads.changing,
            transport=transport,
            sleep=sleep,
            clock=clock,
        )

    @property
    def policy(self) -> RetryPolicy:
        return self._session.policy

    @policy.setter
    def policy(self, policy: RetryPolicy) -> None:
        self._session.policy = policy

    @property
    def requests_sent(self) -> int:
        """Attempts sent, retries included."""
        return self._session.requests_sent

    @property
    def retries(self) -> int:
        """Attempts after the first of each operation."""
        return self._session.retries

    @property
    def cluster(self) -> str:
        return self.connection.display_url

    def close(self) -> None:
        self._session.close()

    # -- the inference API ------------------------------------------------------------

    def cluster_root(self, *, policy: RetryPolicy | None = None) -> ClusterRoot:
        """What ``GET /`` answered, asked once per client (an answer of 5xx, or none, is not
        remembered); ``policy`` overrides the client's retry policy (a preview's look-up
        gives up sooner)."""
        with self._root_lock:
            if self._root is None:
                root = read_root(self._session, policy)
                if not root.definitive:
                    return root
                self._root = root
            return self._root

    def cluster_info(self, *, policy: RetryPolicy | None = None) -> dict[str, Any]:
        """``GET /``'s cluster info (:meth:`cluster_root`); its error when it answered none."""
        root = self.cluster_root(policy=policy)
        if root.error is not None:
            raise root.error
        return root.body

    def cluster_privileges(
        self, privileges: Sequence[str], *, policy: RetryPolicy | None = None
    ) -> dict[str, bool] | None:
        """Which of the cluster ``privileges`` the credentials hold
        (``GET /_security/user/_has_privileges``, which any authenticated user may ask);
        ``None`` when the cluster cannot say (security off, or no such API)."""
        subject = "privileges"
        exchange = self._session.send(
            "GET",
            "/_security/user/_has_privileges",
            subject=subject,
            json={"cluster": list(privileges)},
            policy=policy,
        )
        if _cannot_say(exchange.response):
            return None
        self._session.raise_for_status(exchange, subject=subject)
        body = self._session.json(exchange.response, subject=subject)
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
        exchange = self._session.send("GET", _path(task_type, inference_id), subject=subject)
        if exchange.response.status_code == 404:
            return None
        self._session.raise_for_status(exchange, subject=subject)
        return self._one_of(self._session.json(exchange.response, subject=subject), inference_id)

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
        exchange = self._session.send(
            "GET", f"/_inference/{quote(inference_id, safe='')}", subject=subject
        )
        if exchange.response.status_code == 404:
            return None
        self._session.raise_for_status(exchange, subject=subject)
        return self._one_of(self._session.json(exchange.response, subject=subject), inference_id)

    def list_endpoints(self) -> list[dict[str, Any]]:
        """``GET /_inference/_all``: every endpoint, the preconfigured ones included."""
        subject = "the inference endpoints"
        exchange = self._session.send("GET", "/_inference/_all", subject=subject)
        self._session.raise_for_status(exchange, subject=subject)
        body = self._session.json(exchange.response, subject=subject)
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
        exchange = self._session.send(
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
                return DeploymentPending(redact(reason, self._session.hidden(secrets)))
        self._session.raise_for_status(exchange, subject=subject, secrets=secrets)
        created = self._session.json(response, subject=subject)
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
        exchange = self._session.send(
            "PUT",
            _path(task_type, inference_id) + "/_update",
            subject=subject,
            json=dict(body),
            secrets=secrets,
            params=_timeout_param(timeout),
            read_timeout=max(READ_TIMEOUT, (timeout or 0) + TIMEOUT_MARGIN),
        )
        self._session.raise_for_status(exchange, subject=subject, secrets=secrets)
        result = self._session.json(exchange.response, subject=subject)
        return result if isinstance(result, dict) else {}

    def delete_endpoint(self, task_type: str, inference_id: str, *, force: bool) -> bool:
        """Delete; ``False`` when the endpoint was already gone.

        A delete whose answer was lost is sent again; if the endpoint is then gone, the lost
        attempt deleted it and the answer is ``True``.
        """
        subject = _subject(inference_id)
        params = {"force": "true"} if force else None
        exchange = self._session.send(
            "DELETE", _path(task_type, inference_id), subject=subject, params=params
        )
        if exchange.response.status_code == 404:
            if exchange.possibly_applied:
                log.info("%s: deleted (the answer to an earlier attempt was lost)", subject)
            return exchange.possibly_applied
        self._session.raise_for_status(exchange, subject=subject)
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
        exchange = self._session.send(
            "DELETE",
            _path(task_type, inference_id),
            subject=subject,
            params={"dry_run": "true"},
            policy=policy,
        )
        if exchange.response.status_code == 404:
            return None
        self._session.raise_for_status(exchange, subject=subject)
        body = self._session.json(exchange.response, subject=subject)
        body = body if isinstance(body, dict) else {}
        return EndpointUsers(
            pipelines=[str(name) for name in body.get("pipelines") or []],
            indexes=[str(name) for name in body.get("indexes") or []],
        )

    def all_model_stats(self) -> dict[str, Any]:
        """``GET /_ml/trained_models/_all/_stats``: every model's and deployment's stats."""
        subject = "the trained models"
        exchange = self._session.send(
            "GET", "/_ml/trained_models/_all/_stats", subject=subject, params={"size": "10000"}
        )
        if exchange.response.status_code == 404:
            return {}
        self._session.raise_for_status(exchange, subject=subject)
        stats = self._session.json(exchange.response, subject=subject)
        return stats if isinstance(stats, dict) else {}

    def trained_model_stats(self, model_id: str) -> dict[str, Any] | None:
        """``GET /_ml/trained_models/{id}/_stats``; ``None`` when no such model/deployment."""
        subject = f"deployment '{model_id}'"
        exchange = self._session.send(
            "GET", f"/_ml/trained_models/{quote(model_id, safe='')}/_stats", subject=subject
        )
        if exchange.response.status_code == 404:
            return None
        self._session.raise_for_status(exchange, subject=subject)
        stats = self._session.json(exchange.response, subject=subject)
        return stats if isinstance(stats, dict) else None


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
