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

from ._release import __version__

if TYPE_CHECKING:
    from . import services as services
    from .connection import Connection as Connection
    from .dynamic import InferenceEndpoint as InferenceEndpoint
    from .dynamic import InferenceEndpointProvider as InferenceEndpointProvider
    from .dynamic import InferenceRegionPolicy as InferenceRegionPolicy
    from .errors import AnotherClusterError as AnotherClusterError
    from .errors import AuthenticationError as AuthenticationError
    from .errors import AuthorizationError as AuthorizationError
    from .errors import ClusterError as ClusterError
    from .errors import ClusterRejectedError as ClusterRejectedError
    from .errors import ClusterUnavailableError as ClusterUnavailableError
    from .errors import ClusterUnreachableError as ClusterUnreachableError
    from .errors import ConfigurationError as ConfigurationError
    from .errors import DeploymentTimeoutError as DeploymentTimeoutError
    from .errors import EndpointAlreadyExistsError as EndpointAlreadyExistsError
    from .errors import EndpointInUseError as EndpointInUseError
    from .errors import EndpointNotFoundError as EndpointNotFoundError
    from .errors import InferenceError as InferenceError
    from .errors import NotElasticsearchError as NotElasticsearchError
    from .errors import PossiblyAppliedError as PossiblyAppliedError
    from .errors import RegionPolicyDeniesEndpointsError as RegionPolicyDeniesEndpointsError
    from .errors import RegionPolicyExistsError as RegionPolicyExistsError
    from .errors import UnsupportedByClusterError as UnsupportedByClusterError
    from .errors import ValidationError as ValidationError
    from .errors import WrongClusterError as WrongClusterError

__all__ = [
    "AnotherClusterError",
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
    "NotElasticsearchError",
    "PossiblyAppliedError",
    "RegionPolicyDeniesEndpointsError",
    "RegionPolicyExistsError",
    "UnsupportedByClusterError",
    "ValidationError",
    "WrongClusterError",
    "__version__",
    "services",
]

# Where each export lives. Loaded on first use, so that ``import pulumi_inference.emulator``
# (or ``.catalogue``, ``.client``) does not load Pulumi, grpc and both doors.
_HOMES = {
    "Connection": ".connection",
    "InferenceEndpoint": ".dynamic",
    "InferenceEndpointProvider": ".dynamic",
    "InferenceRegionPolicy": ".dynamic",
    **{name: ".errors" for name in __all__ if name.endswith("Error")},
}


def __getattr__(name: str) -> Any:
    if name == "services":
        return importlib.import_module(".services", __name__)
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
