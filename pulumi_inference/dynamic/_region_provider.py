"""The dynamic provider of ``InferenceRegionPolicy``: the protocol over the region policy
operations, converting only (wire markers, the ``secrets`` layout of ``connection``).

Pickled by reference to ``pulumi_inference.provider.InferenceRegionPolicyProvider`` (its
``__module__``), an address every stack's state keeps.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from .. import _engine_log, operations
from .._nested import normalize_numbers
from .._secrets import redact
from ..client import InferenceClient
from ..operations import REGION_POLICY_ID, DesiredRegionPolicy, PolicyState
from . import _layout, _wire
from ._provider import _all_secrets, _one_message, stack_config
from ._server import extend_server, report_detailed_diff


def _policy(props: Mapping[str, Any]) -> DesiredRegionPolicy:
    return DesiredRegionPolicy.from_props(_layout.canonical(props)[0])


class InferenceRegionPolicyProvider(ResourceProvider):
    """Manages ``PUT/GET/DELETE /_inference/_region_policy`` (one per cluster)."""

    __module__ = "pulumi_inference.provider"

    _config: Mapping[str, Any] = {}

    def configure(self, req: ConfigureRequest) -> None:
        self._config = stack_config(req)
        _engine_log.route_to_engine()
        extend_server()

    @_one_message
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        props = _layout.canonical(_wire.unwrap(news)[0])[0]
        issues = operations.check_region_policy(props)
        if not issues:
            old = _policy(_wire.unwrap(olds)[0]) if olds else None
            new = DesiredRegionPolicy.from_props(props)
            issues = operations.check_against_cluster(lambda: self._client(new), old, new)
        hidden = _all_secrets(props)
        failures = operations.as_check_failures(issues)
        return CheckResult(news, [CheckFailure(p, redact(m, hidden)) for p, m in failures])

    @_one_message
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        recorded = _wire.unwrap(olds)[0]
        old, new = _policy(recorded), _policy(_wire.unwrap(news)[0])
        plan = operations.plan_region_policy(old, new)
        operations.confirm_policy_cluster(lambda: self._client(new), recorded)
        report_detailed_diff({key: "UPDATE" for key in plan.changed})
        return DiffResult(changes=plan.has_changes, replaces=[], delete_before_replace=False)

    @_one_message
    def create(self, props: dict[str, Any]) -> CreateResult:
        props, secret_paths = _wire.unwrap(props)
        desired = _policy(props)
        found = operations.create_region_policy(self._client(desired), desired)
        return CreateResult(REGION_POLICY_ID, _wire.remark(_state(props, found), secret_paths))

    @_one_message
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        props, secret_paths = _wire.unwrap(props)
        desired = _policy(props)
        found = operations.read_region_policy(self._client(desired), desired.props, props)
        if found is None:
            return ReadResult("", {})
        inputs = {**_layout_only(props), **found.inputs}
        return ReadResult(
            id_ or REGION_POLICY_ID,
            _wire.remark(_state(props, found), secret_paths),
            _wire.remark(inputs, secret_paths),
        )

    @_one_message
    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        olds = _wire.unwrap(olds)[0]
        news, secret_paths = _wire.unwrap(news)
        new = _policy(news)
        found = operations.update_region_policy(self._client(new), _policy(olds), new, olds)
        return UpdateResult(_wire.remark(_state(news, found), secret_paths))

    @_one_message
    def delete(self, _id: str, props: dict[str, Any]) -> None:
        recorded = _wire.unwrap(props)[0]
        operations.delete_region_policy_of(self._client(_policy(recorded)), recorded)

    def _client(self, desired: DesiredRegionPolicy) -> InferenceClient:
        return operations.connect_to(
            self._config, declared=desired.connection, subject="the inference region policy"
        )


def _layout_only(props: Mapping[str, Any]) -> dict[str, Any]:
    """What only the dynamic layout carries: the declared connection and its ``secrets``."""
    return {key: props[key] for key in ("connection", _layout.SECRETS) if key in props}


def _state(props: Mapping[str, Any], found: PolicyState) -> dict[str, Any]:
    """State: the inputs (the policy as the cluster has it) plus what the cluster recorded."""
    outs = {**_layout_only(props), **found.inputs, **found.outputs}
    return {key: normalize_numbers(value) for key, value in outs.items()}
