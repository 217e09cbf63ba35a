"""HTTP access to a cluster's inference API (knows nothing about Pulumi)."""

from ._client import (
    Created,
    CreateOutcome,
    DeploymentPending,
    EndpointUsers,
    InferenceClient,
    PossiblyAppliedError,
)
from ._pool import client_for, close_all, pooled_clients
from ._retry import RetryPolicy

__all__ = [
    "CreateOutcome",
    "Created",
    "DeploymentPending",
    "EndpointUsers",
    "InferenceClient",
    "PossiblyAppliedError",
    "RetryPolicy",
    "client_for",
    "close_all",
    "pooled_clients",
]
