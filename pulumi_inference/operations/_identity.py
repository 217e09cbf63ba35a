"""Which cluster answers at a connection's URL: whether it is Elasticsearch, and which one.

Every endpoint and region policy records the cluster it lives on (``cluster_uuid`` and
``cluster_name``, from ``GET /``). Before any read or change, the server is confirmed,
once per cluster per process (the same ``GET /`` as the preview's access check and the
version look-up), to be Elasticsearch (the ``X-Elastic-Product: Elasticsearch`` header it
puts on every answer, or, where a proxy strips headers, the shape of its answer) and to be
the cluster state recorded. A server that is not Elasticsearch, or another cluster, fails
the command with one line: what was expected, what answered, and the setting to fix. So a
404 from a mistyped URL is never taken for "deleted", and an endpoint is never read, changed
or deleted on a cluster it does not live on.

Moving a stack to another cluster on purpose (a restore, a migration) is said with
``PULUMI_INFERENCE_MOVE_TO_CLUSTER=<the new cluster's uuid>``: only then is that cluster
taken for the one recorded, and each resource's preview says it moves.

``GET /`` needs the ``monitor`` privilege. Without it the cluster still says it is
Elasticsearch (its 403 carries the header) but not which one: the uuid is then neither
recorded nor compared, and that is said once per cluster.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._published import docs_url
from ..client import ClusterRoot, InferenceClient, RetryPolicy
from ..errors import AnotherClusterError, AuthorizationError, ClusterError, NotElasticsearchError

log = logging.getLogger("pulumi_inference")

MOVE_ENV = "PULUMI_INFERENCE_MOVE_TO_CLUSTER"
"""The uuid of the cluster a stack moves to on purpose (docs/operations.md)."""
MOVING = f"{docs_url('docs/operations.md')}, 'Moving a stack between clusters'"
PRODUCT = "Elasticsearch"
TAGLINE = "You Know, for Search"


@dataclass(frozen=True)
class ClusterIdentity:
    """The cluster that answered: its ``uuid`` and ``name`` (``None`` when it would not say:
    ``GET /`` needs ``monitor``)."""

    uuid: str | None = None
    name: str | None = None

    @property
    def known(self) -> bool:
        return bool(self.uuid)

    def outputs(self) -> dict[str, str]:
        """What state records of it (nothing of what is not known)."""
        recorded = {"cluster_uuid": self.uuid, "cluster_name": self.name}
        return {key: value for key, value in recorded.items() if value}

    @classmethod
    def recorded_in(cls, outputs: Mapping[str, Any]) -> ClusterIdentity:
        """As state recorded it (nothing, for a state written before it was recorded)."""
        uuid, name = outputs.get("cluster_uuid"), outputs.get("cluster_name")
        return cls(uuid if isinstance(uuid, str) and uuid else None, _text(name))

    def described(self) -> str:
        if not self.uuid:
            return "an Elasticsearch cluster"
        named = f"'{self.name}' " if self.name else ""
        return f"the cluster {named}(cluster_uuid {self.uuid})"


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def is_elasticsearch(root: ClusterRoot) -> bool:
    """Whether ``GET /``'s answer is Elasticsearch's: its product header, else (a proxy may
    strip headers) its cluster info or its error body."""
    if (root.product or "").strip().lower() == PRODUCT.lower():
        return True
    body = root.body
    if root.status == 200:
        version = body.get("version")
        return body.get("tagline") == TAGLINE or (
            isinstance(version, Mapping) and bool(body.get("cluster_uuid"))
        )
    error = body.get("error")
    return isinstance(error, Mapping) and "root_cause" in error and "type" in error


def answered(root: ClusterRoot) -> str:
    """What ``GET /`` answered, in a few words, for messages."""
    header = f"'{root.product}'" if root.product else "no"
    return f"GET / answered {root.status} with {header} X-Elastic-Product header"


def identify(client: InferenceClient, policy: RetryPolicy | None = None) -> ClusterIdentity:
    """The cluster at ``client``'s URL (``GET /``, once per client); raises
    :class:`NotElasticsearchError` when it is not Elasticsearch, and the cluster's own error
    when it refused the credentials or could not be reached. Nothing known when it cannot
    say: no ``monitor`` privilege (403), or no answer but 5xx."""
    root = client.cluster_root(policy=policy)
    if not root.definitive:
        log.info("%s: which cluster this is could not be read (%s)", client.cluster, root.error)
        return ClusterIdentity()
    if not is_elasticsearch(root):
        raise NotElasticsearchError(
            f"{client.cluster} is not Elasticsearch ({answered(root)}); fix "
            f"{client.connection.location_setting}"
        )
    if isinstance(root.error, AuthorizationError):
        _unverifiable(client)
        return ClusterIdentity()
    if root.error is not None:
        raise root.error
    body = root.body
    return ClusterIdentity(_text(body.get("cluster_uuid")), _text(body.get("cluster_name")))


_said: set[str] = set()


def _unverifiable(client: InferenceClient) -> None:
    if client.cluster in _said:
        return
    _said.add(client.cluster)
    log.info(
        "%s: which cluster this is could not be read (GET / needs the `monitor` cluster "
        "privilege), so it is not compared with the one state recorded",
        client.cluster,
    )


def moving_to() -> str | None:
    """The uuid a stack is being moved to on purpose, if one is named."""
    return os.environ.get(MOVE_ENV, "").strip() or None


def confirm_cluster(
    client: InferenceClient,
    recorded: ClusterIdentity,
    subject: str,
    *,
    policy: RetryPolicy | None = None,
) -> ClusterIdentity:
    """The cluster at ``client``'s URL, confirmed to be Elasticsearch and the ``recorded``
    one (or the one a move names); raises, in one line naming ``subject``, what was
    expected, what answered and the setting to fix."""
    try:
        live = identify(client, policy)
    except NotElasticsearchError as exc:
        raise NotElasticsearchError(
            f"{subject}: expected {recorded.described()}, but {exc}"
        ) from None
    except ClusterError as exc:  # refused credentials: said about the resource
        raise about(subject, exc) from None
    if not recorded.known or not live.known or live.uuid == recorded.uuid:
        return live
    if live.uuid == moving_to():
        return live
    raise AnotherClusterError(
        f"{subject}: expected {recorded.described()} (recorded in state), but {client.cluster} "
        f"is {live.described()}; fix {client.connection.location_setting}, or, to move the "
        f"stack to that cluster on purpose, set {MOVE_ENV}={live.uuid} ({MOVING})"
    )


def about(subject: str, error: ClusterError) -> ClusterError:
    """``GET /``'s error (``cluster info on <url>: ...``) said about ``subject`` instead, as a
    new error (the answer's is kept for the process)."""
    message = str(error)
    prefix = "cluster info"
    if message.startswith(prefix):
        message = subject + message[len(prefix) :]
    return type(error)(
        message, status=error.status, error_type=error.error_type, reason=error.reason
    )


def moves(recorded: ClusterIdentity, live: ClusterIdentity) -> bool:
    """Whether a resource recorded on one cluster is now on another (a move said so)."""
    return recorded.known and live.known and recorded.uuid != live.uuid
