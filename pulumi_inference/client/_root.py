"""``GET /``: what answered at the cluster's URL, as facts (whether that is Elasticsearch,
and which cluster, the core decides: ``operations/_identity.py``).

Elasticsearch answers ``GET /`` with its name, ``cluster_name``, ``cluster_uuid``, version
and tagline, and puts ``X-Elastic-Product: Elasticsearch`` on every answer, an error answer
included; a proxy may strip that header, never the body. ``GET /`` needs the ``monitor``
privilege: without it the answer is a 403 that still says who answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import ClusterError, ClusterRejectedError
from ._retry import RetryPolicy
from ._session import ClusterSession

PRODUCT_HEADER = "X-Elastic-Product"
SUBJECT = "cluster info"


@dataclass(frozen=True)
class ClusterRoot:
    """What ``GET /`` answered: its status, the product header (``None`` when absent), its
    JSON object (``{}`` when it sent none) and, for an answer that is not the cluster's info,
    the typed error it makes (``error``: what ``cluster_info`` raises)."""

    status: int
    product: str | None = None
    body: dict[str, Any] = field(default_factory=dict)
    error: ClusterError | None = None

    @property
    def definitive(self) -> bool:
        """Whether asking again in this process would get the same answer (not a 5xx)."""
        return self.status < 500


def read_root(session: ClusterSession, policy: RetryPolicy | None = None) -> ClusterRoot:
    """``GET /`` with the session's retries; raises only when nothing answered
    (``ClusterUnreachableError``, a TLS failure)."""
    exchange = session.send("GET", "/", subject=SUBJECT, policy=policy)
    response = exchange.response
    product = response.headers.get(PRODUCT_HEADER)
    try:
        parsed = response.json()
    except ValueError:
        parsed = None
    body = parsed if isinstance(parsed, dict) else {}
    error: ClusterError | None = None
    try:
        session.raise_for_status(exchange, subject=SUBJECT)
        if parsed is None:
            session.json(response, subject=SUBJECT)  # raises: the answer is not JSON
    except ClusterError as exc:
        error = _root_not_found(exc, session) if response.status_code == 404 else exc
    return ClusterRoot(response.status_code, product, body, error)


def _root_not_found(error: ClusterError, session: ClusterSession) -> ClusterError:
    """A 404 to ``GET /`` is a URL that is not the cluster's root (a path too many, a
    proxy's route), never an endpoint deleted outside Pulumi: its message says so."""
    said = f"{error.status} {error.error_type}" if error.error_type else f"{error.status}"
    return ClusterRejectedError(
        f"{SUBJECT} on {session.cluster}: GET / answered {said}: {error.reason}; the URL is "
        f"not the cluster's root: fix {session.connection.location_setting}",
        status=error.status,
        error_type=error.error_type,
        reason=error.reason,
    )
