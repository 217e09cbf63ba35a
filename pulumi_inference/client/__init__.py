"""HTTP access to a cluster's inference API (knows nothing about Pulumi)."""

from .._face import present
from ..errors import PossiblyAppliedError
from ._client import (
    Created,
    CreateOutcome,
    DeploymentPending,
    EndpointUsers,
    InferenceClient,
)
from ._pool import client_for, close_all, pooled_clients
from ._region_policy import (
    RegionPolicyDocument,
    delete_region_policy,
    get_region_policy,
    put_region_policy,
)
from ._retry import LOOKUP_POLICY, RetryPolicy
from ._root import ClusterRoot
from ._shared import share_reads, sharing_reads

__all__ = [
    "LOOKUP_POLICY",
    "ClusterRoot",
    "CreateOutcome",
    "Created",
    "DeploymentPending",
    "EndpointUsers",
    "InferenceClient",
    "PossiblyAppliedError",
    "RegionPolicyDocument",
    "RetryPolicy",
    "client_for",
    "close_all",
    "delete_region_policy",
    "get_region_policy",
    "pooled_clients",
    "put_region_policy",
    "share_reads",
    "sharing_reads",
]

present(__name__, globals())
