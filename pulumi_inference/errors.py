"""Every error pulumi-inference raises, in one hierarchy.

    InferenceError
    ├── ValidationError            bad input, found offline (check) — names the property path
    ├── ConfigurationError         no cluster to talk to, or contradictory connection settings
    ├── ClusterUnreachableError    connection refused/reset/timed out, retries exhausted
    │   └── PossiblyAppliedError       a write was sent and its answer lost: it may have applied
    ├── DeploymentTimeoutError     a model deployment did not become ready in time
    ├── UnsupportedByClusterError  the cluster's version cannot accept the declaration (preview)
    ├── RegionPolicyExistsError    the cluster has a region policy this stack does not manage
    ├── WrongClusterError          the URL answers, but not as the cluster state recorded
    │   ├── NotElasticsearchError      the server is not Elasticsearch (a mistyped URL)
    │   └── AnotherClusterError        another cluster (its cluster_uuid is not the recorded one)
    └── ClusterError               the cluster answered with an error status
        ├── AuthenticationError        401: wrong or missing credentials
        ├── AuthorizationError         403: missing privilege (manage_inference) or license
        ├── EndpointNotFoundError      404
        ├── EndpointAlreadyExistsError 400 resource_already_exists_exception
        ├── EndpointInUseError         409: referenced by pipelines or semantic_text indexes
        ├── ClusterRejectedError       400 and other 4xx: the cluster's own reason passed through
        │   └── RegionPolicyDeniesEndpointsError  409: a region policy would deny endpoints in use
        └── ClusterUnavailableError    429/5xx after retries

Messages never contain secret values: every message built from a cluster answer passes
through :func:`pulumi_inference._secrets.redact` first.
"""

from __future__ import annotations

from collections.abc import Sequence


class InferenceError(Exception):
    """Base class of every error raised by pulumi-inference."""


class ValidationError(InferenceError):
    """Declared input that cannot be valid; raised before any HTTP call."""

    def __init__(self, issues: Sequence[tuple[str, str]]) -> None:
        self.issues = list(issues)
        lines = [f"{path}: {reason}" for path, reason in self.issues]
        super().__init__("invalid inference endpoint:\n  " + "\n  ".join(lines))


class ConfigurationError(InferenceError):
    """The provider cannot work out which cluster to call, or how."""


class ClusterUnreachableError(InferenceError):
    """The cluster could not be reached (after retries, within the deadline)."""


class PossiblyAppliedError(ClusterUnreachableError):
    """A write was sent but its answer was lost: the cluster may have acted on it."""


class DeploymentTimeoutError(InferenceError):
    """A model deployment did not become ready before ``deployment_timeout``."""

    def __init__(self, message: str, *, inference_id: str, last_state: str | None) -> None:
        super().__init__(message)
        self.inference_id = inference_id
        self.last_state = last_state


class WrongClusterError(InferenceError):
    """The server at the URL is not the cluster a resource lives on: nothing is read from it,
    changed on it or deleted from it (and a refresh drops nothing on its word)."""


class NotElasticsearchError(WrongClusterError):
    """The server at the URL is not Elasticsearch (no product header, no cluster info)."""


class AnotherClusterError(WrongClusterError):
    """The URL is another Elasticsearch cluster than the one state recorded."""


class UnsupportedByClusterError(InferenceError):
    """The cluster's version cannot accept the declaration; found before anything is sent."""

    def __init__(self, message: str, *, needs: str, cluster_version: str) -> None:
        super().__init__(message)
        self.needs = needs
        self.cluster_version = cluster_version


class RegionPolicyExistsError(InferenceError):
    """The cluster already has a region policy this stack does not manage."""


class ClusterError(InferenceError):
    """The cluster answered with an error status.

    ``status``, ``error_type`` and ``reason`` are the cluster's own (redacted); the message
    adds which endpoint and cluster were concerned and what to do.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        error_type: str | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.reason = reason


class AuthenticationError(ClusterError):
    """401: the cluster refused the credentials, or none were given."""


class AuthorizationError(ClusterError):
    """403: the credentials lack a privilege (``manage_inference``) or the license forbids it."""


class EndpointNotFoundError(ClusterError):
    """404: the inference endpoint does not exist."""


class EndpointAlreadyExistsError(ClusterError):
    """The inference id is taken by an endpoint this stack does not manage."""


class EndpointInUseError(ClusterError):
    """409: the endpoint is used by ingest pipelines or ``semantic_text`` fields."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        error_type: str | None = None,
        reason: str | None = None,
        pipelines: Sequence[str] = (),
        indexes: Sequence[str] = (),
    ) -> None:
        super().__init__(message, status=status, error_type=error_type, reason=reason)
        self.pipelines = list(pipelines)
        self.indexes = list(indexes)


class ClusterRejectedError(ClusterError):
    """The cluster refused the request (400 and other client errors); its reason is kept."""


class RegionPolicyDeniesEndpointsError(ClusterRejectedError):
    """409: a region policy would deny inference endpoints that pipelines or indexes use
    (``denied``; ``pipelines``/``indexes`` as ``endpoint:name``); ``force`` applies it anyway."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        error_type: str | None = None,
        reason: str | None = None,
        denied: Sequence[str] = (),
        pipelines: Sequence[str] = (),
        indexes: Sequence[str] = (),
    ) -> None:
        super().__init__(message, status=status, error_type=error_type, reason=reason)
        self.denied = list(denied)
        self.pipelines = list(pipelines)
        self.indexes = list(indexes)


class ClusterUnavailableError(ClusterError):
    """The cluster kept answering 429 or 5xx until the retry deadline."""


__all__ = [
    "AnotherClusterError",
    "AuthenticationError",
    "AuthorizationError",
    "ClusterError",
    "ClusterRejectedError",
    "ClusterUnavailableError",
    "ClusterUnreachableError",
    "ConfigurationError",
    "DeploymentTimeoutError",
    "EndpointAlreadyExistsError",
    "EndpointInUseError",
    "EndpointNotFoundError",
    "InferenceError",
    "NotElasticsearchError",
    "PossiblyAppliedError",
    "RegionPolicyDeniesEndpointsError",
    "RegionPolicyExistsError",
    "UnsupportedByClusterError",
    "ValidationError",
    "WrongClusterError",
]
