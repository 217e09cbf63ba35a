"""The shapes the catalogue is made of: ``FieldSpec``, ``ServiceSpec``, ``Issue`` and constants.

Nothing here knows a particular service; the data lives in ``_services.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from .._pulumi_wire import is_unknown
from .._version import Version

TASK_TYPES: Final[tuple[str, ...]] = (
    "text_embedding",
    "sparse_embedding",
    "rerank",
    "completion",
    "chat_completion",
    "embedding",
)
"""Every task type the inference API knows, lowercase as the cluster returns them."""

EMBEDDING_TASK_TYPES: Final[frozenset[str]] = frozenset(
    {"text_embedding", "sparse_embedding", "embedding"}
)
"""Task types that take (and get a default) ``chunking_settings``."""

SECRET_KEYS: Final[frozenset[str]] = frozenset(
    {
        "api_key",
        "access_key",
        "secret_key",
        "service_account_json",
        "entra_id",
        "client_secret",
        "secret_parameters",
    }
)
"""Setting names whose values the cluster stores apart and never returns."""

UPDATE_API_SINCE: Final[Version] = (8, 17, 0)
"""First version with ``PUT _inference/{task_type}/{id}/_update``."""

KINDS: Final[tuple[str, ...]] = ("string", "integer", "number", "boolean", "object", "list", "any")


class _NoDefault:
    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Final[Any] = _NoDefault()
"""``FieldSpec.default`` when the cluster has no constant default for the setting."""


@dataclass(frozen=True)
class Issue:
    """One validation failure: ``path`` names the property, ``message`` says how to fix it.

    ``suggests``: the path the fix points to (a misspelt key's did-you-mean), whose own
    "missing" issue is then implied by this one and not reported.
    """

    path: str
    message: str
    suggests: str | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class FieldSpec:
    """One key of ``service_settings`` or ``task_settings`` (or of a nested object).

    Attributes:
        name: the key as the cluster spells it.
        kind: ``string``/``integer``/``number``/``boolean``/``object``/``list``/``any``;
            several allowed kinds are written ``"string|object"``.
        description: one line for docs and typed-class docstrings.
        required: required for every task type the service supports.
        required_note: extra words on a requiredness a rule checks, e.g. "unless deployment_id".
        task_types: task types that accept the key; ``None`` means all of the service's.
        secret: stored apart by the cluster and never returned (always in ``SECRET_KEYS``).
        default: constant server default, or ``NO_DEFAULT``.
        server_computed: the cluster may add or fill the key itself (``dimensions``,
            ``similarity``, ``rate_limit``, ...): its live value is not drift when undeclared.
        response_only: appears in answers only; a request carrying it is refused.
        updatable_since: first version whose ``_update`` changes the key in place; ``None``
            means never (it needs delete + create, or the cluster silently ignores it).
        choices: allowed values (compared case-insensitively, as the cluster does).
        items: kind of list items, or of the values of a free-form object.
        fields: schema of a nested object; empty means free-form.
        open: a nested object with ``fields`` that also accepts other keys.
        minimum, maximum: inclusive bounds for numbers.
    """

    name: str
    kind: str
    description: str = ""
    required: bool = False
    required_note: str = ""
    task_types: frozenset[str] | None = None
    secret: bool = False
    default: object = NO_DEFAULT
    server_computed: bool = False
    response_only: bool = False
    updatable_since: Version | None = None
    choices: tuple[str, ...] = ()
    items: str | None = None
    fields: tuple[FieldSpec, ...] = ()
    open: bool = False
    minimum: int | float | None = None
    maximum: int | float | None = None

    def __post_init__(self) -> None:
        for kind in self.kinds:
            if kind not in KINDS:
                raise ValueError(f"{self.name}: unknown kind {kind!r}")
        if self.secret and self.name not in SECRET_KEYS:
            raise ValueError(f"{self.name}: secret keys must be listed in SECRET_KEYS")

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(self.kind.split("|"))

    def accepts_task(self, task_type: str | None) -> bool:
        return self.task_types is None or task_type is None or task_type in self.task_types

    def child(self, name: str) -> FieldSpec | None:
        for spec in self.fields:
            if spec.name == name:
                return spec
        return None


RuleContext = Mapping[str, Any]
"""What a cross-field rule sees: ``task_type`` (str or None), ``service_settings`` and
``task_settings`` (dicts, possibly holding UNKNOWN values)."""

Rule = Callable[[RuleContext], Iterable[Issue]]


@dataclass(frozen=True, eq=False)
class ServiceSpec:
    """Everything the catalogue knows about one ``service`` value.

    Attributes:
        name: the ``service`` value in a request (``"elser"``, ``"openai"``, ...).
        title: Pascal-case stem of the typed classes (``OpenAI`` -> ``OpenAIServiceSettings``).
        description: one line for the docs.
        task_types: supported task types.
        service_settings / task_settings: the accepted keys.
        canonical_name: the ``service`` the cluster stores and returns (``elser`` ->
            ``elasticsearch``).
        deploys_model: PUT starts a trained model deployment (elasticsearch, elser).
        default_model_id: the ``model_id`` the cluster uses when none is declared.
        default_model_id_linux_x86: the one it uses instead when every ML node is
            linux-x86_64 (ELSER's platform-optimized build).
        rate_limits: ``rate_limit.requests_per_minute`` the cluster adds, per task type.
        open_task_settings: task_settings are passed through to the provider unchecked.
        renamed: keys users often write for a key this service spells differently.
        deprecated: why and since when, if the service is deprecated.
        rules: cross-field checks run after the per-key ones.
    """

    name: str
    title: str
    description: str
    task_types: tuple[str, ...]
    service_settings: tuple[FieldSpec, ...]
    task_settings: tuple[FieldSpec, ...] = ()
    canonical_name: str = ""
    deploys_model: bool = False
    default_model_id: str | None = None
    default_model_id_linux_x86: str | None = None
    rate_limits: Mapping[str, int] = field(default_factory=dict)
    open_task_settings: bool = False
    renamed: Mapping[str, str] = field(default_factory=dict)
    deprecated: str | None = None
    rules: tuple[Rule, ...] = ()

    def __post_init__(self) -> None:
        if not self.canonical_name:
            object.__setattr__(self, "canonical_name", self.name)
        object.__setattr__(self, "rate_limits", MappingProxyType(dict(self.rate_limits)))
        object.__setattr__(self, "renamed", MappingProxyType(dict(self.renamed)))
        for task_type in self.task_types:
            if task_type not in TASK_TYPES:
                raise ValueError(f"{self.name}: unknown task type {task_type!r}")
        for task_type in self.rate_limits:
            if task_type not in self.task_types:
                raise ValueError(f"{self.name}: rate limit for unsupported {task_type!r}")
        if self.default_model_id_linux_x86 and not self.default_model_id:
            raise ValueError(f"{self.name}: a linux-x86 default model needs a portable one")

    def section(self, section: str) -> tuple[FieldSpec, ...]:
        if section == "service_settings":
            return self.service_settings
        if section == "task_settings":
            return self.task_settings
        raise KeyError(section)

    def field(self, section: str, name: str) -> FieldSpec | None:
        for spec in self.section(section):
            if spec.name == name:
                return spec
        return None

    def secret_fields(self) -> frozenset[str]:
        return frozenset(spec.name for spec in self.service_settings if spec.secret)

    def rate_limit_default(self, task_type: str) -> int | None:
        return self.rate_limits.get(task_type)


def known_int(value: object) -> int | None:
    """The integer in ``value`` if it is a plain known integer (or integral float)."""
    if isinstance(value, bool) or is_unknown(value):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None
