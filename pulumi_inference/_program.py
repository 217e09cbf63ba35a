"""What both Python resource classes (dynamic and native) do in the program itself."""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping
from typing import Any, Protocol, TypeAlias

import pulumi

from . import catalogue


class TypedSettings(Protocol):
    """The typed settings classes of ``pulumi_inference.services``."""

    def to_dict(self) -> dict[str, Any]: ...


SettingsInput: TypeAlias = TypedSettings | pulumi.Input[Mapping[str, pulumi.Input[Any]]]
"""A settings section: a typed class of ``pulumi_inference.services`` or a dict."""


def plain_settings(value: Any) -> Any:
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


_models_lock = threading.Lock()
# (project, stack) -> model id -> the first resource deploying it. Keyed by stack, because
# one process may run several programs (Automation API inline programs, tests).
_deployed_models: dict[tuple[str, str], dict[str, str]] = {}


def warn_on_shared_model(resource_name: str, service: Any, service_settings: Any) -> None:
    """Each elasticsearch-service endpoint is its own deployment, costing ML node memory."""
    settings = plain_settings(service_settings)
    if not isinstance(service, str) or not catalogue.deploys_model(service):
        return
    if not isinstance(settings, Mapping):
        return
    if settings.get("deployment_id") is not None:
        return  # attaches to an existing deployment: no new one
    model_id = settings.get("model_id", catalogue.default_model_id(service))
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
