"""The dynamic provider: Pulumi's dynamic-provider protocol over the endpoint operations.

It only converts: wire values to canonical props (secret markers off, the ``secrets``
property merged back), results to outputs in the dynamic layout (secret markers back on),
and errors to one redacted message. Every decision is in :mod:`pulumi_inference.operations`.

The instance is pickled into every resource's ``__provider`` input, by reference to this
class (``pulumi_inference.provider.InferenceEndpointProvider``, its ``__module__``: a
contract with every
existing stack's state), so it holds nothing but the stack config set in ``configure`` (in
the provider process, after unpickling). HTTP clients live in a process-wide pool.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

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
from .._environment import DEBUG_ENV, debugging
from .._nested import normalize_numbers
from .._secrets import redact
from ..client import InferenceClient
from ..connection import config_keys
from ..errors import InferenceError
from ..operations import DesiredEndpoint
from ..properties import INPUT_KEYS, without_defaults
from . import _layout, _wire
from ._server import (
    QuietFailure,
    calling_urn,
    extend_server,
    report_detailed_diff,
    serve_one_command,
    server_reports_tracebacks,
)

log = logging.getLogger("pulumi_inference")
_Result = TypeVar("_Result")


def _all_secrets(*prop_sets: Mapping[str, Any]) -> list[str]:
    """Every secret value in props, plain or secret-marked, for redaction."""
    values: list[str] = []
    for props in prop_sets:
        plain, secret_paths = _wire.unwrap(props)
        values += operations.secrets_in(plain, secret_paths, also=frozenset({_layout.SECRETS}))
    return values


class ProviderFailure(QuietFailure):
    """What the dynamic provider server would print last, after the error it refers to; the
    server reports only that error's message (``_server.extend_server``)."""


def _one_message(method: Callable[..., _Result]) -> Callable[..., _Result]:
    """Whatever goes wrong, one redacted message of the typed error (``errors.py``).

    The dynamic provider server reports a failure as ``traceback.format_exc()``. Under it,
    the error is raised as the frameless *cause* of a :class:`ProviderFailure`, which puts
    its message at the top of that text, before the server's few frames;
    ``PULUMI_INFERENCE_DEBUG=1`` keeps the whole traceback instead. Direct callers, and
    older servers (which report the exception's text alone), get the typed error itself.
    """

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any) -> _Result:
        with _engine_log.about(calling_urn()):
            try:
                return method(self, *args)
            except Exception as exc:
                props = [arg for arg in args if isinstance(arg, Mapping)]
                message = redact(str(exc), _all_secrets(*props))
                if isinstance(exc, InferenceError):
                    exc.args = (message,)
                    headline = exc
                else:
                    headline = InferenceError(f"{type(exc).__name__}: {message}")
                if not server_reports_tracebacks() or debugging():
                    raise headline.with_traceback(exc.__traceback__) from None
                raise ProviderFailure(
                    f"the error above (set {DEBUG_ENV}=1 for a full traceback)"
                ) from headline.with_traceback(None)

    return wrapper


def stack_config(req: ConfigureRequest) -> dict[str, Any]:
    """The connection keys the stack's configuration sets."""
    return {key: value for key in config_keys() if (value := req.config.get(key)) is not None}


class InferenceEndpointProvider(ResourceProvider):
    """Manages ``PUT/GET/_update/DELETE /_inference/{task_type}/{inference_id}``."""

    # Pickles name the class by this address (every stack's state holds one): keep it stable.
    __module__ = "pulumi_inference.provider"

    _config: Mapping[str, Any] = {}
    _applying = False  # set, in the provider process, by the first check of an ``up``
    serialize_as_secret_always = False  # the pickle is a class reference, nothing secret

    def configure(self, req: ConfigureRequest) -> None:
        self._config = stack_config(req)
        _engine_log.route_to_engine()
        serve_one_command()
        extend_server()

    # -- offline ----------------------------------------------------------------------

    @_one_message
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        previewing = news.get(_layout.PREVIEWING) is True
        if not previewing:
            self._applying = True  # this process serves an `up`'s apply: diffs are strict too
        news = {key: value for key, value in news.items() if key not in _layout.MARKERS}
        props, secrets_unknown = _layout.canonical(_wire.unwrap(news)[0])
        old_props = _layout.canonical(_wire.unwrap(olds)[0])[0] if olds else None
        hidden = _all_secrets(props)
        with operations.applying(self._applying):
            issues = operations.check(
                props,
                secrets_unknown=secrets_unknown,
                connect=self._client,
                olds=old_props,
                resource=calling_urn(),
                previewing=previewing,
            )
        failures = [
            CheckFailure(prop, redact(reason, hidden))
            for prop, reason in operations.as_check_failures(issues)
        ]
        return CheckResult(news, failures)

    @_one_message
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old_props, new_props = _wire.unwrap(olds)[0], _wire.unwrap(news)[0]
        old, new = _layout.endpoint_spec(old_props), _layout.endpoint_spec(new_props)
        with operations.applying(self._applying):
            plan = operations.diff(
                old,
                new,
                lambda: self._client(new),
                operations.Observed.from_outputs(old_props),
                resource=calling_urn(),
            )
        replaces = {
            _layout.carried_by(change.path, new_props if change.kind != "delete" else old_props)
            for change in plan.changes
            if change.replaces
        }
        report_detailed_diff(_layout.detailed_diff(plan.changes, old_props, new_props))
        return DiffResult(
            changes=plan.has_changes,
            replaces=sorted(replaces),
            delete_before_replace=plan.delete_before_replace,
        )

    # -- against the cluster ----------------------------------------------------------

    @_one_message
    def create(self, props: dict[str, Any]) -> CreateResult:
        props, secret_paths = _wire.unwrap(props)
        canonical = _layout.canonical(props)[0]
        spec = DesiredEndpoint.from_props(canonical)
        observed = operations.create(self._client(spec), spec, canonical)
        outs = _outputs(props, observed)
        return CreateResult(spec.inference_id, _wire.remark(outs, secret_paths))

    @_one_message
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        props, secret_paths = _wire.unwrap(props)
        given = _layout.canonical(props)[0]
        if operations.is_look_up(given):  # InferenceEndpoint.get: the id, maybe some state
            return self._look_up(id_, given, secret_paths)
        spec = _layout.endpoint_spec(props)
        stored = {key: props[key] for key in INPUT_KEYS if key in props}
        recorded = operations.Observed.from_outputs(props)
        found = operations.read(self._client(spec), spec, stored, recorded)
        if found is None:
            return ReadResult("", {})
        return ReadResult(
            id_ or spec.inference_id,
            _wire.remark(_outputs(found.inputs, found.observed), secret_paths),
            _wire.remark(without_defaults(found.inputs), secret_paths),
        )

    @_one_message
    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        olds = _wire.unwrap(olds)[0]
        news, secret_paths = _wire.unwrap(news)
        new = _layout.endpoint_spec(news)
        observed = operations.update(
            lambda: self._client(new),
            _layout.endpoint_spec(olds),
            new,
            operations.Observed.from_outputs(olds),
        )
        return UpdateResult(_wire.remark(_outputs(news, observed), secret_paths))

    @_one_message
    def delete(self, _id: str, props: dict[str, Any]) -> None:
        plain = _wire.unwrap(props)[0]
        spec = _layout.endpoint_spec(plain)
        recorded = operations.Observed.from_outputs(plain).cluster
        operations.delete(self._client(spec), spec, recorded)

    def _look_up(
        self, id_: str, given: dict[str, Any], secret_paths: list[_wire.Path]
    ) -> ReadResult:
        subject = f"inference endpoint '{id_}'"
        connection = given.get("connection")
        client = operations.connect_to(
            self._config,
            subject=subject,
            declared=connection if isinstance(connection, dict) else None,
        )
        found = operations.look_up(client, id_, given)
        inputs = _layout.laid_out(found.inputs)
        return ReadResult(
            found.inputs["inference_id"],
            _wire.remark(_outputs(inputs, found.observed), secret_paths),
            _wire.remark(without_defaults(inputs), secret_paths),
        )

    def _client(self, spec: DesiredEndpoint) -> InferenceClient:
        return operations.connect(spec, self._config)


def _outputs(inputs: Mapping[str, Any], observed: operations.Observed) -> dict[str, Any]:
    """State: every input echoed (diff gets old outputs) plus what the cluster computed."""
    outs = {key: normalize_numbers(inputs[key]) for key in INPUT_KEYS if key in inputs}
    outs.update(observed.outputs())
    return without_defaults(outs)
