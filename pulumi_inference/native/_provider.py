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
import difflib
import functools
import os
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

from .. import _engine_log, catalogue, operations
from .._names import camel
from .._nested import normalize_numbers, secret_leaves
from .._redact import redact
from .._unknown import UNKNOWN
from ..client import InferenceClient
from ..connection import FIELDS, SECRET_CONNECTION_FIELDS
from ..errors import EndpointNotFoundError
from ..operations import Change, DesiredEndpoint
from ..properties import OUTPUT_KEYS
from ._schema import INPUT_NAMES, PACKAGE, schema_json
from ._values import native_wording, to_plain, to_wire

WORKERS_ENV = "PULUMI_INFERENCE_NATIVE_WORKERS"
_T = TypeVar("_T")

_CONFIG_KEYS = {field.config_key for field in FIELDS} | {"insecure"}
_SECRET_CONFIG_KEYS = {field.config_key for field in FIELDS if field.secret}
_SECRET_CONFIG_KEYS_SET = frozenset(_SECRET_CONFIG_KEYS)
_ENGINE_CONFIG_KEYS = {"version", "pluginDownloadURL"}  # added by the engine, not ours

_KINDS = {
    ("add", False): PropertyDiffKind.ADD,
    ("add", True): PropertyDiffKind.ADD_REPLACE,
    ("delete", False): PropertyDiffKind.DELETE,
    ("delete", True): PropertyDiffKind.DELETE_REPLACE,
    ("update", False): PropertyDiffKind.UPDATE,
    ("update", True): PropertyDiffKind.UPDATE_REPLACE,
}


def _diff_key(change: Change) -> str:
    """``serviceSettings.api_key``: the top-level name in camelCase, settings keys as is."""
    return ".".join((camel(change.path[0]), *change.path[1:]))


def _property_path(path: str) -> str:
    """``service_settings.model_id`` -> ``serviceSettings.model_id``."""
    top, dot, rest = path.partition(".")
    return camel(top) + dot + rest


def _inputs_of(plain: Mapping[str, Any]) -> dict[str, Any]:
    return {key: normalize_numbers(plain[key]) for key in INPUT_NAMES if key in plain}


def _suggest(name: str) -> str:
    close = difflib.get_close_matches(name, [camel(n) for n in INPUT_NAMES], n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


class InferenceEndpointPlugin(Provider):
    """``elasticsearch-inference:index:InferenceEndpoint`` and its provider configuration."""

    def __init__(self) -> None:
        self._config: dict[str, Any] = {}
        workers = os.environ.get(WORKERS_ENV, "")
        self._executor = ThreadPoolExecutor(
            max_workers=int(workers) if workers.isdigit() and int(workers) > 0 else 64,
            thread_name_prefix=PACKAGE,
        )

    async def _run(self, urn: str | None, work: Callable[[], _T]) -> _T:
        """Blocking ``work`` on the provider's executor, its log records on ``urn``."""
        context = contextvars.copy_context()
        context.run(_engine_log.current_urn.set, urn or None)
        context.run(_engine_log.current_wording.set, native_wording)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(context.run, work))

    def _client(self, spec: DesiredEndpoint) -> InferenceClient:
        return operations.connect(spec, self._config, namespace=None)

    # -- the provider's own configuration ---------------------------------------------

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(schema=schema_json())

    def config_secrets(self) -> list[str]:
        """The provider configuration's credentials, for redaction."""
        return secret_leaves(self._config, _SECRET_CONFIG_KEYS_SET)

    async def check_config(self, request: CheckRequest) -> CheckResponse:
        _, secret_paths = to_plain(request.new_inputs)
        failures = [
            CheckFailure(key, f"unknown provider setting; known: {', '.join(sorted(_CONFIG_KEYS))}")
            for key in request.new_inputs
            if key not in _CONFIG_KEYS and key not in _ENGINE_CONFIG_KEYS
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
            if key not in _ENGINE_CONFIG_KEYS and old.get(key) != new.get(key)
        )
        return DiffResponse(
            changes=bool(changed),
            diffs=changed,
            detailed_diff={key: PropertyDiff(PropertyDiffKind.UPDATE, True) for key in changed},
        )

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        config: dict[str, Any] = {}
        prefix = f"{PACKAGE}:config:"
        for key, value in request.variables.items():
            name = key[len(prefix) :] if key.startswith(prefix) else key.rsplit(":", 1)[-1]
            config[name] = value
        plain, _ = to_plain(request.args)
        config.update({key: value for key, value in plain.items() if value is not None})
        self._config = {key: value for key, value in config.items() if key in _CONFIG_KEYS}
        return ConfigureResponse(accept_secrets=True, supports_preview=True)

    # -- offline ----------------------------------------------------------------------

    async def check(self, request: CheckRequest) -> CheckResponse:
        plain, secret_paths = to_plain(request.new_inputs)
        issues = [(_property_path(path), message) for path, message in operations.check(plain)]
        issues += [
            (key, f"unknown property{_suggest(key)}")
            for key in request.new_inputs
            if key not in {camel(name) for name in INPUT_NAMES}
        ]
        hidden = _secrets_in(plain)
        failures = [
            CheckFailure(path, native_wording(redact(message, hidden))) for path, message in issues
        ]
        return CheckResponse(inputs=to_wire(_inputs_of(plain), secret_paths), failures=failures)

    async def diff(self, request: DiffRequest) -> DiffResponse:
        old_plain, _ = to_plain(request.old_state)
        new_plain, _ = to_plain(request.new_inputs)
        old, new = DesiredEndpoint.from_props(old_plain), DesiredEndpoint.from_props(new_plain)
        plan = await self._run(
            request.urn, lambda: operations.diff(old, new, lambda: self._client(old))
        )
        return DiffResponse(
            changes=plan.has_changes,
            replaces=sorted({camel(name) for name in plan.replaces}),
            delete_before_replace=plan.delete_before_replace,
            diffs=sorted({camel(change.path[0]) for change in plan.changes}),
            detailed_diff={
                _diff_key(change): PropertyDiff(_KINDS[change.kind, change.replaces], True)
                for change in plan.changes
            },
        )

    # -- against the cluster ----------------------------------------------------------

    async def create(self, request: CreateRequest) -> CreateResponse:
        plain, secret_paths = to_plain(request.properties)
        inputs = _inputs_of(plain)
        spec = DesiredEndpoint.from_props(inputs)
        if request.preview:
            return CreateResponse(
                resource_id=None, properties=to_wire({**inputs, **_unknown_outputs()}, set())
            )
        observed = await self._run(
            request.urn, lambda: operations.create(self._client(spec), spec, inputs)
        )
        outputs = {**inputs, **observed.outputs()}
        return CreateResponse(spec.inference_id, to_wire(outputs, secret_paths))

    async def read(self, request: ReadRequest) -> ReadResponse:
        stored, secret_paths = to_plain(request.inputs or request.properties)
        if not stored.get("inference_id"):  # `pulumi import`: only the id is known
            return await self._import(request)
        spec = DesiredEndpoint.from_props(stored)
        declared = _inputs_of(stored)
        found = await self._run(
            request.urn, lambda: operations.read(self._client(spec), spec, declared)
        )
        if found is None:
            return ReadResponse(resource_id=None)
        outputs = {**found.inputs, **found.observed.outputs()}
        return ReadResponse(
            resource_id=request.resource_id or spec.inference_id,
            properties=to_wire(outputs, secret_paths),
            inputs=to_wire(found.inputs, secret_paths),
        )

    async def _import(self, request: ReadRequest) -> ReadResponse:
        inference_id = request.resource_id
        probe = DesiredEndpoint.from_props(
            {"inference_id": inference_id, "task_type": "?", "service": "?"}
        )
        found = await self._run(
            request.urn, lambda: operations.existing_endpoint(self._client(probe), inference_id)
        )
        if found is None:
            raise EndpointNotFoundError(
                f"inference endpoint '{inference_id}' does not exist on the cluster; check "
                "the id (GET /_inference/_all lists them) and the provider's url",
                status=404,
            )
        return ReadResponse(
            resource_id=inference_id,
            properties=to_wire({**found.declaration, **found.observed.outputs()}, set()),
            inputs=to_wire(found.declaration, set()),
        )

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        olds, _ = to_plain(request.olds)
        news, secret_paths = to_plain(request.news)
        inputs = _inputs_of(news)
        old, new = DesiredEndpoint.from_props(olds), DesiredEndpoint.from_props(inputs)
        recorded = operations.Observed.from_outputs(olds)
        if request.preview:
            in_place = operations.plan_change(old, new).update_body
            outputs = {**inputs, **(_unknown_outputs() if in_place else recorded.outputs())}
            return UpdateResponse(properties=to_wire(outputs, secret_paths))
        observed = await self._run(
            request.urn,
            lambda: operations.update(lambda: self._client(new), old, new, recorded),
        )
        return UpdateResponse(properties=to_wire({**inputs, **observed.outputs()}, secret_paths))

    async def delete(self, request: DeleteRequest) -> None:
        plain, _ = to_plain(request.properties)
        spec = DesiredEndpoint.from_props(plain)
        await self._run(request.urn, lambda: operations.delete(self._client(spec), spec))


def _unknown_outputs() -> dict[str, Any]:
    return dict.fromkeys(OUTPUT_KEYS, UNKNOWN)


def _secrets_in(plain: Mapping[str, Any]) -> list[str]:
    return secret_leaves(plain, catalogue.SECRET_KEYS | SECRET_CONNECTION_FIELDS)
