"""Edits of a stack's export (secrets left encrypted) for ``pulumi stack import``.

Only pending *creates* are touched: one is dropped (its endpoint never reached the cluster),
or completed: the resource the killed run was creating is written into the state as its
create would have left it (the id is the inference id, the outputs echo the inputs), and a
``pulumi refresh`` of it then records what the cluster holds. Both front ends need this: the
dynamic resource cannot be imported at all (its provider is the pickled ``__provider`` only
the state holds), and in the CLI this project builds (v3.274.1) ``pulumi refresh
--import-pending-creates URN ID`` turns the pending create into a pending import that the
refresh then drops without reading it, leaving the endpoint in neither state nor plan.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from typing import Any


def edited(
    exported: Mapping[str, Any], *, drop: Collection[str], complete: Mapping[str, str]
) -> dict[str, Any]:
    """``exported`` without the pending creates of ``drop`` and with those of ``complete``
    (URN -> resource id) moved into the resources. Other pending operations stay."""
    result = copy.deepcopy(dict(exported))
    deployment = result.setdefault("deployment", {})
    resources = list(deployment.get("resources") or [])
    kept = []
    for op in deployment.get("pending_operations") or []:
        resource = op.get("resource") or {}
        urn = str(resource.get("urn"))
        if op.get("type") != "creating" or (urn not in drop and urn not in complete):
            kept.append(op)
            continue
        if urn in complete:
            resources.append(_created(resource, complete[urn]))
    deployment["resources"] = resources
    deployment["pending_operations"] = kept
    return result


def _created(pending: Mapping[str, Any], resource_id: str) -> dict[str, Any]:
    """The state entry a finished create leaves: the provider's outputs echo every input."""
    resource = copy.deepcopy(dict(pending))
    resource["id"] = resource_id
    resource["outputs"] = copy.deepcopy(resource.get("inputs") or {})
    return resource
