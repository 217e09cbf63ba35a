"""An inference region policy as the policies see it, read from either door's properties."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..properties import DYNAMIC_REGION_POLICY_TYPE, NATIVE_REGION_POLICY_TYPE

REGION_POLICY_TYPES = (DYNAMIC_REGION_POLICY_TYPE, NATIVE_REGION_POLICY_TYPE)


@dataclass(frozen=True)
class RegionPolicy:
    name: str
    urn: str
    allowed_geos: Any
    allowed_regions: Any
    force: Any


def region_policy_of(name: str, urn: str, props: Mapping[str, Any]) -> RegionPolicy:
    """The policy's fields, whichever door's spelling (``allowed_geos`` / ``allowedGeos``)."""

    def field(snake: str, camel: str) -> Any:
        return props.get(snake, props.get(camel))

    return RegionPolicy(
        name=name,
        urn=urn,
        allowed_geos=field("allowed_geos", "allowedGeos"),
        allowed_regions=field("allowed_regions", "allowedRegions"),
        force=field("force", "force"),
    )
