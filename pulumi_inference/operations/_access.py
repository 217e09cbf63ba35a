"""Whether a preview can trust the cluster it plans against: checked once per cluster.

A preview that plans against a wrong URL or with refused credentials would report
``+ 1 to create`` and leave the failure to ``pulumi up``. So the check of the first endpoint
of each cluster asks, read-only, ``GET /`` (is it there, does it take the credentials) and
``GET /_security/user/_has_privileges`` (which inference privileges they hold); the answer
is kept for the process, and nothing is sent to ``/_inference``.

- a cluster that cannot be reached, refuses the credentials, or is not Elasticsearch fails
  the check, with the client's one-line message naming the setting to fix;
- credentials without even ``monitor_inference`` fail it (no read, refresh or diff works);
- credentials without ``manage_inference`` fail only where the plan changes the endpoint
  (:func:`require_manage`: a create, an adoption, an update or a replacement), so a preview
  with read-only credentials of a stack with no change still passes;
- ``PULUMI_INFERENCE_PREVIEW_CHECK=warn`` turns each failure into a warning, ``off`` skips the
  check (no request at all);
- a cluster whose connection is not known yet (made by the same program) is not asked.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..client import LOOKUP_POLICY, InferenceClient
from ..errors import (
    AuthenticationError,
    ClusterRejectedError,
    ClusterUnreachableError,
    InferenceError,
    NotElasticsearchError,
    WrongClusterError,
)
from ._cluster import ConnectionNotKnown
from ._desired import DesiredEndpoint
from ._identity import ClusterIdentity, confirm_cluster, identify

log = logging.getLogger("pulumi_inference")

CHECK_ENV = "PULUMI_INFERENCE_PREVIEW_CHECK"
"""``fail`` (default), ``warn`` or ``off``: what a preview does when the cluster check fails."""

MANAGE, MONITOR = "manage_inference", "monitor_inference"


@dataclass(frozen=True)
class Access:
    """What one cluster said: ``failure`` when it cannot be used at all; ``can_change``
    whether the credentials hold ``manage_inference`` (``None``: the cluster cannot say);
    ``not_elasticsearch``: the failure is that the server is not Elasticsearch."""

    failure: str | None = None
    can_change: bool | None = None
    not_elasticsearch: bool = False


def check_mode() -> str:
    mode = os.environ.get(CHECK_ENV, "").strip().lower()
    return mode if mode in ("warn", "off") else "fail"


def _ask(client: InferenceClient) -> Access:
    try:
        identify(client, LOOKUP_POLICY)  # a 403 (no `monitor`) still says it is Elasticsearch
    except NotElasticsearchError as exc:
        return Access(
            failure=f"expected an Elasticsearch cluster, but {exc}", not_elasticsearch=True
        )
    except (ClusterUnreachableError, AuthenticationError, ClusterRejectedError) as exc:
        return Access(failure=str(exc))
    except InferenceError as exc:
        log.info("%s: not checked at preview (%s)", client.cluster, exc)
        return Access()
    try:
        held = client.cluster_privileges((MANAGE, MONITOR), policy=LOOKUP_POLICY)
    except (ClusterUnreachableError, AuthenticationError) as exc:
        return Access(failure=str(exc))
    except InferenceError as exc:
        log.info("%s: privileges not checked at preview (%s)", client.cluster, exc)
        return Access()
    if held is None:
        return Access()
    if not held[MANAGE] and not held[MONITOR]:
        return Access(
            failure=f"the credentials for {client.cluster} hold neither {MANAGE} nor {MONITOR} "
            f"(asked with _security/user/_has_privileges): grant {MANAGE} to the API key or "
            f"user the connection names ({MONITOR} is enough for refresh and previews "
            "without changes)"
        )
    return Access(can_change=held[MANAGE])


class _Asked:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: weakref.WeakKeyDictionary[InferenceClient, Access] = weakref.WeakKeyDictionary()

    def of(self, client: InferenceClient) -> Access:
        with self._lock:
            if client not in self._seen:
                self._seen[client] = _ask(client)
            return self._seen[client]


_ASKED = _Asked()


def cluster_access(client: InferenceClient) -> Access:
    """What ``client``'s cluster said, asked once per process."""
    return _ASKED.of(client)


def access_issues(
    client: InferenceClient, *, changing: bool, left_to_diff: bool = False
) -> list[tuple[str, str]]:
    """What makes a preview against ``client``'s cluster fail, as ``(path, message)``;
    ``changing``: the plan creates or adopts the endpoint (it needs ``manage_inference``).
    ``left_to_diff``: the resource is in the state already, so a server that is not
    Elasticsearch is left to its diff, which names the cluster state recorded
    (``preview_cluster``)."""
    if check_mode() == "off":
        return []
    access = cluster_access(client)
    if access.not_elasticsearch and left_to_diff:
        return []
    message = access.failure
    if message is None and changing and access.can_change is False:
        message = _lacks_manage(client)
    if message is None:
        return []
    if check_mode() == "warn":
        log.warning("%s (%s=warn: the preview goes on)", message, CHECK_ENV)
        return []
    return [("connection", f"{message} ({CHECK_ENV}=warn makes this a warning)")]


def _lacks_manage(client: InferenceClient) -> str:
    return (
        f"the credentials for {client.cluster} lack the {MANAGE} cluster privilege this plan "
        "needs to change the endpoint (asked with _security/user/_has_privileges): grant it, "
        "or preview with the credentials that apply"
    )


def preview_access_issues(
    props: Mapping[str, Any],
    connect: Callable[[DesiredEndpoint], InferenceClient],
    *,
    changing: bool,
) -> list[tuple[str, str]]:
    """:func:`access_issues` for the cluster of canonical ``props``; nothing when that cluster
    is not known yet (its connection is computed by the same program)."""
    if check_mode() == "off":
        return []
    try:
        client = connect(DesiredEndpoint.from_props(props))
    except ConnectionNotKnown as exc:
        log.info("%s", exc)
        return []
    except InferenceError:
        return []  # no cluster to ask yet: the apply's check asks again
    return access_issues(client, changing=changing, left_to_diff=not changing)


def require_usable(connect: Callable[[], InferenceClient], subject: str) -> None:
    """A connection about to be stored (a provider's new configuration): the server is
    Elasticsearch and takes the credentials, or the preview (and the apply) fails, as the
    preview's check does. Nothing is asked when it is not known yet."""
    if check_mode() == "off":
        return
    try:
        client = connect()
    except ConnectionNotKnown as exc:
        log.info("%s", exc)
        return
    issues = access_issues(client, changing=False)
    if issues:
        raise InferenceError(f"{subject}: {issues[0][1]}")


def preview_cluster(
    client: InferenceClient, recorded: ClusterIdentity, subject: str
) -> ClusterIdentity | None:
    """The cluster a preview plans against, confirmed to be the ``recorded`` one (or the one
    a move names); ``None`` when it was not asked (``PULUMI_INFERENCE_PREVIEW_CHECK=off``),
    could not say (the access check reports why), or ``warn`` let a wrong one go on."""
    mode = check_mode()
    if mode == "off":
        return None
    try:
        return confirm_cluster(client, recorded, subject, policy=LOOKUP_POLICY)
    except WrongClusterError as exc:
        if mode == "warn":
            log.warning("%s (%s=warn: the preview goes on)", exc, CHECK_ENV)
            return None
        raise type(exc)(f"{exc} ({CHECK_ENV}=warn makes this a warning)") from None
    except InferenceError:
        return None


def require_manage(client: InferenceClient, subject: str) -> None:
    """A plan that changes the endpoint on a cluster whose credentials cannot: fail (or warn)
    before anything is sent."""
    issues = access_issues(client, changing=True)
    if issues:
        raise InferenceError(f"{subject}: {issues[0][1]}")
