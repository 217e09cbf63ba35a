"""Endpoint operations: the only place that decides what happens to an endpoint.

Both front ends (the dynamic ``InferenceEndpoint`` and the native provider plugin) convert
their protocol's values to canonical props (``DesiredEndpoint.from_props``), call these
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
    existing_endpoint(client, id)     an existing endpoint as a program would declare it
    compare_with_cluster(client, props)  whether the cluster's endpoint is the declared one
"""

from ._cluster import connect, connect_to
from ._create import create
from ._declaration import (
    PRECONFIGURED_PREFIX,
    ExistingEndpoint,
    declaration_of,
    existing_endpoint,
    import_endpoint,
)
from ._delete import delete
from ._desired import DEFAULT_DEPLOYMENT_TIMEOUT, DesiredEndpoint, deployment_id_of
from ._diff import diff
from ._impact import ReplacementImpact, replacement_impact
from ._match import Comparison, compare_with_cluster
from ._observed import Observed, cluster_version_of
from ._plan import Change, Plan, plan_change
from ._preview import preview_outputs
from ._read import ReadOutcome, read
from ._secrets import SECRET_NAMES, secrets_in
from ._update import update
from ._validation import (
    ENGINE_CONFIG_KEYS,
    check_provider_config,
    provider_config,
    unknown_properties,
)
from ._validation import check_props as check
from ._versions import task_settings_updatable, update_resets_chunking

__all__ = [
    "DEFAULT_DEPLOYMENT_TIMEOUT",
    "ENGINE_CONFIG_KEYS",
    "PRECONFIGURED_PREFIX",
    "SECRET_NAMES",
    "Change",
    "Comparison",
    "DesiredEndpoint",
    "ExistingEndpoint",
    "Observed",
    "Plan",
    "ReadOutcome",
    "ReplacementImpact",
    "check",
    "check_provider_config",
    "cluster_version_of",
    "compare_with_cluster",
    "connect",
    "connect_to",
    "create",
    "declaration_of",
    "delete",
    "deployment_id_of",
    "diff",
    "existing_endpoint",
    "import_endpoint",
    "plan_change",
    "preview_outputs",
    "provider_config",
    "read",
    "replacement_impact",
    "secrets_in",
    "task_settings_updatable",
    "unknown_properties",
    "update",
    "update_resets_chunking",
]
