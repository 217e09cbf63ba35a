"""The properties of an inference endpoint resource: one table for both front ends.

Names are snake_case here and in the dynamic resource's state; the native provider's schema
spells the same names in camelCase (``inferenceId``). Keys *inside* the settings sections
keep the cluster's own names (``model_id``, ``api_key``) in both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ._naming import camel

RESOURCE_NAME = "InferenceEndpoint"
DYNAMIC_MODULE = "elasticsearch"
DYNAMIC_RESOURCE_TYPE = f"pulumi-python:dynamic/{DYNAMIC_MODULE}:{RESOURCE_NAME}"
"""The dynamic resource's type in state (``pulumi.dynamic.Resource`` names it so)."""
NATIVE_PACKAGE = "elasticsearch-inference"
NATIVE_RESOURCE_TYPE = f"{NATIVE_PACKAGE}:index:{RESOURCE_NAME}"
"""The native plugin's resource type (its schema's token)."""
REGION_POLICY_RESOURCE_NAME = "InferenceRegionPolicy"
DYNAMIC_REGION_POLICY_TYPE = f"pulumi-python:dynamic/{DYNAMIC_MODULE}:{REGION_POLICY_RESOURCE_NAME}"
NATIVE_REGION_POLICY_TYPE = f"{NATIVE_PACKAGE}:index:{REGION_POLICY_RESOURCE_NAME}"
"""The region policy's types in both doors (docs/region-policy.md)."""

Kind = Literal[
    "string", "boolean", "settings", "duration", "connection", "strings", "regions", "region"
]
Role = Literal["identity", "settings", "provider", "output", "dynamic"]
Sensitive = Literal["keys", "connection", "whole"]
Door = Literal["dynamic", "native"]
BOTH: tuple[Door, ...] = ("dynamic", "native")


@dataclass(frozen=True)
class ResourceProperty:
    """One property of the resource, as both doors, the core and the docs know it.

    ``role``: ``identity`` and ``settings`` are sent to the cluster; ``provider`` only
    steers the provider (a change calls nothing on the cluster); ``output`` is computed;
    ``dynamic`` exists only in the dynamic resource's layout.
    ``kind``: the input's type (``settings`` is a dict of the cluster's keys; ``typed``
    settings also take the classes of ``pulumi_inference.services``; ``strings`` a list of
    strings, ``region`` a cloud region ``{csp, region}``, ``regions`` a list of them);
    ``value_type`` is the
    Python type of the output in the dynamic resource's state.
    ``default``: what an absent input means (``None``: nothing).
    ``sensitive``: ``keys``, the catalogue's secret keys inside are secret; ``connection``, the
    connection's secret fields are; ``whole``, the property is always a secret.
    ``doors``: which resources have it.
    ``compared``: False for an input that is never a change on its own (it speaks only
    where state knows nothing, at adoption).
    ``when_absent``: for a settings section, what the core's record holds when it is absent
    or empty: ``{}`` (``empty``: nothing to send) or ``None`` (``none``: nothing declared,
    the cluster's default applies).
    """

    name: str
    kind: Kind
    role: Role
    description: str
    required: bool = False
    value_type: str = "str"
    default: bool | float | None = None
    sensitive: Sensitive | None = None
    typed: bool = False
    doors: tuple[Door, ...] = BOTH
    compared: bool = True
    when_absent: Literal["empty", "none"] = "empty"

    @property
    def native_name(self) -> str:
        """The name in the native schema (camelCase)."""
        return camel(self.name)


DEFAULT_DEPLOYMENT_TIMEOUT = 30 * 60.0
"""Seconds to wait for a model deployment when ``deployment_timeout`` is not given."""
_SETTINGS = "dict[str, Any]"
_OPTIONAL_SETTINGS = "dict[str, Any] | None"

PROPERTIES: tuple[ResourceProperty, ...] = (
    ResourceProperty(
        "inference_id",
        "string",
        "identity",
        "The endpoint's id: lowercase letters, digits, '-', '_' and '.'; a change replaces it "
        "(the new one is created first).",
        required=True,
    ),
    ResourceProperty(
        "task_type",
        "string",
        "identity",
        "text_embedding, sparse_embedding, rerank, completion, chat_completion or embedding.",
        required=True,
    ),
    ResourceProperty(
        "service",
        "string",
        "identity",
        "The inference service: openai, cohere, elasticsearch, elser, hugging_face, ...",
        required=True,
    ),
    ResourceProperty(
        "service_settings",
        "settings",
        "settings",
        "The service's settings, with the cluster's key names (model_id, api_key, ...). "
        "Secret keys are stored as Pulumi secrets.",
        required=True,
        value_type=_SETTINGS,
        sensitive="keys",
        typed=True,
    ),
    ResourceProperty(
        "task_settings",
        "settings",
        "settings",
        "Task settings; a changed or added key updates in place, a removed key replaces.",
        value_type=_OPTIONAL_SETTINGS,
        sensitive="keys",
        typed=True,
    ),
    ResourceProperty(
        "chunking_settings",
        "settings",
        "settings",
        "Chunking for embedding task types, e.g. {strategy: sentence, max_chunk_size: 250, "
        "sentence_overlap: 1}; a change replaces.",
        value_type=_OPTIONAL_SETTINGS,
        when_absent="none",
    ),
    ResourceProperty(
        "connection",
        "connection",
        "dynamic",
        "Where the cluster is (the dynamic resource; the native provider takes it from its "
        "own configuration).",
        value_type=_OPTIONAL_SETTINGS,
        sensitive="connection",
        doors=("dynamic",),
    ),
    ResourceProperty(
        "force_delete",
        "boolean",
        "provider",
        "Delete even when ingest pipelines or semantic_text fields use the endpoint.",
        value_type="bool",
        default=False,
    ),
    ResourceProperty(
        "wait_for_deployment",
        "boolean",
        "provider",
        "elasticsearch/elser: wait until the model deployment is fully allocated (default true).",
        value_type="bool",
        default=True,
    ),
    ResourceProperty(
        "deployment_timeout",
        "duration",
        "provider",
        "How long to wait for the deployment: seconds or a duration such as '20m' (default "
        "30 minutes).",
        value_type="Any",
        default=DEFAULT_DEPLOYMENT_TIMEOUT,
    ),
    ResourceProperty(
        "allow_unknown_service",
        "boolean",
        "provider",
        "Accept a service this library does not know yet, its settings passed through unchecked.",
        value_type="bool",
        default=False,
    ),
    ResourceProperty(
        "adopt_existing",
        "boolean",
        "provider",
        "Take over an endpoint that already exists with this id (made by hand or another "
        "tool): what can change in place is updated, secrets set; one that differs in "
        "anything else is refused, never replaced.",
        value_type="bool",
        default=False,
    ),
    ResourceProperty(
        "adopt_secrets_digest",
        "string",
        "provider",
        "Adoption only: a salted digest ($scrypt$...) of the secrets the existing endpoint "
        "already holds, as the tool that last sent them recorded them (written by "
        "`pulumi-inference import --from-terraform`). While the stack has no record of the "
        "endpoint's secrets and the declared ones match it, they are not sent again; a "
        "declared secret that differs is always sent.",
        value_type="str | None",
        compared=False,
    ),
    ResourceProperty(
        "secrets",
        "settings",
        "dynamic",
        "The dynamic resource's secret values, always a Pulumi secret.",
        value_type=_OPTIONAL_SETTINGS,
        sensitive="whole",
        doors=("dynamic",),
    ),
    ResourceProperty(
        "effective_service_settings",
        "settings",
        "output",
        "Service settings as the cluster reports them, with the defaults it added "
        "(dimensions, similarity, rate_limit, ...); never a secret.",
        required=True,
        value_type=_SETTINGS,
    ),
    ResourceProperty(
        "effective_task_settings",
        "settings",
        "output",
        "Task settings as the cluster reports them.",
        required=True,
        value_type=_SETTINGS,
    ),
    ResourceProperty(
        "effective_chunking_settings",
        "settings",
        "output",
        "Chunking settings as the cluster reports them (defaults included).",
        value_type=_OPTIONAL_SETTINGS,
    ),
    ResourceProperty(
        "cluster_version",
        "string",
        "output",
        "The cluster's Elasticsearch version at the last create, update or refresh.",
    ),
    ResourceProperty(
        "cluster_uuid",
        "string",
        "output",
        "The cluster_uuid of the cluster the endpoint lives on (GET /), as of the last create, "
        "update or refresh; every later command first checks that the URL still answers as "
        "that cluster.",
    ),
    ResourceProperty(
        "cluster_name",
        "string",
        "output",
        "The name of that cluster (GET /'s cluster_name).",
    ),
)
BY_NAME = {prop.name: prop for prop in PROPERTIES}


def names(
    *roles: Role, door: Door | None = None, table: tuple[ResourceProperty, ...] = PROPERTIES
) -> tuple[str, ...]:
    """The properties of ``table`` (the endpoint's unless given) with one of ``roles`` (all
    when none), of one door or of either."""
    return tuple(
        p.name
        for p in table
        if (not roles or p.role in roles) and (door is None or door in p.doors)
    )


def of_kind(kind: Kind) -> tuple[str, ...]:
    return tuple(p.name for p in PROPERTIES if p.kind == kind)


def required_inputs() -> tuple[str, ...]:
    return tuple(p.name for p in PROPERTIES if p.required and p.role != "output")


def defaults() -> dict[str, bool | float]:
    """What each input with a default means when absent."""
    return {p.name: p.default for p in PROPERTIES if p.default is not None}


def holds_its_default(name: str, value: Any) -> bool:
    """Whether ``value`` is what input ``name`` means when absent, so state need not store it."""
    default = defaults().get(name)
    return default is not None and type(value) is type(default) and value == default


def without_defaults(props: Mapping[str, Any]) -> dict[str, Any]:
    """``props`` without the inputs that hold their default (an absent one means it)."""
    return {key: value for key, value in props.items() if not holds_its_default(key, value)}


def declared_inputs(
    table: tuple[ResourceProperty, ...] = PROPERTIES,
) -> tuple[ResourceProperty, ...]:
    """The inputs a declaration carries into the core's record (``DesiredEndpoint``): every
    input of either door but the dynamic layout's always-secret ``secrets``, which each door
    merges back into its place before the core sees it."""
    return tuple(p for p in table if p.role != "output" and p.sensitive != "whole")


def reviewed_inputs(
    table: tuple[ResourceProperty, ...] = PROPERTIES,
) -> tuple[ResourceProperty, ...]:
    """The declared inputs a policy pack reads as they are (``policy.Endpoint``,
    ``policy.RegionPolicy``): those that never hold a secret value (the engine hands policy
    packs plaintext)."""
    return tuple(p for p in declared_inputs(table) if p.sensitive is None)


def sensitive_sections(sensitive: Sensitive) -> tuple[str, ...]:
    """The properties whose keys inside are secret the ``sensitive`` way."""
    return tuple(p.name for p in PROPERTIES if p.sensitive == sensitive)


PROVIDER_ONLY_KEYS = (
    *of_kind("connection"),
    *(n for n in names("provider") if BY_NAME[n].compared),
)
"""Inputs that only steer the provider: changing them calls nothing on the cluster (a
connection's change never replaces an endpoint: docs/architecture.md)."""
INPUT_KEYS = names("identity", "settings", "provider", "dynamic")
"""Input property names of the dynamic resource: the public contract of its state."""
OUTPUT_KEYS = names("output")
"""Output-only property names: what the cluster computed, as both front ends record it."""


_REGIONS = "list[dict[str, str]] | None"
REGION_POLICY_PROPERTIES: tuple[ResourceProperty, ...] = (
    ResourceProperty(
        "allowed_geos",
        "strings",
        "settings",
        "Geographic areas inference may run in, e.g. ['us', 'eu'] (Elastic documents us, eu "
        "and apac). Exactly one of the allowed geos or the allowed regions.",
        value_type="list[str] | None",
    ),
    ResourceProperty(
        "allowed_regions",
        "regions",
        "settings",
        "Cloud regions inference may run in, e.g. [{csp: aws, region: eu-west-1}]. Exactly "
        "one of the allowed geos or the allowed regions.",
        value_type=_REGIONS,
    ),
    ResourceProperty(
        "fallback_region",
        "region",
        "settings",
        "Optional: the region Elasticsearch falls back to, {csp: ..., region: ...}, as it "
        "accepts it.",
        value_type="dict[str, str] | None",
    ),
    ResourceProperty(
        "force",
        "boolean",
        "provider",
        "Apply the policy even if it denies inference endpoints that ingest pipelines or "
        "semantic_text fields use (they stop working); without it the cluster refuses such a "
        "policy.",
        value_type="bool",
        default=False,
    ),
    ResourceProperty(
        "adopt_existing",
        "boolean",
        "provider",
        "Take over a policy the cluster already has (made by hand or by Kibana) instead of "
        "failing; it is replaced by this declaration.",
        value_type="bool",
        default=False,
    ),
    ResourceProperty(
        "connection",
        "connection",
        "dynamic",
        "Where the cluster is, as for InferenceEndpoint (the dynamic resource; the native "
        "provider takes it from its own configuration).",
        value_type=_OPTIONAL_SETTINGS,
        sensitive="connection",
        doors=("dynamic",),
    ),
    ResourceProperty(
        "secrets",
        "settings",
        "dynamic",
        "The dynamic resource's secret values (the connection's), always a Pulumi secret.",
        value_type=_OPTIONAL_SETTINGS,
        sensitive="whole",
        doors=("dynamic",),
    ),
    ResourceProperty(
        "created_at",
        "string",
        "output",
        "When the cluster's policy was first created (kept across updates).",
        required=True,
    ),
    ResourceProperty(
        "created_by",
        "string",
        "output",
        "Who created it (when security knows).",
        value_type="str | None",
    ),
    ResourceProperty(
        "updated_at", "string", "output", "When it was last replaced.", value_type="str | None"
    ),
    ResourceProperty(
        "updated_by", "string", "output", "Who last replaced it.", value_type="str | None"
    ),
    ResourceProperty(
        "cluster_version",
        "string",
        "output",
        "The cluster's version at the last create, update or refresh.",
        required=True,
    ),
    ResourceProperty(
        "cluster_uuid",
        "string",
        "output",
        "The cluster_uuid of the cluster the policy is on (GET /); every later command first "
        "checks that the URL still answers as that cluster.",
        value_type="str | None",
    ),
    ResourceProperty(
        "cluster_name", "string", "output", "The name of that cluster.", value_type="str | None"
    ),
)
"""The properties of ``InferenceRegionPolicy``, in the endpoint's style (docs/region-policy.md):
``settings`` are the ``region_policy`` object sent to the cluster, ``provider`` only steer the
provider."""
