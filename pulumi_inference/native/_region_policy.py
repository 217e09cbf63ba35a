"""The native door's ``elasticsearch-inference:index:InferenceRegionPolicy``: the protocol's
calls for it, over the region policy operations (converting only, like the endpoint's)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckFailure,
    CheckRequest,
    CheckResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    PropertyDiff,
    PropertyDiffKind,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from .. import _naming, operations
from .._naming import camel
from .._pulumi_wire import UNKNOWN
from ..client import InferenceClient
from ..operations import REGION_POLICY_ID, DesiredRegionPolicy, PolicyState
from ..properties import NATIVE_REGION_POLICY_TYPE
from ._program_naming import program_naming
from ._values import to_plain, to_wire

_T = TypeVar("_T")
Run = Callable[[str | None, Callable[[], _T]], Awaitable[_T]]

REGION_OUTPUTS = (*operations.REGION_POLICY_INPUT_KEYS, *operations.REGION_POLICY_OUTPUT_KEYS)
_SNAKE = {camel(name): name for name in REGION_OUTPUTS}


def is_region_policy(urn: str | None) -> bool:
    """Whether a request's URN names an ``InferenceRegionPolicy`` (its type is the third part)."""
    parts = (urn or "").split("::")
    return len(parts) >= 3 and parts[2].rsplit("$", 1)[-1] == NATIVE_REGION_POLICY_TYPE


def _plain(props: Mapping[str, PropertyValue]) -> dict[str, Any]:
    plain, _ = to_plain(props)
    return {_SNAKE.get(key, key): value for key, value in plain.items()}


def _inputs(plain: Mapping[str, Any]) -> dict[str, Any]:
    return {key: plain[key] for key in operations.REGION_POLICY_INPUT_KEYS if key in plain}


def _wire(plain: Mapping[str, Any]) -> dict[str, PropertyValue]:
    return to_wire({camel(key): value for key, value in plain.items()}, set())


def _property_path(path: str) -> str:
    """``allowed_regions[0].csp`` as the program spells it: ``allowedRegions[0].csp``."""
    cut = min((i for i in (path.find("."), path.find("[")) if i >= 0), default=len(path))
    return program_naming()(path[:cut]) + path[cut:]


def _state(found: PolicyState) -> dict[str, PropertyValue]:
    return _wire({**found.inputs, **found.outputs})


class RegionPolicyCalls:
    """What the plugin answers for a region policy; ``connect`` gives the provider's cluster."""

    def __init__(self, connect: Callable[[], InferenceClient], run: Run[Any]) -> None:
        self._connect = connect
        self._run = run

    async def check(self, request: CheckRequest) -> CheckResponse:
        plain = _plain(request.new_inputs)
        with _naming.naming(program_naming()):
            issues = operations.check_region_policy(plain)
            issues += operations.unknown_properties(plain, operations.REGION_POLICY_INPUT_KEYS)
        if not issues:
            old = (
                DesiredRegionPolicy.from_props(_plain(request.old_inputs))
                if request.old_inputs
                else None
            )
            new = DesiredRegionPolicy.from_props(plain)
            issues = await self._run(
                request.urn,
                lambda: operations.check_against_cluster(self._connect, old, new),
            )
        failures = [
            CheckFailure(prop, reason)
            for prop, reason in operations.as_check_failures(issues, _property_path)
        ]
        return CheckResponse(inputs=_wire(_inputs(plain)), failures=failures)

    async def diff(self, request: DiffRequest) -> DiffResponse:
        recorded = _plain(request.old_state)
        old = DesiredRegionPolicy.from_props(recorded)
        new = DesiredRegionPolicy.from_props(_plain(request.new_inputs))
        plan = operations.plan_region_policy(old, new)
        await self._run(
            request.urn, lambda: operations.confirm_policy_cluster(self._connect, recorded)
        )
        return DiffResponse(
            changes=plan.has_changes,
            replaces=[],
            delete_before_replace=False,
            diffs=[camel(key) for key in plan.changed],
            detailed_diff={
                camel(key): PropertyDiff(PropertyDiffKind.UPDATE, True) for key in plan.changed
            },
        )

    async def create(self, request: CreateRequest) -> CreateResponse:
        inputs = _inputs(_plain(request.properties))
        if request.preview:
            outputs = dict.fromkeys(operations.REGION_POLICY_OUTPUT_KEYS, UNKNOWN)
            return CreateResponse(resource_id=None, properties=_wire({**inputs, **outputs}))
        desired = DesiredRegionPolicy.from_props(inputs)
        found = await self._run(
            request.urn, lambda: operations.create_region_policy(self._connect(), desired)
        )
        return CreateResponse(REGION_POLICY_ID, _state(found))

    async def read(self, request: ReadRequest) -> ReadResponse:
        stored = _inputs(_plain(request.inputs or request.properties))
        if not stored:  # `pulumi import` (or import_): only the id is known
            found: PolicyState | None = await self._run(
                request.urn, lambda: operations.import_region_policy(self._connect())
            )
        else:
            recorded = _plain(request.properties)
            found = await self._run(
                request.urn,
                lambda: operations.read_region_policy(self._connect(), stored, recorded),
            )
        if found is None:
            return ReadResponse(resource_id=None)
        return ReadResponse(
            resource_id=request.resource_id or REGION_POLICY_ID,
            properties=_state(found),
            inputs=_wire(found.inputs),
        )

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        olds = _plain(request.olds)
        new = DesiredRegionPolicy.from_props(_inputs(_plain(request.news)))
        old = DesiredRegionPolicy.from_props(_inputs(olds))
        if request.preview:
            outputs = {key: olds.get(key) for key in operations.REGION_POLICY_OUTPUT_KEYS}
            if old.policy_key() != new.policy_key():
                outputs["updated_at"] = UNKNOWN
            return UpdateResponse(properties=_wire({**new.props, **outputs}))
        found = await self._run(
            request.urn,
            lambda: operations.update_region_policy(self._connect(), old, new, olds),
        )
        return UpdateResponse(properties=_state(found))

    async def delete(self, request: DeleteRequest) -> None:
        recorded = _plain(request.properties)
        await self._run(
            request.urn, lambda: operations.delete_region_policy_of(self._connect(), recorded)
        )
