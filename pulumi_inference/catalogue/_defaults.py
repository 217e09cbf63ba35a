"""What the cluster fills in on its own when a setting is left out, where that is known.

The importer asks this to tell a value someone chose from one the cluster added: a live
value equal to the server's default is left out of the program, any other is written. Where
the default depends on something the catalogue does not know (a model it has no entry for,
a service whose default similarity is not documented), the answer is ``NO_DEFAULT``: the
value is then kept and the user asked to check it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ._model import NO_DEFAULT
from ._services import SERVICES

MODEL_DIMENSIONS: Mapping[str, Mapping[str, int]] = MappingProxyType(
    {
        "openai": MappingProxyType(
            {
                "text-embedding-3-small": 1536,
                "text-embedding-3-large": 3072,
                "text-embedding-ada-002": 1536,
            }
        ),
        "cohere": MappingProxyType(
            {
                "embed-english-v3.0": 1024,
                "embed-multilingual-v3.0": 1024,
                "embed-english-light-v3.0": 384,
                "embed-multilingual-light-v3.0": 384,
            }
        ),
        "mistral": MappingProxyType({"mistral-embed": 1024}),
        "googleaistudio": MappingProxyType({"text-embedding-004": 768, "embedding-001": 768}),
    }
)
"""The dimensions a model's embeddings have when ``dimensions`` is not declared (the
cluster learns them from a test call), per service and ``model_id`` (``model`` for Mistral)."""

SIMILARITY_DEFAULTS: Mapping[str, str] = MappingProxyType(
    {
        "openai": "dot_product",
        "azureopenai": "dot_product",
        "cohere": "dot_product",
        "mistral": "dot_product",
        "googleaistudio": "dot_product",
        "googlevertexai": "dot_product",
        "jinaai": "dot_product",
        "voyageai": "dot_product",
        "elasticsearch": "cosine",
    }
)
"""The similarity the cluster records for a dense embedding endpoint declared without one."""

_OTHER_DEFAULTS: Mapping[tuple[str, str], object] = MappingProxyType(
    {
        ("elasticsearch", "element_type"): "float",
        ("amazon_sagemaker", "element_type"): "float",
        ("fireworksai", "url"): "https://api.fireworks.ai/inference/v1/embeddings",
    }
)


def _model_of(settings: Mapping[str, Any]) -> str:
    return str(settings.get("model_id") or settings.get("model") or "")


def service_setting_default(
    service: str, task_type: str, key: str, settings: Mapping[str, Any]
) -> object:
    """The value the cluster gives ``service_settings.key`` of an endpoint declared without
    it (``settings``: the endpoint's other settings, for its model), or ``NO_DEFAULT`` when
    the catalogue cannot tell."""
    spec = SERVICES.get(service)
    if key == "rate_limit":
        rpm = spec.rate_limit_default(task_type) if spec is not None else None
        return NO_DEFAULT if rpm is None else {"requests_per_minute": rpm}
    if key == "dimensions":
        known = MODEL_DIMENSIONS.get(service, {}).get(_model_of(settings))
        return NO_DEFAULT if known is None else known
    field = spec.field("service_settings", key) if spec is not None else None
    if field is not None and field.default is not NO_DEFAULT:
        return field.default
    if key == "similarity":
        return SIMILARITY_DEFAULTS.get(service, NO_DEFAULT)
    return _OTHER_DEFAULTS.get((service, key), NO_DEFAULT)


def task_setting_default(service: str, task_type: str, key: str) -> object:
    """The value the cluster shows for ``task_settings.key`` when it was not declared, or
    ``NO_DEFAULT``."""
    spec = SERVICES.get(service)
    field = spec.field("task_settings", key) if spec is not None else None
    if field is None or not field.accepts_task(task_type):
        return NO_DEFAULT
    return field.default
