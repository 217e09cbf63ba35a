"""A CrossGuard policy pack for inference endpoints, through both front doors.

    from pulumi_inference.policy import serve_policy_pack   # a pack's __main__.py
    serve_policy_pack("elasticsearch-inference")

``pulumi-inference policy new DIR`` writes such a pack. The rules are plain functions
(:data:`RULES`); :func:`policies` turns them into ``pulumi_policy`` policies, importing
``pulumi-policy`` (the ``policy`` extra) only then, so nothing else depends on it.
See docs/reviews.md.
"""

from .._face import present
from .._pulumi_wire import UNKNOWN
from ._endpoint import RESOURCE_TYPES, Endpoint, endpoint_of
from ._new import COMMAND, write_pack
from ._pack import PACK_NAME, policies, serve_policy_pack
from ._region import REGION_POLICY_TYPES, RegionPolicy, region_policy_of
from ._rules import RULES, RULES_BY_ID, Context, Rule

__all__ = [
    "COMMAND",
    "PACK_NAME",
    "REGION_POLICY_TYPES",
    "RESOURCE_TYPES",
    "RULES",
    "RULES_BY_ID",
    "UNKNOWN",
    "Context",
    "Endpoint",
    "RegionPolicy",
    "Rule",
    "endpoint_of",
    "policies",
    "region_policy_of",
    "serve_policy_pack",
    "write_pack",
]

present(__name__, globals())
