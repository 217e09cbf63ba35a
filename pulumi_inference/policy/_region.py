"""An inference region policy as the policies see it, read from either door's properties."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._naming import camel
from ..properties import (
    DYNAMIC_REGION_POLICY_TYPE,
    NATIVE_REGION_POLICY_TYPE,
    REGION_POLICY_PROPERTIES,
    reviewed_inputs,
)
from ._declared import ReviewedRegionInputs

REGION_POLICY_TYPES = (DYNAMIC_REGION_POLICY_TYPE, NATIVE_REGION_POLICY_TYPE)


@dataclass(frozen=True)
class RegionPolicy(ReviewedRegionInputs):
    """A region policy as the policies see it: each input that holds no secret as declared
    (``ReviewedRegionInputs``, generated from the region policy's table)."""

    name: str
    urn: str


def region_policy_of(name: str, urn: str, props: Mapping[str, Any]) -> RegionPolicy:
    """The policy's fields, whichever door's spelling (``allowed_geos`` / ``allowedGeos``)."""
    return RegionPolicy(
        **{
            prop.name: props.get(prop.name, props.get(camel(prop.name)))
            for prop in reviewed_inputs(REGION_POLICY_PROPERTIES)
        },
        name=name,
        urn=urn,
    )
