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

from typing import Any

import pulumi

from .._face import present
from ..connection import FIELDS_BY_NAME, Connection
from ..properties import NATIVE_PACKAGE
from ._plugin import INSTALL_PLUGIN
from ._region_resource import InferenceRegionPolicy
from ._registration import require_plugin
from ._resource import InferenceEndpoint
from ._schema import PLUGIN_EXECUTABLE

__all__ = [
    "INSTALL_PLUGIN",
    "PLUGIN_EXECUTABLE",
    "InferenceEndpoint",
    "InferenceRegionPolicy",
    "Provider",
]


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
        require_plugin()
        props: dict[str, Any] = {}
        for name, value in (connection or Connection()).to_props().items():
            field = FIELDS_BY_NAME[name]
            props[field.config_key] = pulumi.Output.secret(value) if field.secret else value
        super().__init__(NATIVE_PACKAGE, resource_name, props, opts)


present(__name__, globals())
