"""Elasticsearch inference endpoints as typed Pulumi resources.

import pulumi_inference as inference
inference.InferenceEndpoint("embeddings", inference_id="openai-embeddings",
                            task_type="text_embedding", service="openai",
                            service_settings={"model_id": "text-embedding-3-small",
                                              "api_key": cfg.require_secret("openaiKey")})
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .connection import Connection
from .dynamic import InferenceEndpoint, InferenceEndpointProvider, InferenceRegionPolicy
from .errors import (
    AuthenticationError,
    AuthorizationError,
    ClusterError,
    ClusterRejectedError,
    ClusterUnavailableError,
    ClusterUnreachableError,
    ConfigurationError,
    DeploymentTimeoutError,
    EndpointAlreadyExistsError,
    EndpointInUseError,
    EndpointNotFoundError,
    InferenceError,
    PossiblyAppliedError,
    RegionPolicyDeniesEndpointsError,
    RegionPolicyExistsError,
    UnsupportedByClusterError,
    ValidationError,
)

if TYPE_CHECKING:
    from . import services as services

__version__ = "0.2.0"

__all__ = [
    "AuthenticationError",
    "AuthorizationError",
    "ClusterError",
    "ClusterRejectedError",
    "ClusterUnavailableError",
    "ClusterUnreachableError",
    "ConfigurationError",
    "Connection",
    "DeploymentTimeoutError",
    "EndpointAlreadyExistsError",
    "EndpointInUseError",
    "EndpointNotFoundError",
    "InferenceEndpoint",
    "InferenceEndpointProvider",
    "InferenceError",
    "InferenceRegionPolicy",
    "PossiblyAppliedError",
    "RegionPolicyDeniesEndpointsError",
    "RegionPolicyExistsError",
    "UnsupportedByClusterError",
    "ValidationError",
    "services",
]


def __getattr__(name: str) -> Any:
    # The typed settings classes are many; load them only when a program uses them.
    if name == "services":
        return importlib.import_module(".services", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
