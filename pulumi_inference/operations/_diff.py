"""Diff: the offline plan, plus a warning when a replacement would break its users."""

from __future__ import annotations

import logging
from collections.abc import Callable

from ..client import InferenceClient
from ..plan import Plan, plan_change
from ..spec import EndpointSpec
from ._impact import replacement_impact

log = logging.getLogger("pulumi_inference")


def diff(old: EndpointSpec, new: EndpointSpec, connect: Callable[[], InferenceClient]) -> Plan:
    """What changing ``old`` (state) into ``new`` (declaration) does.

    Calls the cluster only when the plan replaces the endpoint, read-only, to warn before
    review about pipelines and ``semantic_text`` indexes the replacement would break.
    """
    plan = plan_change(old, new)
    impact = replacement_impact(connect, old, new, plan)
    if impact is not None:
        log.warning("%s", impact.message())
    return plan
