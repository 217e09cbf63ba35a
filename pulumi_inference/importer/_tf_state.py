"""Terraform's record of its inference endpoints: a state file (format version 4), the
directory of a local backend that holds one, or the JSON of ``terraform show -json``.

``elasticstack_elasticsearch_inference_endpoint`` (elastic/elasticstack 0.14.4 to 0.16.x)
records, per instance, at ``schema_version`` 0: ``id`` (``<cluster_uuid>/<inference_id>``),
``inference_id``, ``task_type``, ``service``, ``service_settings`` (a sensitive JSON string,
kept as it was last sent: Terraform never re-reads it after create, except on import, when
the cluster leaves its secrets out), ``task_settings`` and ``chunking_settings`` (JSON
strings or null), the ``elasticsearch_connection`` block (a list of at most one object) and,
from 0.16.2, ``timeouts``. Anything else in the file is listed as skipped, by address.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RESOURCE_TYPE = "elasticstack_elasticsearch_inference_endpoint"
PROVIDERS = (
    "registry.terraform.io/elastic/elasticstack",
    "registry.opentofu.org/elastic/elasticstack",
)
STATE_FILE = "terraform.tfstate"
SCHEMA_VERSION = 0
_NOTHING_WRITTEN = "Nothing was written."


class TerraformInputError(Exception):
    """What is wrong with the Terraform input, in one line naming the file and the fix."""


@dataclass(frozen=True)
class TerraformEndpoint:
    """One instance of the resource as Terraform recorded it (secrets included)."""

    address: str
    resource_id: str | None
    inference_id: str
    task_type: str
    service: str
    service_settings: dict[str, Any]
    task_settings: dict[str, Any] | None = None
    chunking_settings: dict[str, Any] | None = None
    connection: dict[str, Any] | None = None
    notes: tuple[str, ...] = ()

    @property
    def cluster_uuid(self) -> str | None:
        """The cluster Terraform recorded it on (the first half of its id)."""
        uuid, sep, _ = (self.resource_id or "").partition("/")
        return uuid if sep and uuid else None


@dataclass(frozen=True)
class Skipped:
    address: str
    reason: str


@dataclass
class TerraformState:
    path: Path
    terraform_version: str | None = None
    serial: int | None = None
    endpoints: list[TerraformEndpoint] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def described(self) -> str:
        serial = f" (serial {self.serial})" if self.serial is not None else ""
        return f"{self.path}{serial}"


def state_file_in(directory: Path) -> Path | None:
    """The local backend's state file of ``directory``, if it has one."""
    path = directory / STATE_FILE
    return path if path.is_file() else None


def read_state(path: Path) -> TerraformState:
    """The endpoints recorded in ``path`` (a state file or ``terraform show -json``)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TerraformInputError(
            f"{path}: cannot read it ({error.strerror}). {_NOTHING_WRITTEN}"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        where = f" (line {error.lineno})" if isinstance(error, json.JSONDecodeError) else ""
        raise TerraformInputError(
            f"{path}: not JSON{where}, so neither a Terraform state nor `terraform show -json` "
            f"output; pass terraform.tfstate, or save `terraform show -json > state.json`. "
            f"{_NOTHING_WRITTEN}"
        ) from None
    if isinstance(document, dict) and "format_version" in document:
        return _from_show_json(path, document)
    if isinstance(document, dict) and "version" in document and "resources" in document:
        return _from_state_file(path, document)
    raise TerraformInputError(
        f"{path}: JSON, but not a Terraform state (no 'version' and 'resources') nor "
        f"`terraform show -json` output (no 'format_version'). {_NOTHING_WRITTEN}"
    )


def _from_state_file(path: Path, document: Mapping[str, Any]) -> TerraformState:
    version = document.get("version")
    if version != 4:
        raise TerraformInputError(
            f"{path}: Terraform state format version {version}; this command reads version 4 "
            "(Terraform 0.12 and later). Upgrade it with a current Terraform "
            f"(`terraform state pull > {STATE_FILE}`). {_NOTHING_WRITTEN}"
        )
    state = TerraformState(
        path, _text(document.get("terraform_version")), _int(document.get("serial"))
    )
    for resource in _list(document.get("resources")):
        if not isinstance(resource, Mapping):
            continue
        for address, instance in _instances(resource):
            _add(state, address, resource, instance, instance.get("attributes"))
    return state


def _from_show_json(path: Path, document: Mapping[str, Any]) -> TerraformState:
    state = TerraformState(path, _text(document.get("terraform_version")))
    values = document.get("values")
    root = values.get("root_module") if isinstance(values, Mapping) else None
    for resource in _show_resources(root):
        address = str(resource.get("address", ""))
        _add(state, address, resource, resource, resource.get("values"))
    return state


def _show_resources(module: Any) -> Iterator[Mapping[str, Any]]:
    if not isinstance(module, Mapping):
        return
    yield from (r for r in _list(module.get("resources")) if isinstance(r, Mapping))
    for child in _list(module.get("child_modules")):
        yield from _show_resources(child)


def _instances(resource: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Each instance of a state file's resource with its address (module, index key)."""
    base = f"{resource.get('type')}.{resource.get('name')}"
    if resource.get("mode") == "data":
        base = f"data.{base}"
    if resource.get("module"):
        base = f"{resource['module']}.{base}"
    for instance in _list(resource.get("instances")):
        if not isinstance(instance, Mapping):
            continue
        key = instance.get("index_key")
        suffix = "" if key is None else f"[{json.dumps(key)}]"
        yield base + suffix, instance


def _add(
    state: TerraformState,
    address: str,
    resource: Mapping[str, Any],
    instance: Mapping[str, Any],
    attributes: Any,
) -> None:
    reason = _not_an_endpoint(resource, instance)
    if reason is not None:
        state.skipped.append(Skipped(address, reason))
        return
    if not isinstance(attributes, Mapping):
        state.skipped.append(Skipped(address, "no attributes recorded: not converted"))
        return
    try:
        state.endpoints.append(endpoint_of(address, attributes, instance.get("status")))
    except ValueError as error:
        state.skipped.append(Skipped(address, f"not converted: {error}"))


def _not_an_endpoint(resource: Mapping[str, Any], instance: Mapping[str, Any]) -> str | None:
    """Why this resource (instance) is not one to import, or None."""
    kind = str(resource.get("type"))
    if resource.get("mode") == "data":
        return f"a data source ({kind}), read by Terraform, not managed"
    if kind != RESOURCE_TYPE:
        return f"another resource type ({kind}): not an inference endpoint"
    provider = str(resource.get("provider") or resource.get("provider_name") or "")
    if provider and not any(name in provider for name in PROVIDERS):
        return f"{RESOURCE_TYPE} of another provider ({provider}): not converted"
    if instance.get("deposed"):
        return "a deposed object (left by create_before_destroy): not converted"
    version = instance.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        return (
            f"schema_version {version}: written by a provider release this version does not "
            f"know (it reads {SCHEMA_VERSION}, elastic/elasticstack 0.14.4 to 0.16.x): not "
            "converted"
        )
    return None


def endpoint_of(
    address: str, attributes: Mapping[str, Any], status: Any = None
) -> TerraformEndpoint:
    """The endpoint recorded in a resource instance's ``attributes``; ValueError names what
    is missing or malformed."""
    for name in ("inference_id", "service"):
        if not isinstance(attributes.get(name), str) or not attributes[name]:
            raise ValueError(f"'{name}' is missing")
    if not isinstance(attributes.get("task_type"), str) or not attributes["task_type"]:
        raise ValueError("'task_type' is missing (the create never finished)")
    settings = _json_object(attributes, "service_settings")
    if settings is None:
        raise ValueError("'service_settings' is null")
    notes: tuple[str, ...] = ()
    if status == "tainted":
        notes = ("tainted in Terraform (its next apply would replace it); imported as it is",)
    return TerraformEndpoint(
        address=address,
        resource_id=_text(attributes.get("id")),
        inference_id=attributes["inference_id"],
        task_type=attributes["task_type"],
        service=attributes["service"],
        service_settings=settings,
        task_settings=_json_object(attributes, "task_settings"),
        chunking_settings=_json_object(attributes, "chunking_settings"),
        connection=_connection_block(attributes.get("elasticsearch_connection")),
        notes=notes,
    )


def _json_object(attributes: Mapping[str, Any], name: str) -> dict[str, Any] | None:
    value = attributes.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, Mapping):
        return dict(value)
    try:
        parsed = json.loads(value) if isinstance(value, str) else None
    except json.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, dict):
        raise ValueError(f"'{name}' is not a JSON object")
    return parsed


def _connection_block(value: Any) -> dict[str, Any] | None:
    """The ``elasticsearch_connection`` block's attributes that are set, or None."""
    blocks = [block for block in _list(value) if isinstance(block, Mapping)]
    if not blocks:
        return None
    settings = {key: item for key, item in blocks[0].items() if item not in (None, [], {}, "")}
    return settings or None


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
