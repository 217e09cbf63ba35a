"""Runtime base of the generated typed settings classes (``pulumi_inference.services``).

Field types come in two faces. A type checker sees Pulumi inputs (``Integer`` is
``pulumi.Input[int]``: an ``int``, an ``Output[int]`` or an awaitable of one), so an editor
completes and checks what a program passes. Pydantic sees a validator that checks plain values
and lets Outputs and other awaitables through unchecked: they are resolved later by the engine.

Only ``pulumi_inference.services`` imports this module, so programs that declare settings as
dicts never import pydantic.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

from pydantic import BaseModel, ConfigDict, PlainValidator, WrapValidator

if TYPE_CHECKING:
    from pulumi import Input


def is_deferred(value: object) -> bool:
    """Pulumi Outputs and other awaitables: resolved later, so passed through unchecked."""
    return inspect.isawaitable(value) or (
        type(value).__module__.startswith("pulumi") and callable(getattr(value, "apply", None))
    )


def _check(kind: str, test: Callable[[Any], bool]) -> Callable[[Any], Any]:
    def validate(value: Any) -> Any:
        if is_deferred(value) or test(value):
            return value
        raise ValueError(f"expected {kind}, got {type(value).__name__} {value!r}")

    return validate


def _integer(value: Any) -> Any:
    if is_deferred(value):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)  # Pulumi sends every number as a float
    raise ValueError(f"expected an integer, got {type(value).__name__} {value!r}")


def _nested(value: Any, handler: Callable[[Any], Any]) -> Any:
    return value if is_deferred(value) else handler(value)


_string = _check("a string", lambda v: isinstance(v, str))
_number = _check("a number", lambda v: isinstance(v, int | float) and not isinstance(v, bool))
_boolean = _check("a boolean", lambda v: isinstance(v, bool))
_object = _check("an object", lambda v: isinstance(v, Mapping))
_list = _check("a list", lambda v: isinstance(v, list | tuple))
_string_or_object = _check("a string or an object", lambda v: isinstance(v, str | Mapping))

NESTED = WrapValidator(_nested)
"""Validator of a nested settings class: dicts become the class, Outputs pass through."""

if TYPE_CHECKING:
    String: TypeAlias = Input[str]
    Integer: TypeAlias = Input[int]
    Number: TypeAlias = Input[float]
    Boolean: TypeAlias = Input[bool]
    Object: TypeAlias = Input[Mapping[str, Any]]
    StringMap: TypeAlias = Input[Mapping[str, Input[str]]]
    List: TypeAlias = Input[Sequence[Any]]
    StringList: TypeAlias = Input[Sequence[Input[str]]]
    StringOrObject: TypeAlias = Input[str | Mapping[str, Any]]
    Value: TypeAlias = Any
else:
    String = Annotated[str, PlainValidator(_string)]
    Integer = Annotated[int, PlainValidator(_integer)]
    Number = Annotated[float, PlainValidator(_number)]
    Boolean = Annotated[bool, PlainValidator(_boolean)]
    Object = Annotated[dict[str, Any], PlainValidator(_object)]
    StringMap = Object  # values are checked by the catalogue, not here
    List = Annotated[list[Any], PlainValidator(_list)]
    StringList = List
    StringOrObject = Annotated[Any, PlainValidator(_string_or_object)]
    Value = Any


def _plain(value: Any) -> Any:
    if isinstance(value, SettingsModel):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


class SettingsModel(BaseModel):
    """Base of every generated settings class: refuses unknown keys, validates assignment."""

    model_config = ConfigDict(
        extra="forbid",
        protected_namespaces=(),
        arbitrary_types_allowed=True,
        validate_assignment=True,
        use_attribute_docstrings=True,
    )

    def to_dict(self) -> dict[str, Any]:
        """The settings as the cluster expects them: ``None`` dropped, nested models as dicts."""
        result: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value is not None:
                result[name] = _plain(value)
        for name, value in (self.model_extra or {}).items():
            if value is not None:
                result[name] = _plain(value)
        return result


class OpenSettingsModel(SettingsModel):
    """A settings class that also keeps keys it does not declare (passed to the model)."""

    model_config = ConfigDict(extra="allow")
