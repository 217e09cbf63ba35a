"""What a preview shows of the outputs the cluster computes (nothing is sent in a preview)."""

from __future__ import annotations

from typing import Any

from .._pulumi_wire import UNKNOWN
from ..properties import OUTPUT_KEYS
from ._desired import DesiredEndpoint
from ._observed import Observed
from ._plan import plan_change


def preview_outputs(
    old: DesiredEndpoint | None, new: DesiredEndpoint, recorded: Observed | None
) -> dict[str, Any]:
    """Not known yet where the cluster will compute them anew (a create, an update sent to
    the cluster); as last recorded where the change stays in the state (``force_delete``)."""
    if old is None or recorded is None or plan_change(old, new).update_body:
        return dict.fromkeys(OUTPUT_KEYS, UNKNOWN)
    return recorded.outputs()
