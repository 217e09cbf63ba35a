"""Where every existing stack's state finds the dynamic provider: kept importable forever.

Each dynamic resource's ``__provider`` input is a pickle that names
``pulumi_inference.provider.InferenceEndpointProvider`` (or ``InferenceRegionPolicyProvider``);
the classes live in
:mod:`pulumi_inference.dynamic` and keeps this module as its pickled address.
"""

from .dynamic import InferenceEndpointProvider, InferenceRegionPolicyProvider

__all__ = ["InferenceEndpointProvider", "InferenceRegionPolicyProvider"]
