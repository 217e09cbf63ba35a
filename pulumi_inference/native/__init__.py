"""The native front door: the ``elasticsearch-inference`` provider plugin, and its Python SDK.

```python
import pulumi_inference.native as es

cluster = es.Provider("prod", pulumi_inference.Connection(url=..., api_key=...))
es.InferenceEndpoint("embeddings", inference_id="openai-embeddings", task_type="text_embedding",
                     service="openai", service_settings={...},
                     opts=pulumi.ResourceOptions(provider=cluster))
```

The plugin is ``python -m pulumi_inference.native``; ``pulumi-inference install-plugin``
registers it with Pulumi (as ``pulumi-resource-elasticsearch-inference``). Without an
explicit provider, the cluster comes from stack config ``elasticsearch-inference:url`` (and
``apiKey``, ...), then from the ``ELASTICSEARCH_*`` environment variables.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from .. import catalogue
from .._program import SettingsInput, plain_settings, warn_on_shared_model
from ..connection import FIELDS_BY_NAME, Connection
from ..properties import names
from ._plugin import INSTALL_PLUGIN
from ._region_resource import InferenceRegionPolicy
from ._schema import OUTPUT_NAMES, PACKAGE, PLUGIN_EXECUTABLE, RESOURCE_TOKEN
from ._values import CAMEL, SNAKE

__all__ = [
    "INSTALL_PLUGIN",
    "PACKAGE",
    "PLUGIN_EXECUTABLE",
    "RESOURCE_TOKEN",
    "InferenceEndpoint",
    "InferenceRegionPolicy",
    "Provider",
]


def _secret_keys_marked(settings: Any) -> Any:
    """A settings dict with each secret key's value made a Pulumi secret, nothing else."""
    if not isinstance(settings, Mapping):
        return settings
    return {
        key: pulumi.Output.secret(value)
        if key in catalogue.SECRET_KEYS
        else _secret_keys_marked(value)
        for key, value in settings.items()
    }


class Provider(pulumi.ProviderResource):
    """Which cluster the endpoints that name this provider live on (several clusters in one
    program: one ``Provider`` each, passed as ``ResourceOptions(provider=...)``)."""

    def __init__(
        self,
        resource_name: str,
        connection: Connection | None = None,
        *,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {}
        for name, value in (connection or Connection()).to_props().items():
            field = FIELDS_BY_NAME[name]
            props[field.config_key] = pulumi.Output.secret(value) if field.secret else value
        super().__init__(PACKAGE, resource_name, props, opts)


class InferenceEndpoint(pulumi.CustomResource):
    """An Elasticsearch inference endpoint, served by the ``elasticsearch-inference`` plugin.

    Same arguments as :class:`pulumi_inference.InferenceEndpoint` except ``connection``: the
    cluster is the provider's (``opts=ResourceOptions(provider=Provider(...))``, or the
    default provider's stack config). ``pulumi import
    elasticsearch-inference:index:InferenceEndpoint <name> <inference_id>`` adopts one.
    """

    inference_id: pulumi.Output[str]
    task_type: pulumi.Output[str]
    service: pulumi.Output[str]
    service_settings: pulumi.Output[dict[str, Any]]
    task_settings: pulumi.Output[dict[str, Any] | None]
    chunking_settings: pulumi.Output[dict[str, Any] | None]
    force_delete: pulumi.Output[bool | None]
    wait_for_deployment: pulumi.Output[bool | None]
    deployment_timeout: pulumi.Output[Any]
    allow_unknown_service: pulumi.Output[bool | None]
    adopt_existing: pulumi.Output[bool | None]
    effective_service_settings: pulumi.Output[dict[str, Any]]
    """Service settings as the cluster reports them, with the defaults it added."""
    effective_task_settings: pulumi.Output[dict[str, Any]]
    effective_chunking_settings: pulumi.Output[dict[str, Any] | None]
    cluster_version: pulumi.Output[str]

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
        force_delete: pulumi.Input[bool] | None = None,
        wait_for_deployment: pulumi.Input[bool] | None = None,
        deployment_timeout: pulumi.Input[float | str] | None = None,
        allow_unknown_service: pulumi.Input[bool] | None = None,
        adopt_existing: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "inference_id": inference_id,
            "task_type": task_type,
            "service": service,
            "service_settings": _secret_keys_marked(plain_settings(service_settings)),
            "task_settings": _secret_keys_marked(plain_settings(task_settings)),
            "chunking_settings": chunking_settings,
            "force_delete": force_delete,
            "wait_for_deployment": wait_for_deployment,
            "deployment_timeout": deployment_timeout,
            "allow_unknown_service": allow_unknown_service,
            "adopt_existing": adopt_existing,
        }
        for output_only in names("output"):
            props[output_only] = None
        if opts is None or opts.id is None:
            warn_on_shared_model(resource_name, service, service_settings)
        super().__init__(RESOURCE_TOKEN, resource_name, props, opts)

    def translate_input_property(self, prop: str) -> str:
        return CAMEL.get(prop, prop)

    def translate_output_property(self, prop: str) -> str:
        return SNAKE.get(prop, prop)

    @staticmethod
    def get(
        resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> InferenceEndpoint:
        """Read an existing endpoint into the program without managing it."""
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        endpoint = InferenceEndpoint.__new__(InferenceEndpoint)
        props: dict[str, Any] = dict.fromkeys(OUTPUT_NAMES)
        pulumi.CustomResource.__init__(endpoint, RESOURCE_TOKEN, resource_name, props, opts)
        return endpoint
