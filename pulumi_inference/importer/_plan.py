"""What the program will say about each endpoint: its names, the secrets it reads from stack
config, the comments it carries and what the user must check before ``pulumi up``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .. import catalogue, operations
from .._pulumi_wire import UNKNOWN
from ._cluster import Found, Inventory, Skipped
from ._names import RESERVED, Names, config_stem, python_stem
from ._secrets import SecretPlan, secrets_of


@dataclass(frozen=True)
class SecretConfig:
    """One secret read from stack config: ``path`` inside ``service_settings``, config key
    ``name``; ``whole``: a JSON object (``config.require_secret_object``)."""

    path: tuple[str, ...]
    name: str
    whole: bool = False


@dataclass(frozen=True)
class Planned:
    found: Found
    variable: str
    secrets: tuple[SecretConfig, ...] = ()
    comments: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()

    @property
    def inference_id(self) -> str:
        return self.found.inference_id

    @property
    def declaration(self) -> dict[str, Any]:
        return self.found.declaration

    @property
    def read_only(self) -> bool:
        """Preconfigured endpoints cannot be created, updated or deleted: read, not managed."""
        return self.found.preconfigured


def _guessed(found: Found) -> SecretPlan:
    return secrets_of(found.declaration)


def plan(
    inventory: Inventory,
    secrets_for: Callable[[Found], SecretPlan] = _guessed,
    *,
    taken: frozenset[str] = frozenset(),
) -> tuple[list[Planned], list[Skipped]]:
    """The endpoints to write, in id order, and the ones that cannot be written.

    ``secrets_for``: the secrets of an endpoint (by default guessed: the cluster never
    returns them); ``taken``: names the program already uses."""
    variables = Names(RESERVED | taken)
    config_names = Names(taken)
    planned: list[Planned] = []
    skipped: list[Skipped] = []
    updatable = operations.task_settings_updatable(inventory.version)
    for found in inventory.found:
        secrets = SecretPlan() if found.preconfigured else secrets_for(found)
        sends = secrets.any and found.adopt_secrets_digest is None
        if sends and not updatable:
            version = ".".join(map(str, inventory.version or ()))
            skipped.append(
                Skipped(
                    found.inference_id,
                    f"holds secrets, and Elasticsearch {version} has no _update API (8.17+) "
                    "to give them to Pulumi without recreating the endpoint",
                )
            )
            continue
        configs = _configs(found, secrets, config_names)
        checks = list(secrets.checks)
        if not found.preconfigured:
            checks += [*found.notes, *_problems(found.declaration, configs)]
        if sends and _adoption_changes_chunking(found, inventory.version):
            checks.append(_chunking_check(found, inventory.version))
            found = _declaring_the_reset(found)
        variable = variables.claim(python_stem(found.inference_id))
        planned.append(Planned(found, variable, configs, secrets.comments, tuple(checks)))
    return planned, skipped


def _configs(found: Found, secrets: SecretPlan, names: Names) -> tuple[SecretConfig, ...]:
    """The stack config value of each secret, named after the endpoint and the setting."""
    configs = [
        SecretConfig(path, names.claim(config_stem(found.inference_id, path[-1])))
        for path in secrets.paths
    ]
    if secrets.whole is not None:
        stem = config_stem(found.inference_id, secrets.whole)
        configs.append(SecretConfig((secrets.whole,), names.claim(stem), whole=True))
    return tuple(configs)


def _chunking_check(found: Found, version: tuple[int, int, int] | None) -> str:
    return (
        "handing it the secrets is an _update, which resets chunking_settings from "
        f"{_chunking_text(_live_chunking(found))} to word/250/100 on Elasticsearch "
        f"{'.'.join(map(str, version or ()))} (issue 139574, fixed in 9.4; "
        "no _update of this version takes chunking_settings to keep them); the program "
        "declares word/250/100, what the endpoint chunks by after the adoption"
    )


def _declaring_the_reset(found: Found) -> Found:
    """The endpoint declared as the adoption's ``_update`` will leave it: chunking
    word/250/100 (the adoption takes that declaration for what its ``_update`` makes), so
    that the program describes the endpoint after ``pulumi up`` and no preview differs."""
    reset = dict(operations.CHUNKING_AFTER_UPDATE_RESET)
    return replace(found, declaration={**found.declaration, "chunking_settings": reset})


def _live_chunking(found: Found) -> dict[str, Any] | None:
    """The endpoint's chunking: as declared, else (left out as the default) the default."""
    declared = found.declaration.get("chunking_settings")
    task_type = str(found.declaration["task_type"])
    return dict(declared) if declared else catalogue.default_chunking_settings(task_type)


def _adoption_changes_chunking(found: Found, version: tuple[int, int, int] | None) -> bool:
    task_type = str(found.declaration["task_type"])
    return operations.update_changes_chunking(task_type, version, _live_chunking(found))


def _chunking_text(chunking: dict[str, Any] | None) -> str:
    if not chunking:
        return "its chunking"
    return "/".join(str(chunking[key]) for key in chunking)


def _problems(declaration: dict[str, Any], secrets: Sequence[SecretConfig]) -> list[str]:
    """What ``pulumi preview`` would refuse in the written declaration."""
    settings = dict(declaration.get("service_settings") or {})
    for secret in secrets:
        settings[secret.path[0]] = UNKNOWN
    issues = catalogue.validate_endpoint(
        inference_id=declaration["inference_id"],
        task_type=declaration["task_type"],
        service=declaration["service"],
        service_settings=settings,
        task_settings=declaration.get("task_settings"),
        chunking_settings=declaration.get("chunking_settings"),
        allow_unknown_service=catalogue.get_service(declaration["service"]) is None,
    )
    return [f"pulumi preview will refuse {issue}" for issue in issues]
