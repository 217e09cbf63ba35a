"""The rules of the policy pack, as plain functions of :class:`Endpoint` values.

Each rule has an id, a description, a default enforcement level and a configuration (a JSON
schema the engine checks ``--policy-pack-config`` against, plus defaults). A check yields one
message per violation; every message names the endpoint, the rule, the value found and the
fix. Values not known yet (a preview of Outputs) are skipped: the engine runs the pack again
when they are.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .._published import docs_url
from .._pulumi_wire import UNKNOWN
from ._endpoint import Endpoint
from ._region import RegionPolicy

Enforcement = Literal["advisory", "mandatory"]
Config = Mapping[str, Any]


@dataclass(frozen=True)
class Context:
    """What a rule knows of the run: the stack's name (``pulumi.get_stack()``)."""

    stack: str


ResourceCheck = Callable[[Endpoint, Config, Context], Iterator[str]]
StackCheck = Callable[[Sequence[Endpoint], Config, Context], Iterator[str]]
RegionCheck = Callable[[Sequence[RegionPolicy], Config, Context], Iterator[str]]


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    enforcement: Enforcement
    schema: dict[str, Any] = field(default_factory=dict)
    """JSON schema of each configuration key."""
    defaults: dict[str, Any] = field(default_factory=dict)
    check: ResourceCheck | None = None
    check_stack: StackCheck | None = None
    check_regions: RegionCheck | None = None
    """A stack check over the stack's region policies (``InferenceRegionPolicy``)."""

    def config(self, given: Config | None) -> dict[str, Any]:
        return {**self.defaults, **{k: v for k, v in (given or {}).items() if k in self.schema}}


def _known(value: Any) -> bool:
    return value is not None and value is not UNKNOWN


def _matches(value: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(value.lower(), str(p).lower()) for p in patterns)


def _fix_config(rule_id: str, key: str, value: Any) -> str:
    return (
        f"or add {value!r} to {key!r} of {rule_id} in the policy pack's configuration "
        "(--policy-pack-config)"
    )


def _allowed_list(rule_id: str, attribute: str, noun: str) -> ResourceCheck:
    def check(endpoint: Endpoint, config: Config, context: Context) -> Iterator[str]:
        allowed = config.get("allowed")
        value = getattr(endpoint, attribute)
        if allowed is None or not isinstance(value, str) or _matches(value, allowed):
            return
        yield (
            f"{endpoint.label()}: {noun} {value!r} is not allowed (allowed: "
            f"{', '.join(map(str, allowed)) or 'none'}). Fix: declare an allowed {noun}, "
            f"{_fix_config(rule_id, 'allowed', value)}."
        )

    return check


def _flag_off(rule_id: str, attribute: str, why: str, fix: str) -> ResourceCheck:
    def check(endpoint: Endpoint, config: Config, context: Context) -> Iterator[str]:
        if getattr(endpoint, attribute) is True:
            yield f"{endpoint.label()}: {attribute} is true ({rule_id}): {why} Fix: {fix}"

    return check


def _per_endpoint_allocations(
    endpoint: Endpoint, config: Config, context: Context
) -> Iterator[str]:
    cap = config.get("max")
    if cap is None:
        return
    if endpoint.unbounded:
        yield (
            f"{endpoint.label()}: service_settings.adaptive_allocations has no "
            f"max_number_of_allocations, so it may scale past the {cap} ML allocations an "
            f"endpoint may take. Fix: set adaptive_allocations.max_number_of_allocations to "
            f"{cap} or fewer."
        )
        return
    minimum = endpoint.min_allocations
    if isinstance(minimum, int) and minimum > cap:
        yield (
            f"{endpoint.label()}: service_settings.adaptive_allocations.min_number_of_allocations "
            f"is {minimum}, more than the {cap} ML allocations an endpoint may take. Fix: set it "
            f"to {cap} or fewer."
        )
    allocations = endpoint.allocations
    if not isinstance(allocations, int) or allocations <= cap:
        return
    key = (
        "adaptive_allocations.max_number_of_allocations"
        if _known(endpoint.max_allocations)
        else "num_allocations"
    )
    yield (
        f"{endpoint.label()}: service_settings.{key} is {allocations}, more than the {cap} ML "
        f"allocations an endpoint may take. Fix: set it to {cap} or fewer, or raise 'max' of "
        f"{ALLOCATIONS_PER_ENDPOINT} in the policy pack's configuration (--policy-pack-config)."
    )


def _per_stack_allocations(
    endpoints: Sequence[Endpoint], config: Config, context: Context
) -> Iterator[str]:
    cap = config.get("max")
    if cap is None:
        return
    unbounded = [f"'{e.name}'" for e in endpoints if e.unbounded]
    if unbounded:
        yield (
            f"stack '{context.stack}': {', '.join(unbounded)} use adaptive allocations without "
            f"max_number_of_allocations, so the stack may take more than the {cap} ML "
            "allocations it may take. Fix: set adaptive_allocations.max_number_of_allocations "
            "on each."
        )
    counted = [(e, e.allocations) for e in endpoints if isinstance(e.allocations, int)]
    total = sum(allocations for _, allocations in counted)
    if total <= cap:
        return
    parts = ", ".join(f"'{e.name}' {allocations}" for e, allocations in counted if allocations)
    yield (
        f"stack '{context.stack}': its inference endpoints take up to {total} ML allocations "
        f"({parts}), more than the {cap} a stack may take. Fix: lower num_allocations or "
        "adaptive_allocations.max_number_of_allocations, or raise 'max' of "
        f"{ALLOCATIONS_PER_STACK} in the policy pack's configuration (--policy-pack-config)."
    )


def _protected(endpoint: Endpoint, config: Config, context: Context) -> Iterator[str]:
    stacks = config.get("stacks") or []
    if endpoint.protect or not _matches(context.stack, stacks):
        return
    yield (
        f"{endpoint.label()}: not protected in stack '{context.stack}' ({PROTECTED}: "
        f"stacks {', '.join(map(str, stacks))} must protect their endpoints, so that no change "
        "deletes or replaces one by accident). Fix: declare it with "
        "opts=pulumi.ResourceOptions(protect=True) (YAML: options: {protect: true})."
    )


REGION_POLICY_REQUIRED = "region-policy-required"


def _region_policy_required(
    found: Sequence[RegionPolicy], config: Config, context: Context
) -> Iterator[str]:
    stacks = config.get("stacks") or []
    if found or not _matches(context.stack, stacks):
        return
    yield (
        f"stack '{context.stack}' declares no InferenceRegionPolicy ({REGION_POLICY_REQUIRED}: "
        f"stacks {', '.join(map(str, stacks))} must say where inference may run). Fix: declare "
        "pulumi_inference.InferenceRegionPolicy (or the native one) with allowed_geos or "
        f"allowed_regions ({docs_url('docs/region-policy.md')}), or take the stack out of "
        f"'stacks' of {REGION_POLICY_REQUIRED} in the policy pack's configuration "
        "(--policy-pack-config)."
    )


def _list_schema(what: str) -> dict[str, Any]:
    return {
        "allowed": {
            "type": "array",
            "items": {"type": "string"},
            "description": f"{what} allowed; shell-style patterns such as '.elser*' match too.",
        }
    }


def _max_schema(what: str) -> dict[str, Any]:
    return {"max": {"type": "integer", "minimum": 0, "description": what}}


ALLOCATIONS_PER_ENDPOINT = "inference-max-allocations-per-endpoint"
ALLOCATIONS_PER_STACK = "inference-max-allocations-per-stack"
PROTECTED = "inference-protected-in-stacks"

RULES: tuple[Rule, ...] = (
    Rule(
        "inference-allowed-services",
        "Inference endpoints use only the services the platform team allows.",
        "mandatory",
        _list_schema("Services"),
        check=_allowed_list("inference-allowed-services", "service", "service"),
    ),
    Rule(
        "inference-allowed-task-types",
        "Inference endpoints serve only the task types the platform team allows.",
        "mandatory",
        _list_schema("Task types"),
        check=_allowed_list("inference-allowed-task-types", "task_type", "task type"),
    ),
    Rule(
        "inference-allowed-models",
        "Inference endpoints use only the models the platform team allows "
        "(service_settings.model_id, or model).",
        "mandatory",
        _list_schema("Models"),
        check=_allowed_list("inference-allowed-models", "model", "model"),
    ),
    Rule(
        ALLOCATIONS_PER_ENDPOINT,
        "An inference endpoint takes at most so many ML allocations (num_allocations, or the "
        "adaptive max_number_of_allocations).",
        "mandatory",
        _max_schema("Most ML allocations one endpoint may take."),
        {"max": 8},
        check=_per_endpoint_allocations,
    ),
    Rule(
        ALLOCATIONS_PER_STACK,
        "A stack's inference endpoints take at most so many ML allocations together.",
        "mandatory",
        _max_schema("Most ML allocations a stack's endpoints may take together."),
        {"max": 32},
        check_stack=_per_stack_allocations,
    ),
    Rule(
        "inference-no-force-delete",
        "Inference endpoints do not set force_delete, which deletes an endpoint that ingest "
        "pipelines or semantic_text fields still use.",
        "mandatory",
        check=_flag_off(
            "inference-no-force-delete",
            "force_delete",
            "a delete or replacement would go ahead while pipelines or semantic_text fields "
            "still use the endpoint, silently breaking them.",
            "remove force_delete; move those users to another endpoint first.",
        ),
    ),
    Rule(
        PROTECTED,
        "Inference endpoints are protected in the named stacks.",
        "mandatory",
        {
            "stacks": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Stacks (shell-style patterns) whose endpoints must be protected.",
            }
        },
        {"stacks": ["prod", "production"]},
        check=_protected,
    ),
    Rule(
        "inference-no-adopt-existing",
        "adopt_existing is not left on once an endpoint has been adopted.",
        "advisory",
        check=_flag_off(
            "inference-no-adopt-existing",
            "adopt_existing",
            "left on, a later create would silently take over an endpoint someone else made "
            "with the same id instead of failing.",
            "remove adopt_existing once `pulumi up` has adopted the endpoint.",
        ),
    ),
    Rule(
        "inference-no-unknown-service",
        "Inference endpoints use services the library knows (allow_unknown_service is off), so "
        "that their settings are checked before anything is sent.",
        "mandatory",
        check=_flag_off(
            "inference-no-unknown-service",
            "allow_unknown_service",
            "the endpoint's settings go to the cluster unchecked.",
            "use a known service, or upgrade pulumi-inference to one that knows it.",
        ),
    ),
    Rule(
        REGION_POLICY_REQUIRED,
        "The named stacks declare an inference region policy (where Elastic Inference Service "
        "may run; Elasticsearch 9.5+).",
        "mandatory",
        {
            "stacks": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Stacks (shell-style patterns) that must declare one.",
            }
        },
        {"stacks": []},
        check_regions=_region_policy_required,
    ),
)
RULES_BY_ID = {rule.id: rule for rule in RULES}
