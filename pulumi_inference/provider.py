"""The dynamic provider: check, diff, create, read, update and delete as thin orchestration.

The instance is pickled into every resource's ``__provider`` input, by reference to this
class, so it holds nothing but the stack config set in ``configure`` (in the provider
process, after unpickling). HTTP clients live in a process-wide pool keyed by connection.
One instance serves up to four engine calls at once.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
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

from . import _wire, catalogue
from ._redact import redact
from ._version import format_version, parse_version
from .client import InferenceClient, PossiblyAppliedError, client_for
from .connection import CONFIG_KEYS, SECRET_CONNECTION_FIELDS, resolve_connection
from .deployment import wait_until_ready, with_target_allocations
from .drift import live_inputs, matches_declaration
from .errors import (
    ConfigurationError,
    EndpointAlreadyExistsError,
    InferenceError,
)
from .plan import plan_change
from .spec import INPUT_KEYS, EndpointSpec, normalize_numbers, secret_leaves, split_secrets
from .validation import check_props

log = logging.getLogger("pulumi_inference")
_EXTRA_CONFIG_KEYS = ("elasticsearch:insecure", "elasticsearch:headers")
_Result = TypeVar("_Result")


_SECRET_PROPS = catalogue.SECRET_KEYS | SECRET_CONNECTION_FIELDS | {"secrets"}


def _all_secrets(*prop_sets: Mapping[str, Any]) -> list[str]:
    """Every secret value in props, plain or secret-marked, for redaction."""
    values: list[str] = []
    for props in prop_sets:
        plain, secret_paths = _wire.unwrap(props)
        values += secret_leaves(plain, _SECRET_PROPS)
        values += _values_at(plain, secret_paths)
    return values


def _values_at(props: Mapping[str, Any], paths: list[_wire.Path]) -> list[str]:
    """The string leaves under each path (what a caller marked secret)."""
    found: list[str] = []
    for path in paths:
        value: Any = props
        for key in path:
            value = value.get(key) if isinstance(value, Mapping) else None
        found += secret_leaves({"secrets": value}, frozenset({"secrets"}))
    return found


def _redacted_errors(method: Callable[..., _Result]) -> Callable[..., _Result]:
    """Whatever goes wrong, the message that reaches the engine carries no secret."""

    @functools.wraps(method)
    def wrapper(self: InferenceEndpointProvider, *args: Any) -> _Result:
        try:
            return method(self, *args)
        except Exception as exc:
            props = [arg for arg in args if isinstance(arg, Mapping)]
            message = redact(str(exc), _all_secrets(*props))
            if isinstance(exc, InferenceError):
                exc.args = (message,)
                raise
            raise InferenceError(f"{type(exc).__name__}: {message}") from None

    return wrapper


class InferenceEndpointProvider(ResourceProvider):
    """Manages ``PUT/GET/_update/DELETE /_inference/{task_type}/{inference_id}``."""

    _config: Mapping[str, Any] = {}

    def configure(self, req: ConfigureRequest) -> None:
        keys = (*CONFIG_KEYS.values(), *_EXTRA_CONFIG_KEYS)
        self._config = {key: value for key in keys if (value := req.config.get(key)) is not None}
        _log_to_stderr()

    # -- offline ----------------------------------------------------------------------

    @_redacted_errors
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        props = _wire.unwrap(news)[0]
        hidden = _all_secrets(props)
        failures = [
            CheckFailure(path, redact(message, hidden)) for path, message in check_props(props)
        ]
        return CheckResult(news, failures)

    @_redacted_errors
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old_props, new_props = _wire.unwrap(olds)[0], _wire.unwrap(news)[0]
        plan = plan_change(
            EndpointSpec.from_props(old_props),
            EndpointSpec.from_props(new_props),
            old_props,
            new_props,
        )
        return DiffResult(
            changes=plan.changes,
            replaces=plan.replaces,
            delete_before_replace=plan.delete_before_replace,
        )

    # -- against the cluster ----------------------------------------------------------

    @_redacted_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        props, secret_paths = _wire.unwrap(props)
        spec = EndpointSpec.from_props(props)
        client = self._client(spec)
        live = self._put(client, spec, props)
        if spec.deploys_model and spec.wait_for_deployment:
            wait_until_ready(client, spec)
        outs = _outputs(props, live, _cluster_version(client, spec))
        return CreateResult(spec.inference_id, _wire.remark(outs, secret_paths))

    @_redacted_errors
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        props, secret_paths = _wire.unwrap(props)
        spec = EndpointSpec.from_props(props)
        client = self._client(spec)
        live = client.get_endpoint(spec.task_type, spec.inference_id)
        if live is None:
            return ReadResult("", {})
        old_inputs = {key: props[key] for key in INPUT_KEYS if key in props}
        inputs = live_inputs(old_inputs, spec, live)
        outs = _outputs(inputs, live, _cluster_version(client, spec))
        return ReadResult(
            id_ or spec.inference_id,
            _wire.remark(outs, secret_paths),
            _wire.remark(inputs, secret_paths),
        )

    @_redacted_errors
    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        olds = _wire.unwrap(olds)[0]
        news, secret_paths = _wire.unwrap(news)
        old, new = EndpointSpec.from_props(olds), EndpointSpec.from_props(news)
        plan = plan_change(old, new, olds, news)
        if plan.replaces:
            raise InferenceError(
                f"inference endpoint '{new.inference_id}': {', '.join(plan.replaces)} cannot "
                "change in place; this change needs a replacement (run `pulumi refresh` and "
                "`pulumi up` again)"
            )
        live = _effective(olds)
        version = str(olds.get("cluster_version") or "")
        if plan.update_body:
            client = self._client(new)
            version = _cluster_version(client, new) or version
            if not catalogue.task_settings_updatable(parse_version(version)):
                raise InferenceError(
                    f"inference endpoint '{new.inference_id}' on {client.cluster}: the cluster "
                    f"runs {version}, which has no _update API (8.17+). Run `pulumi refresh` so "
                    "the plan knows the version; it will then replace the endpoint instead."
                )
            live = client.update_endpoint(
                new.task_type, new.inference_id, plan.update_body, new.secret_values()
            )
            if plan.rescales_deployment and new.deploys_model and new.wait_for_deployment:
                wait_until_ready(client, new)
        return UpdateResult(_wire.remark(_outputs(news, live, version), secret_paths))

    @_redacted_errors
    def delete(self, _id: str, props: dict[str, Any]) -> None:
        spec = EndpointSpec.from_props(_wire.unwrap(props)[0])
        client = self._client(spec)
        if not client.delete_endpoint(spec.task_type, spec.inference_id, force=spec.force_delete):
            log.info(
                "inference endpoint '%s' was already gone from %s",
                spec.inference_id,
                client.cluster,
            )

    # -- helpers ----------------------------------------------------------------------

    def _client(self, spec: EndpointSpec) -> InferenceClient:
        try:
            connection = resolve_connection(spec.connection, self._config, os.environ)
        except ConfigurationError as exc:
            raise ConfigurationError(f"inference endpoint '{spec.inference_id}': {exc}") from None
        return client_for(connection)

    def _put(
        self, client: InferenceClient, spec: EndpointSpec, props: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Create the endpoint exactly once, even when an answer is lost on the way back."""
        secrets = spec.secret_values()
        answer_lost = False
        for _ in range(5):
            try:
                response = client.put_endpoint(
                    spec.task_type, spec.inference_id, spec.request_body(), secrets
                )
            except PossiblyAppliedError:
                answer_lost = True
                existing = client.get_endpoint(spec.task_type, spec.inference_id)
                if existing is None:
                    continue  # never applied: send it again
                if matches_declaration(spec, with_target_allocations(client, spec, existing)):
                    log.info(
                        "inference endpoint '%s': created (its answer was lost)", spec.inference_id
                    )
                    return existing
                if spec.adopt_existing:
                    return self._adopt(client, spec, props, existing)
                raise self._already_exists(client, spec) from None
            if response.status_code == 408 and spec.deploys_model:
                # The cluster stored the endpoint and gave up waiting for the deployment.
                log.info(
                    "inference endpoint '%s': the cluster stopped waiting for the deployment to "
                    "start (408); the endpoint is stored, waiting for the deployment",
                    spec.inference_id,
                )
                stored = client.get_endpoint(spec.task_type, spec.inference_id)
                if stored is not None:
                    return stored
            if (
                response.status_code == 400
                and _error_type(response) == "resource_already_exists_exception"
            ):
                existing = client.get_endpoint(spec.task_type, spec.inference_id)
                if existing is not None and self._adoptable(
                    spec, with_target_allocations(client, spec, existing), answer_lost
                ):
                    log.info(
                        "inference endpoint '%s': adopting the existing endpoint on %s, which "
                        "matches the declaration (left by an earlier interrupted create)",
                        spec.inference_id,
                        client.cluster,
                    )
                    return existing
                if existing is not None and spec.adopt_existing:
                    return self._adopt(client, spec, props, existing)
                raise self._already_exists(client, spec)
            client.raise_for_status(response, inference_id=spec.inference_id, secrets=secrets)
            created: dict[str, Any] = response.json()
            return created
        raise InferenceError(
            f"inference endpoint '{spec.inference_id}' on {client.cluster}: the create kept "
            "losing its answer and the endpoint never appeared; check the cluster's health"
        )

    @staticmethod
    def _adopt(
        client: InferenceClient,
        spec: EndpointSpec,
        props: Mapping[str, Any],
        existing: Mapping[str, Any],
    ) -> dict[str, Any]:
        """``adopt_existing``: take over an endpoint made elsewhere, never replacing it.

        What differs and can change in place is updated; the declared secrets are always sent,
        since the cluster never shows the ones it holds. Anything else that differs refuses.
        """
        live = with_target_allocations(client, spec, existing)
        declared = {key: props[key] for key in INPUT_KEYS if key in props}
        as_found = live_inputs(declared, spec, live)
        found = EndpointSpec.from_props(as_found)
        plan = plan_change(found, spec, as_found, declared)
        where = f"inference endpoint '{spec.inference_id}' on {client.cluster}"
        if plan.replaces:
            raise EndpointAlreadyExistsError(
                f"{where}: adopt_existing refuses the existing endpoint, which differs from the "
                f"declaration in {', '.join(plan.replaces)} (settings that cannot change in "
                "place). It was left untouched: declare it as it is, or delete it yourself.",
                status=400,
                error_type="resource_already_exists_exception",
                reason=f"Inference endpoint [{spec.inference_id}] already exists",
            )
        secrets = {
            key: value
            for key, value in spec.service_settings.items()
            if key in catalogue.SECRET_KEYS
        }
        body = plan.update_body
        if secrets:
            body["service_settings"] = {**body.get("service_settings", {}), **secrets}
        log.info("%s: adopting the existing endpoint (adopt_existing)", where)
        if not body:
            return dict(existing)
        version = parse_version(_cluster_version(client, spec))
        if not catalogue.task_settings_updatable(version):
            raise InferenceError(
                f"{where}: adopt_existing needs to update the endpoint to the declaration "
                "(settings or secrets), and this cluster has no _update API (8.17+). Delete the "
                "endpoint and let `pulumi up` create it, or adopt it on a newer cluster."
            )
        return client.update_endpoint(spec.task_type, spec.inference_id, body, spec.secret_values())

    @staticmethod
    def _adoptable(spec: EndpointSpec, existing: Mapping[str, Any], answer_lost: bool) -> bool:
        """An existing endpoint is ours when it matches the declaration and either our own
        create's answer was lost, or it is a model deployment (no secrets to tell it apart)
        that an interrupted create of ours left behind."""
        if not matches_declaration(spec, existing):
            return False
        return answer_lost or (spec.deploys_model and not spec.secret_values())

    @staticmethod
    def _already_exists(client: InferenceClient, spec: EndpointSpec) -> EndpointAlreadyExistsError:
        return EndpointAlreadyExistsError(
            f"inference endpoint '{spec.inference_id}' already exists on {client.cluster} and is "
            "not managed by this stack (it differs from the declaration, or was made elsewhere). "
            "It was left untouched. Pick another inference_id, or delete the existing endpoint "
            f"(DELETE /_inference/{spec.task_type}/{spec.inference_id}) if nothing uses it.",
            status=400,
            error_type="resource_already_exists_exception",
            reason=f"Inference endpoint [{spec.inference_id}] already exists",
        )


def _cluster_version(client: InferenceClient, spec: EndpointSpec) -> str:
    """The cluster's version (``GET /``, once per cluster per process), or ``""`` if unknown.

    Never raises: it is read after the endpoint was created or read, and failing then would
    lose an endpoint that exists. ``GET /`` also needs the ``monitor`` privilege, which a key
    limited to ``manage_inference`` lacks; plans then assume a current cluster.
    """
    try:
        return format_version(client.cluster_version())
    except InferenceError as exc:
        log.info(
            "inference endpoint '%s': the cluster version is unknown (%s); plans assume 8.17+",
            spec.inference_id,
            exc,
        )
        return ""


def _error_type(response: Any) -> str | None:
    try:
        error = response.json().get("error")
    except ValueError:
        return None
    return error.get("type") if isinstance(error, dict) else None


def _public(section: Any) -> dict[str, Any]:
    return split_secrets(section, catalogue.SECRET_KEYS)[0] if isinstance(section, Mapping) else {}


def _effective(outputs: Mapping[str, Any]) -> dict[str, Any]:
    """The live endpoint as last recorded in state (no call)."""
    return {
        "service_settings": outputs.get("effective_service_settings") or {},
        "task_settings": outputs.get("effective_task_settings") or {},
        "chunking_settings": outputs.get("effective_chunking_settings"),
    }


def _outputs(
    inputs: Mapping[str, Any], live: Mapping[str, Any], cluster_version: str
) -> dict[str, Any]:
    """State: every input echoed (diff gets old outputs) plus what the cluster computed."""
    outs = {key: normalize_numbers(inputs[key]) for key in INPUT_KEYS if key in inputs}
    # The cluster never returns secrets; should one ever answer with them, keep them out.
    outs["effective_service_settings"] = _public(live.get("service_settings"))
    outs["effective_task_settings"] = _public(live.get("task_settings"))
    if live.get("chunking_settings"):
        outs["effective_chunking_settings"] = live["chunking_settings"]
    if cluster_version:
        outs["cluster_version"] = cluster_version
    return outs


def _log_to_stderr() -> None:
    """In the provider process, progress lines go to stderr, which the engine shows."""
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
