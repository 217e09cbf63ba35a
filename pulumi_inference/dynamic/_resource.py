"""``InferenceEndpoint``: the typed resource a program declares.

Turning arguments into props is all it does: typed settings become dicts, and every value
under a secret key (``service_settings.api_key``, ``connection.password``, ...) moves into
the ``secrets`` property, which is always a Pulumi secret. The rest of ``service_settings``
stays readable in ``pulumi preview --diff``; the provider merges the two back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic

from .._nested import split_secrets
from .._program import SettingsInput, plain_settings, warn_on_shared_model
from ..connection import Connection
from ..properties import DYNAMIC_MODULE, OUTPUT_KEYS, RESOURCE_NAME
from ._layout import SECRET_SECTIONS, SECRETS
from ._provider import InferenceEndpointProvider


class InferenceEndpoint(pulumi.dynamic.Resource, module=DYNAMIC_MODULE, name=RESOURCE_NAME):
    """An Elasticsearch inference endpoint (``PUT /_inference/{task_type}/{inference_id}``).

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
        """Declare an inference endpoint (the arguments are described on the class)."""
        props: dict[str, Any] = {
            "inference_id": inference_id,
            "task_type": task_type,
            "service": service,
            "service_settings": plain_settings(service_settings),
            "task_settings": plain_settings(task_settings),
            "chunking_settings": plain_settings(chunking_settings),
            "connection": plain_settings(
                connection.to_props() if isinstance(connection, Connection) else connection
            ),
            "force_delete": force_delete,
            "wait_for_deployment": wait_for_deployment,
            "deployment_timeout": deployment_timeout,
            "allow_unknown_service": allow_unknown_service,
            "adopt_existing": adopt_existing,
            **dict.fromkeys(OUTPUT_KEYS),
        }
        warn_on_shared_model(resource_name, service, service_settings)
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=[SECRETS])
        )
        super().__init__(InferenceEndpointProvider(), resource_name, _secrets_apart(props), opts)


def _secrets_apart(props: dict[str, Any]) -> dict[str, Any]:
    """Every value under a secret key moved into the always-secret ``secrets`` property."""
    secrets: dict[str, Any] = {}
    for section, secret_keys in SECRET_SECTIONS.items():
        props[section], hidden = _split(props[section], secret_keys)
        if hidden is not None:
            secrets[section] = hidden
    props[SECRETS] = pulumi.Output.secret(secrets) if secrets else None
    return props


def _split(value: Any, secret_keys: frozenset[str]) -> tuple[Any, Any]:
    """(public, secret) parts of a settings input; the secret part is ``None`` when empty."""
    if value is None:
        return None, None
    if isinstance(value, Mapping):
        public, secret = split_secrets(value, secret_keys)
        return public, (secret or None)
    whole = pulumi.Output.from_input(value)
    public_part = whole.apply(lambda v: split_secrets(plain_settings(v) or {}, secret_keys)[0])
    secret_part = whole.apply(lambda v: split_secrets(plain_settings(v) or {}, secret_keys)[1])
    return public_part, secret_part
