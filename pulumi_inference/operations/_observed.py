"""What the cluster computed for an endpoint, as recorded in state next to the declaration."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .. import catalogue
from .._secrets import split_secrets
from .._version import format_version
from ..client import InferenceClient
from ..errors import InferenceError
from ..properties import OUTPUT_KEYS
from ._identity import ClusterIdentity

log = logging.getLogger("pulumi_inference")

_OUTPUT_PREFIX = "effective_"
"""An output is named for the field it records: ``effective_task_settings`` <- ``task_settings``."""


def _public(section: Any) -> dict[str, Any]:
    return split_secrets(section, catalogue.SECRET_KEYS)[0] if isinstance(section, Mapping) else {}


@dataclass(frozen=True)
class Observed:
    """The live endpoint's settings (defaults included, never a secret) and the version."""

    service_settings: dict[str, Any] = field(default_factory=dict)
    task_settings: dict[str, Any] = field(default_factory=dict)
    chunking_settings: dict[str, Any] | None = None
    cluster_version: str = ""
    cluster_uuid: str = ""
    cluster_name: str = ""

    @classmethod
    def of(
        cls,
        live: Mapping[str, Any],
        cluster_version: str,
        cluster: ClusterIdentity | None = None,
    ) -> Observed:
        """``cluster``: the cluster it was read from (its uuid and name, when it said)."""
        # The cluster never returns secrets; should one ever answer with them, keep them out.
        return cls(
            service_settings=_public(live.get("service_settings")),
            task_settings=_public(live.get("task_settings")),
            chunking_settings=dict(live["chunking_settings"])
            if live.get("chunking_settings")
            else None,
            cluster_version=cluster_version,
            cluster_uuid=(cluster.uuid if cluster else None) or "",
            cluster_name=(cluster.name if cluster else None) or "",
        )

    @property
    def cluster(self) -> ClusterIdentity:
        """The cluster it lives on, as recorded (nothing, for an older state)."""
        return ClusterIdentity(self.cluster_uuid or None, self.cluster_name or None)

    def on(self, cluster: ClusterIdentity) -> Observed:
        """The same, recorded on ``cluster`` where it says more than what is recorded."""
        if not cluster.known:
            return self
        return replace(self, cluster_uuid=cluster.uuid or "", cluster_name=cluster.name or "")

    @classmethod
    def from_outputs(cls, outputs: Mapping[str, Any]) -> Observed:
        """As last recorded in state (no call)."""
        recorded = {_field(name): outputs.get(name) for name in OUTPUT_KEYS}
        chunking = recorded["chunking_settings"]
        return cls(
            service_settings=dict(recorded["service_settings"] or {}),
            task_settings=dict(recorded["task_settings"] or {}),
            chunking_settings=dict(chunking) if chunking else None,
            cluster_version=str(recorded["cluster_version"] or ""),
            cluster_uuid=str(recorded["cluster_uuid"] or ""),
            cluster_name=str(recorded["cluster_name"] or ""),
        )

    def outputs(self) -> dict[str, Any]:
        """The output properties (``properties.OUTPUT_KEYS``); no chunking or version when
        there is none."""
        outs = {name: getattr(self, _field(name)) for name in OUTPUT_KEYS}
        return {name: value for name, value in outs.items() if value is not None and value != ""}


def _field(output: str) -> str:
    return output.removeprefix(_OUTPUT_PREFIX)


def cluster_version_of(client: InferenceClient, inference_id: str) -> str:
    """The cluster's version (``GET /``, once per cluster per process), or ``""`` if unknown.

    Never raises: it is read after the endpoint was created or read, and failing then would
    lose an endpoint that exists. ``GET /`` also needs the ``monitor`` privilege, which a key
    limited to ``manage_inference`` lacks; plans then assume a current cluster.
    """
    try:
        return format_version(client.cluster_version())
    except InferenceError as exc:
        log.info(
            "inference endpoint '%s': the cluster version is unknown (%s); plans assume 8.17+",
            inference_id,
            exc,
        )
        return ""
