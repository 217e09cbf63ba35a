"""Runtime base of the generated typed settings classes (``pulumi_inference.services``).

Field types come in two faces. A type checker sees Pulumi inputs (``Integer`` is
``pulumi.Input[int]``: an ``int``, an ``Output[int]`` or an awaitable of one), so an editor
completes and checks what a program passes. Pydantic sees a validator that checks plain values
and lets Outputs and other awaitables through unchecked: they are resolved later by the engine.

A class given what it cannot take raises :class:`SettingsError`: one line per mistake, worded
as the catalogue words it for a dict (``unknown setting 'modelid' for service 'openai'; did
you mean 'model_id'?``), the "missing" of a misspelt key folded into its did-you-mean, never a
secret's value. Each line starts with where the program made the mistake (``__main__.py:4:``,
the constructor call or assignment), so that a program of several endpoints says which. It
is a pydantic ``ValidationError`` and, in a Pulumi program, a ``pulumi.RunError``, which
Pulumi's language hosts show as its message alone: no traceback.

Only ``pulumi_inference.services`` imports this module, so programs that declare settings as
dicts never import pydantic.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
import typing
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, TypeAlias, cast

import pydantic
from pydantic import BaseModel, ConfigDict, PlainValidator, ValidationError, WrapValidator

from ._naming import closest, unknown_setting

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
    """Base of every generated settings class: refuses unknown keys, validates assignment.

    ``_owner`` says whose settings these are, as the catalogue's messages say it ("for service
    'openai'", "in 'rate_limit'"); ``_secret_fields`` are never quoted in a message.
    """

    model_config = ConfigDict(
        extra="forbid",
        protected_namespaces=(),
        arbitrary_types_allowed=True,
        validate_assignment=True,
        use_attribute_docstrings=True,
    )
    _owner: ClassVar[str] = ""
    _secret_fields: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise settings_error(type(self), error) from None

    def __setattr__(self, name: str, value: Any) -> None:
        try:
            super().__setattr__(name, value)
        except ValidationError as error:
            raise settings_error(type(self), error) from None

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


class SettingsError(ValidationError):
    """What a typed settings class cannot take, one line per mistake (see the module's doc)."""

    message: str

    def __str__(self) -> str:
        return self.message


@functools.cache
def _raised_class() -> type[SettingsError]:
    from pulumi import RunError  # only once something is wrong: services import stays light

    class ProgramSettingsError(SettingsError, RunError):
        """A :class:`SettingsError` that Pulumi's language hosts show without a traceback."""

    return ProgramSettingsError


def settings_error(model: type[SettingsModel], error: ValidationError) -> SettingsError:
    """``error`` (pydantic's) as the :class:`SettingsError` of ``model``."""
    details = error.errors(include_url=False)
    meant = {_meant(model, detail) for detail in details} - {None}
    lines = [
        _said(model, detail)
        for detail in details
        if not (detail["type"] == "missing" and _loc(detail) in meant)
    ]
    # The same line errors (its .errors() stay pydantic's), under our message.
    raised = _raised_class().from_exception_data(error.title, cast(Any, error.errors()))
    where = made_at()
    raised.message = "\n".join(f"{where}{model.__name__}: {line}" for line in lines)
    return raised


_LIBRARIES = tuple(f"{Path(file).parent}{os.sep}" for file in (__file__, pydantic.__file__))


def made_at() -> str:
    """Where the program made or changed the settings, as ``file:line: `` (the file relative
    to the working directory when under it, Pulumi's project directory): the first frame
    outside this library and pydantic; ``""`` when there is none."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_LIBRARIES):
        frame = frame.f_back
    if frame is None:
        return ""
    file = Path(frame.f_code.co_filename)
    if file.is_relative_to(Path.cwd()):
        file = file.relative_to(Path.cwd())
    return f"{file}:{frame.f_lineno}: "


def _loc(detail: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(str(part) for part in detail["loc"])


def _said(model: type[SettingsModel], detail: Mapping[str, Any]) -> str:
    loc = _loc(detail)
    owner = _model_at(model, loc[:-1])
    path = ".".join(loc)
    if detail["type"] == "extra_forbidden":
        known = list(owner.model_fields)
        return unknown_setting(loc[-1], owner._owner, closest(loc[-1], known), known)
    if detail["type"] == "missing":
        return f"missing required setting '{path}' {owner._owner}".rstrip()
    text = str(detail["msg"]).removeprefix("Value error, ")
    if loc[-1] in owner._secret_fields:
        text = text.removesuffix(f" {detail['input']!r}")  # a secret's value is never quoted
    return f"'{path}': {text}"


def _meant(model: type[SettingsModel], detail: Mapping[str, Any]) -> tuple[str, ...] | None:
    """Where the key a misspelt one stands for would be (its did-you-mean), if it has one."""
    if detail["type"] != "extra_forbidden":
        return None
    loc = _loc(detail)
    meant = closest(loc[-1], _model_at(model, loc[:-1]).model_fields)
    return (*loc[:-1], meant) if meant else None


def _model_at(model: type[SettingsModel], loc: Sequence[str]) -> type[SettingsModel]:
    """The settings class of the nested object at ``loc`` (``model`` itself for ``()``)."""
    for name in loc:
        field = model.model_fields.get(name)
        nested = _settings_class(field.annotation) if field is not None else None
        if nested is None:
            return model
        model = nested
    return model


def _settings_class(annotation: Any) -> type[SettingsModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, SettingsModel):
        return annotation
    for inner in typing.get_args(annotation):
        found = _settings_class(inner)
        if found is not None:
            return found
    return None
