"""Whether the cluster accepts a declaration at its version: checked at preview, before
anything is sent.

The version is the cluster's own (``GET /``, read once per cluster per process with a
preview's short retry budget); Serverless and a version that cannot be read count as the
newest cluster. When it could not be read, a diff falls back on the version state recorded.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable, Mapping
from typing import Any

from .. import catalogue
from .._version import SERVERLESS, Version, parse_version
from ..client import LOOKUP_POLICY, InferenceClient
from ..errors import InferenceError
from ._desired import DesiredEndpoint
from ._identity import is_elasticsearch
from ._plan import has_unknown

log = logging.getLogger("pulumi_inference")


class _Lookups:
    """Per client: the version read (``None``: current) and whether it could be read.

    One look-up per client, however many endpoints ask at once; clusters do not wait on
    each other.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: weakref.WeakKeyDictionary[InferenceClient, tuple[Version | None, bool]]
        self._seen = weakref.WeakKeyDictionary()
        self._asking: weakref.WeakKeyDictionary[InferenceClient, threading.Lock]
        self._asking = weakref.WeakKeyDictionary()

    def get(self, client: InferenceClient) -> tuple[Version | None, bool]:
        with self._lock:
            if client in self._seen:
                return self._seen[client]
            asking = self._asking.setdefault(client, threading.Lock())
        with asking:
            with self._lock:
                if client in self._seen:
                    return self._seen[client]
            found = _read_version(client)
            with self._lock:
                self._seen[client] = found
            return found

    def looked_up(self, client: InferenceClient) -> tuple[Version | None, bool] | None:
        with self._lock:
            return self._seen.get(client)


_LOOKUPS = _Lookups()


def _read_version(client: InferenceClient) -> tuple[Version | None, bool]:
    """The version ``GET /`` said, and whether it said one. That it was not read is not said
    of a server that is not Elasticsearch: the identity check refuses it in a line of its
    own (one error per mistake, issue 34)."""
    try:
        root = client.cluster_root(policy=LOOKUP_POLICY)
    except InferenceError as exc:
        log.info("%s: version not read (%s); taken as current", client.cluster, exc)
        return None, False
    if root.error is None:
        return version_in(root.body), True
    if root.definitive and not is_elasticsearch(root):
        return None, False
    log.info("%s: version not read (%s); taken as current", client.cluster, root.error)
    return None, False


def version_in(info: Mapping[str, Any]) -> Version | None:
    """The version in a ``GET /`` answer; ``None`` (current) for Serverless or none."""
    version = info.get("version")
    if not isinstance(version, Mapping):
        return None
    if version.get("build_flavor") == SERVERLESS:
        return None
    return parse_version(version.get("number"))


def live_version(client: InferenceClient) -> Version | None:
    """The cluster's version for the gates of a create or update (``None``: current)."""
    return _LOOKUPS.get(client)[0]


def availability_issues(
    props: Mapping[str, Any],
    connect: Callable[[DesiredEndpoint], InferenceClient],
    olds: Mapping[str, Any] | None = None,
) -> list[tuple[str, str]]:
    """What the declaration's cluster cannot accept at its version, as (path, message).

    Nothing when the service is one the catalogue does not know (``allow_unknown_service``),
    the cluster is not known yet (its connection is computed by the same program), or the
    declaration adds nothing to ``olds`` (the inputs the cluster already took), so a
    preview without such a change asks nothing.
    """
    if catalogue.get_service(str(props.get("service"))) is None:
        return []
    if olds and _adds_nothing(props, olds):
        return []
    if has_unknown(props.get("connection")) or has_unknown(props.get("task_type")):
        return []
    try:
        spec = DesiredEndpoint.from_props(props)
        client = connect(spec)
    except InferenceError:
        return []  # no cluster to ask yet: the apply's check asks again
    version = _LOOKUPS.get(client)[0]
    return _issues(spec, version, f"the cluster ({client.cluster})")


def _task(value: Any) -> str:
    return str(value).strip().lower().replace("-", "_")


def _adds_nothing(props: Mapping[str, Any], olds: Mapping[str, Any]) -> bool:
    """Same service, task type and connection, and no setting the old inputs lacked."""
    if props.get("service") != olds.get("service"):
        return False
    if _task(props.get("task_type")) != _task(olds.get("task_type")):
        return False
    if props.get("connection") != olds.get("connection"):
        return False
    for section in ("service_settings", "task_settings"):
        new, old = props.get(section), olds.get(section)
        if not isinstance(new, Mapping):
            continue
        if not isinstance(old, Mapping) or not set(new) <= set(old):
            return False
    return True


def recorded_version_issues(
    client: InferenceClient, new: DesiredEndpoint, recorded: Version | None
) -> list[tuple[str, str]]:
    """Availability against the version state recorded, used only when this process could
    not read the live one (a cluster may have been upgraded since it was recorded)."""
    looked = _LOOKUPS.looked_up(client)
    if recorded is None or looked is None or looked[1]:
        return []
    return _issues(new, recorded, f"the cluster ({client.cluster}, as state recorded it)")


def _issues(spec: DesiredEndpoint, version: Version | None, cluster: str) -> list[tuple[str, str]]:
    if catalogue.get_service(spec.service) is None:
        return []
    settings = {"service_settings": spec.service_settings, "task_settings": spec.task_settings}
    found = catalogue.unavailable(spec.service, spec.task_type, settings, version, cluster=cluster)
    return [(issue.path, issue.message) for issue in found]
