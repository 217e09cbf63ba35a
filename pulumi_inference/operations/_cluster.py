"""Which cluster an endpoint lives on: its declared connection, then config, then environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .._pulumi_wire import is_unknown
from ..client import InferenceClient, client_for
from ..connection import DYNAMIC_CONFIG_NAMESPACE, resolve_connection
from ..errors import ConfigurationError
from ._desired import DesiredEndpoint
from ._plan import has_unknown


class ConnectionNotKnown(ConfigurationError):
    """The connection is computed by the program and not known yet (a preview): there is
    no cluster to ask until the apply."""


def _not_known(declared: Mapping[str, Any] | None, config: Mapping[str, Any]) -> bool:
    return has_unknown(declared) or any(
        has_unknown(value) or is_unknown(value) for value in config.values()
    )


def connect(
    spec: DesiredEndpoint,
    config: Mapping[str, Any],
    *,
    namespace: str | None = DYNAMIC_CONFIG_NAMESPACE,
    environ: Mapping[str, str] | None = None,
) -> InferenceClient:
    """The pooled client for the cluster of ``spec``; the error names the endpoint."""
    return connect_to(
        config,
        declared=spec.connection,
        subject=f"inference endpoint '{spec.inference_id}'",
        namespace=namespace,
        environ=environ,
    )


def connect_to(
    config: Mapping[str, Any],
    *,
    subject: str,
    declared: Mapping[str, Any] | None = None,
    namespace: str | None = DYNAMIC_CONFIG_NAMESPACE,
    environ: Mapping[str, str] | None = None,
) -> InferenceClient:
    """The pooled client for the cluster that ``declared`` (or else config, then the
    environment) names; the error starts with ``subject``."""
    try:
        connection = resolve_connection(
            declared or {},
            config,
            os.environ if environ is None else environ,
            namespace=namespace,
        )
    except ConfigurationError as exc:
        raise ConfigurationError(f"{subject}: {exc}") from None
    return client_for(connection)
