"""The native provider: Pulumi's resource provider protocol over the endpoint operations.

Like the dynamic adapter, it only converts (PropertyValues and camelCase names to canonical
props and back, per-key secrets, the detailed diff's paths); every decision is made by
:mod:`pulumi_inference.operations`. Calls run concurrently: the operations are blocking
(pooled ``httpx`` clients, deployment polling), so each runs on a thread of an executor of
its own, sized for many deployment waits at once rather than the loop's small default pool.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from pulumi.provider.experimental.provider import (
    CheckFailure,
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    PropertyDiff,
    PropertyDiffKind,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from .. import _engine_log, _naming, operations
from .._environment import worker_count
from .._naming import camel
from .._nested import normalize_numbers
from .._secrets import redact, secret_leaves
from ..client import InferenceClient
from ..connection import FIELDS
from ..operations import Change, DesiredEndpoint
from ..properties import NATIVE_PACKAGE
from ._program_naming import program_naming
from ._region_policy import RegionPolicyCalls, is_region_policy
from ._schema import INPUT_NAMES, schema_json
from ._values import to_plain, to_wire

WORKERS_ENV = "PULUMI_INFERENCE_NATIVE_WORKERS"
_T = TypeVar("_T")

_SECRET_CONFIG_KEYS = frozenset(field.config_key for field in FIELDS if field.secret)


def _diff_key(change: Change) -> str:
    """``serviceSettings.api_key``: the top-level name in camelCase, settings keys as is."""
    return ".".join((camel(change.path[0]), *change.path[1:]))


def _property_path(path: str) -> str:
    """``service_settings.model_id`` as the program spells it: ``serviceSettings.model_id``."""
    top, dot, rest = path.partition(".")
    return program_naming()(top) + dot + rest


def _inputs_of(plain: Mapping[str, Any]) -> dict[str, Any]:
    return {key: normalize_numbers(plain[key]) for key in INPUT_NAMES if key in plain}


class InferenceEndpointPlugin(Provider):
    """``elasticsearch-inference:index:InferenceEndpoint`` and its provider configuration."""

    def __init__(self) -> None:
        self._config: dict[str, Any] = {}
        self._executor = ThreadPoolExecutor(
            max_workers=worker_count(WORKERS_ENV),
            thread_name_prefix=NATIVE_PACKAGE,
        )
        self._regions = RegionPolicyCalls(
            lambda: self._cluster("the inference region policy"), self._run
        )

    async def _run(self, urn: str | None, work: Callable[[], _T]) -> _T:
        """Blocking ``work`` on the provider's executor, its log records on ``urn``."""
        context = contextvars.copy_context()
        context.run(_engine_log.current_urn.set, urn or None)
        context.run(_naming.current.set, program_naming())
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(context.run, work))

    def _client(self, spec: DesiredEndpoint) -> InferenceClient:
        return operations.connect(spec, self._config, namespace=None)

    def _cluster(self, subject: str) -> InferenceClient:
        return operations.connect_to(self._config, subject=subject, namespace=None)

    # -- the provider's own configuration ---------------------------------------------

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(schema=schema_json())

    def config_secrets(self) -> list[str]:
        """The provider configuration's credentials, for redaction."""
        return secret_leaves(self._config, _SECRET_CONFIG_KEYS)

    async def check_config(self, request: CheckRequest) -> CheckResponse:
        _, secret_paths = to_plain(request.new_inputs)
        failures = [
            CheckFailure(key, message)
            for key, message in operations.check_provider_config(request.new_inputs)
        ]
        marked = secret_paths | {(key,) for key in request.new_inputs if key in _SECRET_CONFIG_KEYS}
        inputs = {
            key: value.with_secret(True) if (key,) in marked else value
            for key, value in request.new_inputs.items()
        }
        return CheckResponse(inputs=inputs, failures=failures)

    async def diff_config(self, request: DiffRequest) -> DiffResponse:
        old, _ = to_plain(request.old_state)
        new, _ = to_plain(request.new_inputs)
        changed = sorted(
            key
            for key in set(old) | set(new)
            if key not in operations.ENGINE_CONFIG_KEYS and old.get(key) != new.get(key)
        )
        if changed:  # a refused key is never stored as the provider's configuration
            config = operations.provider_config(new)
            subject = "the provider's new configuration"
            await self._run(
                request.urn,
                lambda: operations.require_usable(
                    lambda: operations.connect_to(config, subject=subject, namespace=None),
                    subject,
                ),
            )
        return DiffResponse(
            changes=bool(changed),
            diffs=changed,
            detailed_diff={key: PropertyDiff(PropertyDiffKind.UPDATE, True) for key in changed},
        )

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        config: dict[str, Any] = {}
        prefix = f"{NATIVE_PACKAGE}:config:"
        for key, value in request.variables.items():
            name = key[len(prefix) :] if key.startswith(prefix) else key.rsplit(":", 1)[-1]
            config[name] = value
        plain, _ = to_plain(request.args)
        config.update({key: value for key, value in plain.items() if value is not None})
        self._config = operations.provider_config(config)
        return ConfigureResponse(accept_secrets=True, supports_preview=True)

    # -- offline ----------------------------------------------------------------------

    async def check(self, request: CheckRequest) -> CheckResponse:
        if is_region_policy(request.urn):
            return await self._regions.check(request)
        plain, secret_paths = to_plain(request.new_inputs)
        with _naming.naming(program_naming()):
            issues = operations.check(plain) + operations.unknown_properties(plain, INPUT_NAMES)
        if not issues:  # what the cluster's version cannot accept (GET /, once per cluster)
            olds = to_plain(request.old_inputs)[0] if request.old_inputs else None
            issues = await self._run(
                request.urn,
                lambda: operations.check(
                    plain, connect=self._client, olds=olds, resource=request.urn
                ),
            )
        hidden = operations.secrets_in(plain)
        failures = [
            CheckFailure(prop, redact(reason, hidden))
            for prop, reason in operations.as_check_failures(issues, _property_path)
        ]
        return CheckResponse(inputs=to_wire(_inputs_of(plain), secret_paths), failures=failures)

    async def diff(self, request: DiffRequest) -> DiffResponse:
        if is_region_policy(request.urn):
            return await self._regions.diff(request)
        old_plain, _ = to_plain(request.old_state)
        new_plain, _ = to_plain(request.new_inputs)
        old, new = DesiredEndpoint.from_props(old_plain), DesiredEndpoint.from_props(new_plain)
        recorded = operations.Observed.from_outputs(old_plain)
        plan = await self._run(
            request.urn,
            lambda: operations.diff(
                old, new, lambda: self._client(new), recorded, resource=request.urn
            ),
        )
        return DiffResponse(
            changes=plan.has_changes,
            replaces=sorted({camel(name) for name in plan.replaces}),
            delete_before_replace=plan.delete_before_replace,
            diffs=sorted({camel(change.path[0]) for change in plan.changes}),
            detailed_diff={
                _diff_key(change): PropertyDiff(PropertyDiffKind[change.diff_kind], True)
                for change in plan.changes
            },
        )

    # -- against the cluster ----------------------------------------------------------

    async def create(self, request: CreateRequest) -> CreateResponse:
        if is_region_policy(request.urn):
            return await self._regions.create(request)
        plain, secret_paths = to_plain(request.properties)
        inputs = _inputs_of(plain)
        spec = DesiredEndpoint.from_props(inputs)
        if request.preview:  # the one place a preview of the native door says an adoption
            await self._run(
                request.urn,
                lambda: operations.preview_adoption(inputs, self._client, request.urn),
            )
            outputs = operations.preview_outputs(None, spec, None)
            return CreateResponse(
                resource_id=None, properties=to_wire({**inputs, **outputs}, set())
            )
        observed = await self._run(
            request.urn, lambda: operations.create(self._client(spec), spec, inputs)
        )
        outputs = {**inputs, **observed.outputs()}
        return CreateResponse(spec.inference_id, to_wire(outputs, secret_paths))

    async def read(self, request: ReadRequest) -> ReadResponse:
        if is_region_policy(request.urn):
            return await self._regions.read(request)
        stored, secret_paths = to_plain(request.inputs or request.properties)
        if operations.is_look_up(stored):  # a `get` or `pulumi import`: the id, maybe some state
            return await self._look_up(request, stored, secret_paths)
        spec = DesiredEndpoint.from_props(stored)
        declared = _inputs_of(stored)
        recorded = operations.Observed.from_outputs(to_plain(request.properties)[0])
        found = await self._run(
            request.urn, lambda: operations.read(self._client(spec), spec, declared, recorded)
        )
        if found is None:
            return ReadResponse(resource_id=None)
        outputs = {**found.inputs, **found.observed.outputs()}
        return ReadResponse(
            resource_id=request.resource_id or spec.inference_id,
            properties=to_wire(outputs, secret_paths),
            inputs=to_wire(found.inputs, secret_paths),
        )

    async def _look_up(
        self, request: ReadRequest, given: dict[str, Any], secret_paths: set[tuple[str, ...]]
    ) -> ReadResponse:
        inference_id = request.resource_id
        subject = f"inference endpoint '{inference_id}'"
        found = await self._run(
            request.urn,
            lambda: operations.look_up(self._cluster(subject), inference_id, given),
        )
        inputs = _inputs_of(found.inputs)
        return ReadResponse(
            resource_id=inputs["inference_id"],  # Terraform's id names the cluster too
            properties=to_wire({**inputs, **found.observed.outputs()}, secret_paths),
            inputs=to_wire(inputs, secret_paths),
        )

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        if is_region_policy(request.urn):
            return await self._regions.update(request)
        olds, _ = to_plain(request.olds)
        news, secret_paths = to_plain(request.news)
        inputs = _inputs_of(news)
        old, new = DesiredEndpoint.from_props(olds), DesiredEndpoint.from_props(inputs)
        recorded = operations.Observed.from_outputs(olds)
        if request.preview:
            outputs = {**inputs, **operations.preview_outputs(old, new, recorded)}
            return UpdateResponse(properties=to_wire(outputs, secret_paths))
        observed = await self._run(
            request.urn,
            lambda: operations.update(lambda: self._client(new), old, new, recorded),
        )
        return UpdateResponse(properties=to_wire({**inputs, **observed.outputs()}, secret_paths))

    async def delete(self, request: DeleteRequest) -> None:
        if is_region_policy(request.urn):
            return await self._regions.delete(request)
        plain, _ = to_plain(request.properties)
        spec = DesiredEndpoint.from_props(plain)
        recorded = operations.Observed.from_outputs(plain).cluster
        await self._run(request.urn, lambda: operations.delete(self._client(spec), spec, recorded))
