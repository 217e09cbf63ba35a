"""HTTP access to a cluster's inference API (knows nothing about Pulumi)."""

from ..errors import PossiblyAppliedError
from ._client import (
    Created,
    CreateOutcome,
    DeploymentPending,
    EndpointUsers,
    InferenceClient,
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
