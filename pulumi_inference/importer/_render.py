"""The written project: ``__main__.py``, ``Pulumi.yaml`` and ``requirements.txt``.

Settings use the typed classes of :mod:`pulumi_inference.services` (``SERVICE_SETTINGS_CLASSES``
and ``TASK_SETTINGS_CLASSES``, the generator's own map from service to class) wherever the
class takes the settings as they are; anything else (an unknown service, a key newer than
this library) is written as a plain dict, which the resource takes as well.
"""

from __future__ import annotations

import json
import keyword
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pydantic

from .._origin import origin
from ..connection import DYNAMIC_CONFIG_NAMESPACE
from ..properties import NATIVE_PACKAGE
from ..services import SERVICE_SETTINGS_CLASSES, TASK_SETTINGS_CLASSES, SettingsModel
from ._plan import Planned, SecretConfig
from ._pyformat import Call, Code, Dict, Item, as_node, statement, string, wrap
from ._secrets import SECRET_PARAMETERS

PLACEHOLDER = "<value>"


@dataclass(frozen=True)
class Door:
    """How the program reaches its endpoints: the dynamic resource or the native plugin."""

    native: bool

    @property
    def module(self) -> str:
        return "es" if self.native else "inference"

    @property
    def import_line(self) -> str:
        if self.native:
            return "import pulumi_inference.native as es"
        return "import pulumi_inference as inference"

    @property
    def config_namespace(self) -> str:
        return NATIVE_PACKAGE if self.native else DYNAMIC_CONFIG_NAMESPACE


class _Imports:
    def __init__(self) -> None:
        self.classes: set[str] = set()
        self.pulumi = False


def _secret_value(secret: SecretConfig) -> Code:
    method = "require_secret_object" if secret.whole else "require_secret"
    return Code(f"config.{method}({string(secret.name)})")


def _keyword_argument(key: str) -> bool:
    return key.isidentifier() and not keyword.iskeyword(key)


def _typed_class(
    classes: Mapping[str, type[SettingsModel]], service: str, values: Mapping[str, Any]
) -> str | None:
    """The typed class of ``service`` if it takes ``values`` as they are, else None."""
    cls = classes.get(service)
    if cls is None or not all(_keyword_argument(key) for key in values):
        return None
    try:
        cls(**values)
    except (pydantic.ValidationError, TypeError):
        return None
    return cls.__name__


def _service_settings(planned: Planned, imports: _Imports) -> Any:
    declared: dict[str, Any] = dict(planned.declaration.get("service_settings") or {})
    for secret in planned.secrets:  # never returned by the cluster; declared below
        declared.pop(secret.path[0], None)
    items = [Item(key, as_node(value)) for key, value in declared.items()]
    trial = dict(declared)
    secret_items: list[Item] = []
    parameters: list[Item] = []
    for secret in planned.secrets:
        key = secret.path[0]
        if len(secret.path) == 2:  # one key of an object of secrets (secret_parameters)
            parameters.append(Item(secret.path[1], _secret_value(secret)))
            trial.setdefault(key, {})[secret.path[1]] = PLACEHOLDER
        else:
            secret_items.append(Item(key, _secret_value(secret)))
            trial[key] = {"key": PLACEHOLDER} if secret.whole else PLACEHOLDER
    if parameters:
        secret_items.append(Item(SECRET_PARAMETERS, Dict(tuple(parameters))))
    if secret_items and planned.comments:
        first = secret_items[0]
        comments = tuple(line for text in planned.comments for line in wrap(text, 72))
        secret_items[0] = Item(first.key, first.value, comments)
    items += secret_items
    name = _typed_class(SERVICE_SETTINGS_CLASSES, str(planned.declaration["service"]), trial)
    if name is None:
        return Dict(tuple(items))
    imports.classes.add(name)
    return Call(name, tuple(items))


def _task_settings(planned: Planned, imports: _Imports) -> Any:
    declared: dict[str, Any] = dict(planned.declaration.get("task_settings") or {})
    items = tuple(Item(key, as_node(value)) for key, value in declared.items())
    name = _typed_class(TASK_SETTINGS_CLASSES, str(planned.declaration["service"]), declared)
    if name is None:
        return Dict(items)
    imports.classes.add(name)
    return Call(name, items)


def _endpoint(planned: Planned, door: Door, imports: _Imports) -> Call:
    declaration = planned.declaration
    inference_id = planned.inference_id
    resource = f"{door.module}.InferenceEndpoint"
    if planned.read_only and door.native:
        return Call(f"{resource}.get", (Item(None, inference_id), Item(None, inference_id)))
    items = [
        Item(None, inference_id),
        Item("inference_id", inference_id),
        Item("task_type", declaration["task_type"]),
        Item("service", declaration["service"]),
        Item("service_settings", _service_settings(planned, imports)),
    ]
    if declaration.get("task_settings"):
        items.append(Item("task_settings", _task_settings(planned, imports)))
    if declaration.get("chunking_settings"):
        items.append(Item("chunking_settings", as_node(declaration["chunking_settings"])))
    if SERVICE_SETTINGS_CLASSES.get(str(declaration["service"])) is None:
        items.append(Item("allow_unknown_service", True))
    imports.pulumi = imports.pulumi or door.native or planned.read_only
    items += _adoption_items(planned, door)
    return Call(resource, tuple(items), explode=True)


DIGEST_COMMENT = (
    "Terraform last sent it these secrets, and the cluster matches Terraform's state: "
    "adopting sends none of them while the declared ones are the same."
)


def _adoption_items(planned: Planned, door: Door) -> list[Item]:
    """How the endpoint is taken over (or read), on which cluster, with what digest."""
    found, inference_id = planned.found, planned.inference_id
    items: list[Item] = []
    connection = Code(found.connection) if found.connection else None
    if connection is not None and not door.native:
        items.append(Item("connection", connection))
    if not planned.read_only and not door.native:
        items.append(Item("adopt_existing", True))
    if found.adopt_secrets_digest is not None:
        comments = wrap(DIGEST_COMMENT, 72)
        items.append(Item("adopt_secrets_digest", found.adopt_secrets_digest, comments))
    options: list[Item] = []
    if planned.read_only:  # the dynamic door reads it: never created, updated or deleted
        options.append(Item("id", inference_id))
    elif door.native and found.exists:
        options.append(Item("import_", inference_id))
    if connection is not None and door.native:
        options.append(Item("provider", connection))
    if options:
        items.append(Item("opts", Call("pulumi.ResourceOptions", tuple(options))))
    return items


def _import_block(
    imports: _Imports, door: Door, *, uses_config: bool, connection: bool = False
) -> list[str]:
    lines = []
    if imports.pulumi or uses_config:
        lines.append("import pulumi")
    if connection and door.native:  # its Provider takes the package's Connection
        lines.append("import pulumi_inference as inference")
    lines.append(door.import_line)
    names = sorted(imports.classes, key=lambda name: (name.lower(), name))
    if names:
        head = "from pulumi_inference.services import "
        single = head + ", ".join(names)
        if len(single) <= 88:
            lines.append(single)
        else:
            lines.append(head + "(")
            lines += [f"    {name}," for name in names]
            lines.append(")")
    return lines


def _docstring(
    cluster: str,
    door: Door,
    config_lines: Sequence[str],
    *,
    read_only: bool,
    intro: Sequence[str] | None,
) -> str:
    if door.native:
        how = (
            "Each endpoint is imported as it is (the import_ option, served by the\n"
            f"{NATIVE_PACKAGE} plugin: run `pulumi-inference install-plugin` once)."
        )
    else:
        how = "Each endpoint is adopted as it is (adopt_existing=True)."
    lines = [
        f'"""Inference endpoints of {cluster}, written by `pulumi-inference import`.',
        "",
        how,
        *(
            intro
            or (
                "The first `pulumi up` creates, replaces and deletes nothing on the cluster: "
                "it only",
                "hands Pulumi the secrets, which the cluster never returns (an in-place _update).",
            )
        ),
    ]
    if read_only:
        lines.append("Preconfigured endpoints are only read: the cluster manages them.")
    if config_lines:
        lines += ["", "Set the stack config first:", ""]
        lines += [f"    {line}" for line in config_lines]
    lines.append('"""')
    return "\n".join(lines)


def render_program(
    planned: Sequence[Planned],
    *,
    door: Door,
    cluster: str,
    config_lines: Sequence[str],
    preamble: Sequence[tuple[str, Call]] = (),
    intro: Sequence[str] | None = None,
) -> str:
    """``__main__.py``: one resource per endpoint, in id order, after the ``preamble``
    statements (the clusters some endpoints name); ``intro`` replaces the docstring's
    paragraph on what the first ``pulumi up`` does."""
    imports = _Imports()
    calls = [(p.variable, _endpoint(p, door, imports)) for p in planned]
    uses_config = any(p.secrets for p in planned) or bool(preamble)
    read_only = any(p.read_only for p in planned)
    parts = [
        _docstring(cluster, door, config_lines, read_only=read_only, intro=intro),
        "\n".join(_import_block(imports, door, uses_config=uses_config, connection=bool(preamble))),
    ]
    if uses_config:
        parts.append("config = pulumi.Config()")
    parts += [statement(variable, call) for variable, call in [*preamble, *calls]]
    return "\n\n".join(parts) + "\n"


def render_project_file(project: str, cluster: str, door: Door, config_lines: Sequence[str]) -> str:
    """``Pulumi.yaml``; strings as JSON, which YAML reads as they are."""
    description = f"Inference endpoints of {cluster}, written by pulumi-inference import"
    lines = [
        f"name: {json.dumps(project)}",
        f"description: {json.dumps(description)}",
        "runtime:",
        "  name: python",
    ]
    if config_lines:
        lines += [
            "# The cluster and the secrets it never returns (or the ELASTICSEARCH_* environment",
            "# for the cluster):",
        ]
    if door.native:
        lines.append("# (once per machine: pulumi-inference install-plugin)")
    lines += [f"#   {line}" for line in config_lines]
    return "\n".join(lines) + "\n"


def render_requirements() -> str:
    """pulumi-inference from where the running copy was installed from (``_origin``)."""
    return f"{origin().requirement}\n"
