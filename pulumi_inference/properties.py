"""The properties of an inference endpoint resource: one table for both front ends.

Names are snake_case here and in the dynamic resource's state; the native provider's schema
spells the same names in camelCase (``inferenceId``). Keys *inside* the settings sections
keep the cluster's own names (``model_id``, ``api_key``) in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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

Kind = Literal["string", "boolean", "settings", "duration"]
Role = Literal["identity", "settings", "provider", "output", "dynamic"]


@dataclass(frozen=True)
class ResourceProperty:
    """``role``: ``identity`` and ``settings`` are sent to the cluster; ``provider`` only
    steers the provider (a change calls nothing on the cluster); ``output`` is computed;
    ``dynamic`` exists only in the dynamic resource's layout."""

    name: str
    kind: Kind
    role: Role
    description: str
    required: bool = False


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
    ),
    ResourceProperty(
        "task_settings",
        "settings",
        "settings",
        "Task settings; a changed or added key updates in place, a removed key replaces.",
    ),
    ResourceProperty(
        "chunking_settings",
        "settings",
        "settings",
        "Chunking for embedding task types, e.g. {strategy: sentence, max_chunk_size: 250, "
        "sentence_overlap: 1}; a change replaces.",
    ),
    ResourceProperty(
        "connection",
        "settings",
        "dynamic",
        "Where the cluster is (the dynamic resource; the native provider takes it from its "
        "own configuration).",
    ),
    ResourceProperty(
        "force_delete",
        "boolean",
        "provider",
        "Delete even when ingest pipelines or semantic_text fields use the endpoint.",
    ),
    ResourceProperty(
        "wait_for_deployment",
        "boolean",
        "provider",
        "elasticsearch/elser: wait until the model deployment is fully allocated (default true).",
    ),
    ResourceProperty(
        "deployment_timeout",
        "duration",
        "provider",
        "How long to wait for the deployment: seconds or a duration such as '20m' (default "
        "30 minutes).",
    ),
    ResourceProperty(
        "allow_unknown_service",
        "boolean",
        "provider",
        "Accept a service this library does not know yet, its settings passed through unchecked.",
    ),
    ResourceProperty(
        "adopt_existing",
        "boolean",
        "provider",
        "Take over an endpoint that already exists with this id (made by hand or another "
        "tool): what can change in place is updated, secrets set; one that differs in "
        "anything else is refused, never replaced.",
    ),
    ResourceProperty(
        "secrets",
        "settings",
        "dynamic",
        "The dynamic resource's secret values, always a Pulumi secret.",
    ),
    ResourceProperty(
        "effective_service_settings",
        "settings",
        "output",
        "Service settings as the cluster reports them, with the defaults it added "
        "(dimensions, similarity, rate_limit, ...); never a secret.",
    ),
    ResourceProperty(
        "effective_task_settings",
        "settings",
        "output",
        "Task settings as the cluster reports them.",
    ),
    ResourceProperty(
        "effective_chunking_settings",
        "settings",
        "output",
        "Chunking settings as the cluster reports them (defaults included).",
    ),
    ResourceProperty(
        "cluster_version",
        "string",
        "output",
        "The cluster's Elasticsearch version at the last create, update or refresh.",
    ),
)


def names(*roles: Role) -> tuple[str, ...]:
    return tuple(p.name for p in PROPERTIES if p.role in roles)


PROVIDER_ONLY_KEYS = ("connection", *names("provider"))
"""Inputs that only steer the provider: changing them calls nothing on the cluster."""
INPUT_KEYS = names("identity", "settings", "provider", "dynamic")
"""Input property names of the dynamic resource: the public contract of its state."""
OUTPUT_KEYS = names("output")
"""Output-only property names: what the cluster computed, as both front ends record it."""
