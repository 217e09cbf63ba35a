"""The rules as CrossGuard policies (``pulumi-policy``), and the pack that serves them.

``pulumi-policy`` pins its own protobuf and grpcio, so it lives in the policy pack's
virtualenv, not in every program's: it is imported here only when a pack is built.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pulumi

from ..properties import NATIVE_PACKAGE
from ._endpoint import RESOURCE_TYPES, endpoint_of
from ._region import REGION_POLICY_TYPES, region_policy_of
from ._rules import RULES, Context, Rule

PACK_NAME = NATIVE_PACKAGE
"""The pack is named after the provider package it reviews."""

Report = Callable[..., None]


def _context() -> Context:
    return Context(stack=pulumi.get_stack())


def _schema(rule: Rule) -> dict[str, dict[str, Any]]:
    return {
        key: {**schema, **({"default": rule.defaults[key]} if key in rule.defaults else {})}
        for key, schema in rule.schema.items()
    }


def _resource_validation(rule: Rule) -> Callable[[Any, Report], None]:
    assert rule.check is not None
    check = rule.check

    def validate(args: Any, report_violation: Report) -> None:
        if args.resource_type not in RESOURCE_TYPES:
            return
        endpoint = endpoint_of(args.name, args.urn, args.props, protect=bool(args.opts.protect))
        for message in check(endpoint, rule.config(args.get_config()), _context()):
            report_violation(message)

    return validate


def _stack_validation(rule: Rule) -> Callable[[Any, Report], None]:
    assert rule.check_stack is not None
    check = rule.check_stack

    def validate(args: Any, report_violation: Report) -> None:
        endpoints = [
            endpoint_of(r.name, r.urn, r.props, protect=bool(r.opts.protect))
            for r in args.resources
            if r.resource_type in RESOURCE_TYPES
        ]
        for message in check(endpoints, rule.config(args.get_config()), _context()):
            report_violation(message)

    return validate


def _region_validation(rule: Rule) -> Callable[[Any, Report], None]:
    assert rule.check_regions is not None
    check = rule.check_regions

    def validate(args: Any, report_violation: Report) -> None:
        found = [
            region_policy_of(r.name, r.urn, r.props)
            for r in args.resources
            if r.resource_type in REGION_POLICY_TYPES
        ]
        for message in check(found, rule.config(args.get_config()), _context()):
            report_violation(message)

    return validate


def policies(enforcement: Mapping[str, str] | None = None) -> list[Any]:
    """Every rule as a ``pulumi_policy`` policy, to serve on its own (:func:`serve_policy_pack`)
    or add to a pack of your own. ``enforcement`` overrides default levels by rule id
    (``"advisory"``, ``"mandatory"`` or ``"disabled"``)."""
    import pulumi_policy as crossguard

    levels = dict(enforcement or {})
    unknown = sorted(set(levels) - {rule.id for rule in RULES})
    if unknown:
        raise ValueError(
            f"enforcement: no rule {', '.join(unknown)}; the rules are "
            f"{', '.join(rule.id for rule in RULES)}"
        )
    built = []
    for rule in RULES:
        common: dict[str, Any] = {
            "name": rule.id,
            "description": rule.description,
            "enforcement_level": crossguard.EnforcementLevel(levels.get(rule.id, rule.enforcement)),
        }
        if rule.schema:
            common["config_schema"] = crossguard.PolicyConfigSchema(properties=_schema(rule))
        if rule.check is not None:
            built.append(
                crossguard.ResourceValidationPolicy(validate=_resource_validation(rule), **common)
            )
        elif rule.check_stack is not None:
            built.append(
                crossguard.StackValidationPolicy(validate=_stack_validation(rule), **common)
            )
        else:
            built.append(
                crossguard.StackValidationPolicy(validate=_region_validation(rule), **common)
            )
    return built


def serve_policy_pack(
    name: str = PACK_NAME, *, enforcement: Mapping[str, str] | None = None
) -> None:
    """Serve the pack to the engine (a pack's ``__main__.py`` calls it; it does not return)."""
    import pulumi_policy as crossguard

    crossguard.PolicyPack(name=name, policies=policies(enforcement))
