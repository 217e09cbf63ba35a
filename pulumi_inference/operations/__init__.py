"""Endpoint operations: the only place that decides what happens to an endpoint.

Both front ends (the dynamic ``InferenceEndpoint`` and the native provider plugin) convert
their protocol's values to canonical props (``DesiredEndpoint.from_props``), call these
functions, and convert the plain results back. Progress and warnings are log records on the
``pulumi_inference`` logger; each front end routes them to the engine for its resource.

    check(props)                      offline validation, every failure a property path
    preview_adoption(props, connect)  read-only: what a create's adoption will do, said once
    plan_change(old, new)             offline diff: no-op, update in place, or replace
    diff(old, new, connect)           the plan, warning when a replacement breaks users
    replacement_impact(...)           read-only: what a planned replacement would break
    create(client, spec, props)       exactly one endpoint, waiting for its deployment
    read(client, spec, inputs)        live state and drift, or None when gone
    update(connect, old, new, ...)    ``_update`` with only the changed keys
    delete(client, spec)              gone is success; in use is refused unless forced
    import_endpoint(client, id)       an existing endpoint as a program would declare it
    look_up(client, id, given)        a read by id (``get``, import), qualified by the state given
    compare_with_cluster(client, props)  whether the cluster's endpoint is the declared one
    compare_with_endpoint(client, props, live)  the same, with the endpoint already read

The inference region policy (one per cluster, 9.5+) has its own set: check_region_policy,
plan_region_policy, check_against_cluster (version and what it would deny, read-only),
create_region_policy, read_region_policy, update_region_policy, delete_region_policy_of,
import_region_policy.
"""

from .._face import present
from ._access import applying, require_usable
from ._adoption import preview_adoption
from ._cluster import connect, connect_to
from ._create import create
from ._declaration import PRECONFIGURED_PREFIX, declared_with_notes, import_endpoint
from ._delete import delete
from ._desired import DesiredEndpoint, deployment_id_of
from ._diff import diff
from ._impact import replacement_impact
from ._look_up import is_look_up, look_up
from ._match import Comparison, compare_with_cluster, compare_with_endpoint
from ._observed import Observed
from ._plan import Change, Plan, plan_change
from ._preview import preview_outputs
from ._read import ReadOutcome, read
from ._region_desired import INPUT_KEYS as REGION_POLICY_INPUT_KEYS
from ._region_desired import OUTPUT_KEYS as REGION_POLICY_OUTPUT_KEYS
from ._region_desired import (
    REGION_POLICY_ID,
    DesiredRegionPolicy,
    RegionPolicyPlan,
    check_region_policy,
    plan_region_policy,
)
from ._region_impact import (
    PolicyImpact,
    check_against_cluster,
    confirm_policy_cluster,
    region_policy_impact,
)
from ._region_policy import (
    REGION_POLICY_SINCE,
    PolicyState,
    create_region_policy,
    delete_region_policy_of,
    import_region_policy,
    read_region_policy,
    update_region_policy,
)
from ._secrets import secrets_in
from ._secrets_digest import endpoint_secrets, secrets_digest
from ._update import update
from ._validation import (
    ENGINE_CONFIG_KEYS,
    as_check_failures,
    check_provider_config,
    provider_config,
    unknown_properties,
)
from ._validation import check_props as check
from ._versions import (
    CHUNKING_AFTER_UPDATE_RESET,
    task_settings_updatable,
    update_changes_chunking,
    update_resets_chunking,
)

__all__ = [
    "CHUNKING_AFTER_UPDATE_RESET",
    "ENGINE_CONFIG_KEYS",
    "PRECONFIGURED_PREFIX",
    "REGION_POLICY_ID",
    "REGION_POLICY_INPUT_KEYS",
    "REGION_POLICY_OUTPUT_KEYS",
    "REGION_POLICY_SINCE",
    "Change",
    "Comparison",
    "DesiredEndpoint",
    "DesiredRegionPolicy",
    "Observed",
    "Plan",
    "PolicyImpact",
    "PolicyState",
    "ReadOutcome",
    "RegionPolicyPlan",
    "applying",
    "as_check_failures",
    "check",
    "check_against_cluster",
    "check_provider_config",
    "check_region_policy",
    "compare_with_cluster",
    "compare_with_endpoint",
    "confirm_policy_cluster",
    "connect",
    "connect_to",
    "create",
    "create_region_policy",
    "declared_with_notes",
    "delete",
    "delete_region_policy_of",
    "deployment_id_of",
    "diff",
    "endpoint_secrets",
    "import_endpoint",
    "import_region_policy",
    "is_look_up",
    "look_up",
    "plan_change",
    "plan_region_policy",
    "preview_adoption",
    "preview_outputs",
    "provider_config",
    "read",
    "read_region_policy",
    "region_policy_impact",
    "replacement_impact",
    "require_usable",
    "secrets_digest",
    "secrets_in",
    "task_settings_updatable",
    "unknown_properties",
    "update",
    "update_changes_chunking",
    "update_region_policy",
    "update_resets_chunking",
]

present(__name__, globals())
