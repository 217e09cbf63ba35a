"""Endpoint operations: the only place that decides what happens to an endpoint.

Both front ends (the dynamic ``InferenceEndpoint`` and the native provider plugin) convert
their protocol's values to canonical props (see :mod:`pulumi_inference.spec`), call these
functions, and convert the plain results back. Progress and warnings are log records on the
``pulumi_inference`` logger; each front end routes them to the engine for its resource.

    check(props)                      offline validation, every failure a property path
    plan_change(old, new)             offline diff: no-op, update in place, or replace
    diff(old, new, connect)           the plan, warning when a replacement breaks users
    replacement_impact(...)           read-only: what a planned replacement would break
    create(client, spec, props)       exactly one endpoint, waiting for its deployment
    read(client, spec, inputs)        live state and drift, or None when gone
    update(connect, old, new, ...)    ``_update`` with only the changed keys
    delete(client, spec)              gone is success; in use is refused unless forced
    find_declaration(client, id)      an existing endpoint as a program would declare it
    compare_with_cluster(client, props)  whether the cluster's endpoint is the declared one
"""

from ..plan import Change, Plan, plan_change
from ..validation import check_props as check
from ._cluster import connect
from ._create import create
from ._declaration import (
    PRECONFIGURED_PREFIX,
    ExistingEndpoint,
    declaration_of,
    existing_endpoint,
    find_declaration,
)
from ._delete import delete
from ._diff import diff
from ._impact import ReplacementImpact, replacement_impact
from ._match import Comparison, compare_with_cluster
from ._observed import Observed, cluster_version_of
from ._read import ReadOutcome, read
from ._update import update

__all__ = [
    "PRECONFIGURED_PREFIX",
    "Change",
    "Comparison",
    "ExistingEndpoint",
    "Observed",
    "Plan",
    "ReadOutcome",
    "ReplacementImpact",
    "check",
    "cluster_version_of",
    "compare_with_cluster",
    "connect",
    "create",
    "declaration_of",
    "delete",
    "diff",
    "existing_endpoint",
    "find_declaration",
    "plan_change",
    "read",
    "replacement_impact",
    "update",
]
