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
  check (no request at all), at a preview only: where the provider knows the engine applies
  (:func:`applying`: the dynamic door's ``up``, told by its program), every check is as strict
  as ``fail``, since what that pass accepts is stored;
- a cluster whose connection is not known yet (made by the same program) is not asked.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
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
    ``not_elasticsearch``: the failure is that the server is not Elasticsearch;
    ``unreachable``: nothing answered (the cluster refused nothing)."""

    failure: str | None = None
    can_change: bool | None = None
    not_elasticsearch: bool = False
    unreachable: bool = False


_APPLYING: ContextVar[bool] = ContextVar("pulumi_inference_applying", default=False)


@contextmanager
def applying(now: bool = True) -> Iterator[None]:
    """Within it (``now``), the checks run for an ``up`` that applies, not a preview:
    ``PULUMI_INFERENCE_PREVIEW_CHECK`` does not soften them."""
    token = _APPLYING.set(now)
    try:
        yield
    finally:
        _APPLYING.reset(token)


def check_mode() -> str:
    """``fail``, ``warn`` or ``off``: the preview's setting; always ``fail`` when applying."""
    if _APPLYING.get():
        return "fail"
    mode = os.environ.get(CHECK_ENV, "").strip().lower()
    return mode if mode in ("warn", "off") else "fail"


def _softened_by() -> str:
    """What the end of a check's failure says of ``warn``: nothing when applying."""
    return "" if _APPLYING.get() else f" ({CHECK_ENV}=warn makes this a warning)"


def _ask(client: InferenceClient) -> Access:
    try:
        identify(client, LOOKUP_POLICY)  # a 403 (no `monitor`) still says it is Elasticsearch
    except NotElasticsearchError as exc:
        return Access(
            failure=f"expected an Elasticsearch cluster, but {exc}", not_elasticsearch=True
        )
    except ClusterUnreachableError as exc:
        return Access(failure=str(exc), unreachable=True)
    except (AuthenticationError, ClusterRejectedError) as exc:
        return Access(failure=str(exc))
    except InferenceError as exc:
        log.info("%s: not checked at preview (%s)", client.cluster, exc)
        return Access()
    try:
        held = client.cluster_privileges((MANAGE, MONITOR), policy=LOOKUP_POLICY)
    except ClusterUnreachableError as exc:
        return Access(failure=str(exc), unreachable=True)
    except AuthenticationError as exc:
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
    return [("connection", f"{message}{_softened_by()}")]


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
    """A connection about to be stored (a provider's new configuration, which Pulumi's engine
    asks about alike in a preview and an ``up``): a server that answered as something else
    than Elasticsearch, or refused the credentials, fails, whatever
    ``PULUMI_INFERENCE_PREVIEW_CHECK`` says, so it is never stored; one that did not answer
    fails as the preview's check does (``warn``: a warning; ``off``: not asked). Credentials
    without ``manage_inference`` pass: a read-only key serves previews and refreshes, and each
    change it cannot make fails its own preview. Nothing is asked when it is not known yet."""
    try:
        client = connect()
    except ConnectionNotKnown as exc:
        log.info("%s", exc)
        return
    access = cluster_access(client)
    if access.unreachable or access.failure is None:
        issues = access_issues(client, changing=False)
        if issues:
            raise InferenceError(f"{subject}: {issues[0][1]}")
        return
    raise InferenceError(f"{subject}: {access.failure}")


def require_storable(client: InferenceClient, subject: str) -> None:
    """An endpoint's new ``connection``, about to be stored by the ``up`` (the apply, never a
    preview): the credentials must be taken and hold ``manage_inference`` (every later
    change, and the delete, needs it), whatever ``PULUMI_INFERENCE_PREVIEW_CHECK`` says; the
    cluster has been confirmed already (``_identity.confirm_cluster``)."""
    access = cluster_access(client)
    message = access.failure
    if message is None and access.can_change is False:
        message = _lacks_manage(client)
    if message is not None:
        raise InferenceError(f"{subject}: {message}")


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
        raise type(exc)(f"{exc}{_softened_by()}") from None
    except InferenceError:
        return None


def require_manage(client: InferenceClient, subject: str) -> None:
    """A plan that changes the endpoint on a cluster whose credentials cannot: fail (or warn)
    before anything is sent."""
    issues = access_issues(client, changing=True)
    if issues:
        raise InferenceError(f"{subject}: {issues[0][1]}")
