"""What both Python resource classes (dynamic and native) do in the program itself."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Mapping
from typing import Any, Protocol, TypeAlias

import pulumi

from . import catalogue, properties


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


class LeftOutInputs:
    """The base of both generated classes: an input the class does not register reads as
    the program declared it.

    An input left out (``None``, or in the dynamic door one at its default) is not sent, so
    state does not store it and the engine makes no Output for it (a program waits on every
    Output it made, so each one per endpoint costs a fleet's program time). Its attribute is
    made on first read, depending on the resource as the engine's Output would: the value
    ``_left_out`` records for it. What the engine registered is Pulumi's own attribute on the
    instance, which a non-data descriptor never shadows: nothing here reads Pulumi's
    internals.
    """

    _left_out: Mapping[str, Any] = {}

    @classmethod
    def reading(cls, names: Iterable[str]) -> None:
        """Give the class an attribute for each input of ``names`` left out."""
        for name in names:
            setattr(cls, name, _AsDeclared(name))


class _AsDeclared:
    """One input's attribute while the engine has none for it (see :class:`LeftOutInputs`)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.__doc__ = f"``{name}``: what the program declared, registered or not."

    def __get__(self, resource: LeftOutInputs | None, owner: type | None = None) -> Any:
        if resource is None:
            return self
        value = resource._left_out.get(self.name)
        urn: pulumi.Output[str] = getattr(resource, "urn")  # noqa: B009  (a Resource's own)
        output = urn.apply(lambda _: value)
        setattr(resource, self.name, output)  # the instance's attribute from now on
        return output


def left_out_value(name: str, value: Any) -> Any:
    """What input ``name``, left out with ``value`` (``None`` or its default), reads as: its
    default when it held it or is a boolean (a boolean not given means its default, in both
    doors), else ``None``."""
    default = properties.defaults().get(name)
    if value is None and name not in properties.of_kind("boolean"):
        return None
    return default
