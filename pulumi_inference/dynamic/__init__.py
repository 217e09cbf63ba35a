"""The dynamic front door: ``InferenceEndpoint`` for Python programs, no plugin to install.

    _resource  the resource class a program declares (typed arguments -> props)
    _provider  the provider the engine runs from the pickled ``__provider`` input
    _layout    the dynamic state's layout (secret values under ``secrets``) <-> canonical props
    _wire      Pulumi's wire markers (secret, unknown) on and off
    _server    what Pulumi's dynamic provider server lacks: a wider pool, the calling URN
    _reliances every reliance on how Pulumi is written, and what its loss costs (warned once)
    _region_resource, _region_provider  the same two for ``InferenceRegionPolicy``

It only converts; every decision is made by :mod:`pulumi_inference.operations`.
"""

from .._face import present
from ._provider import InferenceEndpointProvider
from ._region_provider import InferenceRegionPolicyProvider
from ._region_resource import InferenceRegionPolicy
from ._resource import InferenceEndpoint

__all__ = [
    "InferenceEndpoint",
    "InferenceEndpointProvider",
    "InferenceRegionPolicy",
    "InferenceRegionPolicyProvider",
]

present(__name__, globals())
