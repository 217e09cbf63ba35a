"""``InferenceEndpoint``: the typed resource a program declares.

Turning arguments into props is all it does: typed settings become dicts, and every value
under a secret key (``service_settings.api_key``, ``connection.password``, ...) moves into
the ``secrets`` property, which is always a Pulumi secret. The rest of ``service_settings``
stays readable in ``pulumi preview --diff``; the provider merges the two back.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping
from typing import Any, Protocol, TypeAlias

import pulumi
import pulumi.dynamic

from . import catalogue
from ._layout import SECRET_SECTIONS, SECRETS
from .connection import Connection
from .operations._observed import OBSERVED_KEYS
from .provider import InferenceEndpointProvider
from .spec import split_secrets


class TypedSettings(Protocol):
    """The typed settings classes of ``pulumi_inference.services``."""

    def to_dict(self) -> dict[str, Any]: ...


SettingsInput: TypeAlias = TypedSettings | pulumi.Input[Mapping[str, pulumi.Input[Any]]]
"""A settings section: a typed class of ``pulumi_inference.services`` or a dict."""


class InferenceEndpoint(pulumi.dynamic.Resource, module="elasticsearch", name="InferenceEndpoint"):
    """An Elasticsearch inference endpoint (``PUT /_inference/{task_type}/{inference_id}``)."""

    inference_id: pulumi.Output[str]
    task_type: pulumi.Output[str]
    service: pulumi.Output[str]
    service_settings: pulumi.Output[dict[str, Any]]
    """The declared service settings, without secret values (those are in ``secrets``)."""
    task_settings: pulumi.Output[dict[str, Any] | None]
    chunking_settings: pulumi.Output[dict[str, Any] | None]
    connection: pulumi.Output[dict[str, Any] | None]
    force_delete: pulumi.Output[bool]
    wait_for_deployment: pulumi.Output[bool]
    deployment_timeout: pulumi.Output[Any]
    secrets: pulumi.Output[dict[str, Any] | None]
    effective_service_settings: pulumi.Output[dict[str, Any]]
    """Service settings as the cluster reports them, with the defaults it added
    (``dimensions``, ``similarity``, ``rate_limit``, ...): wire these into mappings."""
    effective_task_settings: pulumi.Output[dict[str, Any]]
    effective_chunking_settings: pulumi.Output[dict[str, Any] | None]
    cluster_version: pulumi.Output[str]
    """The Elasticsearch version of the cluster at the last create, update or refresh."""

    def __init__(
        self,
        resource_name: str,
        *,
        inference_id: pulumi.Input[str],
        task_type: pulumi.Input[str],
        service: pulumi.Input[str],
        service_settings: SettingsInput,
        task_settings: SettingsInput | None = None,
        chunking_settings: pulumi.Input[Mapping[str, pulumi.Input[Any]]] | None = None,
        connection: Connection | pulumi.Input[Mapping[str, pulumi.Input[Any]]] | None = None,
        force_delete: pulumi.Input[bool] = False,
        wait_for_deployment: pulumi.Input[bool] = True,
        deployment_timeout: pulumi.Input[float | str] | None = None,
        allow_unknown_service: pulumi.Input[bool] = False,
        adopt_existing: pulumi.Input[bool] = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare an inference endpoint.

        :param inference_id: the endpoint id (lowercase letters, digits, ``-``, ``_``, ``.``).
        :param task_type: ``text_embedding``, ``sparse_embedding``, ``rerank``, ``completion``,
            ``chat_completion`` or ``embedding``.
        :param service: ``openai``, ``cohere``, ``elasticsearch``, ``elser``, ...
            (see docs/services.md).
        :param service_settings: a dict or a typed class from ``pulumi_inference.services``.
        :param task_settings: a dict or a typed class; changes update in place.
        :param chunking_settings: for embedding task types, e.g. ``{"strategy": "sentence", ...}``.
        :param connection: where the cluster is; defaults to stack config ``elasticsearch:*``,
            then ``ELASTICSEARCH_*`` environment variables.
        :param force_delete: delete even when pipelines or ``semantic_text`` fields use it.
        :param wait_for_deployment: for ``elasticsearch``/``elser``, wait until the model
            deployment is fully allocated (default ``True``).
        :param deployment_timeout: how long to wait: seconds or a duration like ``"20m"``
            (default 30 minutes).
        :param adopt_existing: take over an endpoint that already exists with this id (made by
            hand, or by another tool such as Terraform) instead of failing: its settings that
            can change in place are updated to the declaration, its secrets set to the
            declared ones; one that differs in anything else is refused, never replaced.
        :param allow_unknown_service: accept a service this library does not know yet,
            with its settings passed through unchecked.
        """
        props: dict[str, Any] = {
            "inference_id": inference_id,
            "task_type": task_type,
            "service": service,
            "chunking_settings": _plain(chunking_settings),
            "force_delete": force_delete,
            "wait_for_deployment": wait_for_deployment,
            "deployment_timeout": deployment_timeout,
            "allow_unknown_service": allow_unknown_service,
            "adopt_existing": adopt_existing,
        }
        declared_connection = (
            connection.to_props() if isinstance(connection, Connection) else connection
        )
        declared = {
            "service_settings": service_settings,
            "task_settings": task_settings,
            "connection": declared_connection,
        }
        secrets: dict[str, Any] = {}
        for section, secret_keys in SECRET_SECTIONS.items():
            props[section], hidden = _split(_plain(declared[section]), secret_keys)
            if hidden is not None:
                secrets[section] = hidden
        props[SECRETS] = pulumi.Output.secret(secrets) if secrets else None
        for output_only in OBSERVED_KEYS:
            props[output_only] = None

        _warn_on_shared_model(resource_name, service, service_settings)
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=[SECRETS])
        )
        super().__init__(InferenceEndpointProvider(), resource_name, props, opts)


def _plain(value: Any) -> Any:
    """A typed settings object becomes its dict; anything else is returned as is.

    Outputs are left alone: ``getattr`` on an Output would lift the attribute into a new
    Output instead of answering.
    """
    pydantic = sys.modules.get("pydantic")  # typed settings imply it is loaded; never import it
    if (
        pydantic is None
        or isinstance(value, pulumi.Output)
        or not isinstance(value, pydantic.BaseModel)
    ):
        return value
    to_dict = getattr(value, "to_dict", None)  # the typed settings of pulumi_inference.services
    return to_dict() if callable(to_dict) else value.model_dump(exclude_none=True)


def _split(value: Any, secret_keys: frozenset[str]) -> tuple[Any, Any]:
    """(public, secret) parts of a settings input; the secret part is ``None`` when empty."""
    if value is None:
        return None, None
    if isinstance(value, Mapping):
        public, secret = split_secrets(value, secret_keys)
        return public, (secret or None)
    whole = pulumi.Output.from_input(value)
    public_part = whole.apply(lambda v: split_secrets(_plain(v) or {}, secret_keys)[0])
    secret_part = whole.apply(lambda v: split_secrets(_plain(v) or {}, secret_keys)[1])
    return public_part, secret_part


_models_lock = threading.Lock()
# (project, stack) -> model id -> the first resource deploying it. Keyed by stack, because
# one process may run several programs (Automation API inline programs, tests).
_deployed_models: dict[tuple[str, str], dict[str, str]] = {}


def _warn_on_shared_model(resource_name: str, service: Any, service_settings: Any) -> None:
    """Each elasticsearch-service endpoint is its own deployment, costing ML node memory."""
    settings = _plain(service_settings)
    if service not in catalogue.DEPLOYMENT_SERVICES or not isinstance(settings, Mapping):
        return
    if settings.get("deployment_id") is not None:
        return  # attaches to an existing deployment: no new one
    model_id = settings.get("model_id", ".elser_model_2" if service == "elser" else None)
    if not isinstance(model_id, str):
        return
    with _models_lock:
        seen = _deployed_models.setdefault((pulumi.get_project(), pulumi.get_stack()), {})
        first = seen.setdefault(model_id, resource_name)
    if first != resource_name:
        pulumi.log.warn(
            f"'{resource_name}' and '{first}' both deploy model '{model_id}': each endpoint starts "
            "its own deployment, which uses ML node memory. To share one, give the second "
            "endpoint service_settings.deployment_id set to the first one's inference_id."
        )
