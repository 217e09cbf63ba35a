"""From Terraform's state to the program's plan: declarations, secrets, clusters, digests.

Each endpoint is declared as Terraform's state records it (the intent: what was last sent),
its secrets left out of the declaration and put in stack config with their values. Endpoints
with the same ``elasticsearch_connection`` block share one named cluster (a ``Connection``,
natively a ``Provider``); those without one use the stack's cluster. Where the cluster was
read and matches the state, the declaration carries ``adopt_secrets_digest``: adopting it
then sends nothing.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .. import catalogue
from ..connection import FIELDS, FIELDS_BY_NAME, ClusterConnection, resolve_connection
from ..errors import ConfigurationError
from ..operations import endpoint_secrets, secrets_digest
from ._cluster import Found, Inventory, Skipped
from ._names import Names, config_stem, python_stem
from ._plan import Planned, plan
from ._pyformat import Call, Code, Item
from ._render import PLACEHOLDER, Door
from ._secrets import SECRET_PARAMETERS, SecretPlan, secrets_of
from ._tf_compare import ClusterView, Judgement, judge, read_cluster_view
from ._tf_connection import ConvertedConnection, convert_connection
from ._tf_state import TerraformEndpoint, TerraformState


@dataclass(frozen=True)
class ConfigEntry:
    """One stack config value: ``value`` None means the user must set it (a placeholder)."""

    key: str
    value: Any
    secret: bool

    def line(self) -> str:
        """The ``pulumi config set`` line, never with a secret's value."""
        flag = "--secret " if self.secret else ""
        shown = PLACEHOLDER if self.secret or self.value is None else _shown(self.value)
        return f"pulumi config set {flag}{self.key} {shown}"


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return PLACEHOLDER if "\n" in str(value) else shlex.quote(str(value))


@dataclass
class _Group:
    """Endpoints on one cluster: the stack's (``converted`` None) or a block's."""

    converted: ConvertedConnection | None
    endpoints: list[TerraformEndpoint] = field(default_factory=list)
    view: ClusterView | None = None
    variable: str | None = None
    stem: str | None = None


@dataclass
class Conversion:
    """Everything the command writes and prints for a Terraform state."""

    inventory: Inventory
    planned: list[Planned]
    skipped: list[Skipped]
    config: list[ConfigEntry]
    preamble: list[tuple[str, Call]]
    addresses: dict[str, str]
    not_converted: list[str]
    recorded: dict[str, TerraformEndpoint] = field(default_factory=dict)


def convert_state(
    state: TerraformState,
    default: ClusterConnection | None,
    door: Door,
    environ: Mapping[str, str],
) -> Conversion:
    """The program's plan for ``state``; ``default``: the stack's cluster (flags, env)."""
    groups, skipped, not_converted = _groups(state)
    variables = Names()
    for group in groups:
        group.view = _view(group, default, environ)
        if group.converted is not None:
            first = group.endpoints[0].inference_id
            group.variable = variables.claim(python_stem(f"{first}-cluster"))
            group.stem = config_stem(first, "cluster")
    found, secrets = _found_all(groups)
    inventory = Inventory(
        cluster=state.described, version=_version(groups), found=sorted(found, key=_by_id)
    )
    planned, refused = plan(
        inventory, lambda f: secrets[f.inference_id], taken=frozenset(variables.taken)
    )
    by_id = {e.inference_id: e for group in groups for e in group.endpoints}
    config = _stack_entries(groups, default, door)
    config += [entry for group in groups for entry in _group_entries(group, default)]
    config += _secret_entries(planned, by_id)
    return Conversion(
        inventory=inventory,
        planned=planned,
        skipped=[*skipped, *refused],
        config=config,
        preamble=[_preamble(group, door) for group in groups if group.converted is not None],
        addresses={i: e.address for i, e in by_id.items()},
        not_converted=not_converted,
        recorded=by_id,
    )


def _by_id(found: Found) -> str:
    return found.inference_id


def _groups(state: TerraformState) -> tuple[list[_Group], list[Skipped], list[str]]:
    groups: dict[Any, _Group] = {}
    skipped = [Skipped(s.address, s.reason) for s in state.skipped]
    not_converted: list[str] = []
    seen: dict[str, str] = {}
    for endpoint in state.endpoints:
        if endpoint.inference_id in seen:
            reason = f"the same inference_id as {seen[endpoint.inference_id]}: not converted"
            skipped.append(Skipped(endpoint.address, reason))
            continue
        seen[endpoint.inference_id] = endpoint.address
        converted = convert_connection(endpoint.connection) if endpoint.connection else None
        if converted is not None:
            not_converted += [
                f"{endpoint.address}: elasticsearch_connection.{line}"
                for line in converted.not_converted
            ]
        key = converted.key() if converted is not None else None
        groups.setdefault(key, _Group(converted)).endpoints.append(endpoint)
    return list(groups.values()), skipped, not_converted


def _view(
    group: _Group, default: ClusterConnection | None, environ: Mapping[str, str]
) -> ClusterView:
    """The group's cluster, read once; one that cannot be named or read says why."""
    if group.converted is None:
        if default is None:
            return ClusterView(
                "the cluster",
                problem="no cluster named (pass --url or set ELASTICSEARCH_URL to compare)",
            )
        return read_cluster_view(default)
    declared = dict(group.converted.settings)
    if not group.converted.has_location and default is not None:
        declared["url"] = default.url  # Terraform took it from ELASTICSEARCH_ENDPOINTS
    try:
        connection = resolve_connection(declared, {}, environ)
    except ConfigurationError as error:
        return ClusterView(str(declared.get("url") or "its cluster"), problem=str(error))
    return read_cluster_view(connection)


def _version(groups: Sequence[_Group]) -> tuple[int, int, int] | None:
    versions = [g.view.version for g in groups if g.view is not None and g.view.version]
    return min(versions) if versions else None


def _found_all(groups: Sequence[_Group]) -> tuple[list[Found], dict[str, SecretPlan]]:
    found: list[Found] = []
    secrets: dict[str, SecretPlan] = {}
    for group in groups:
        for endpoint in group.endpoints:
            declared = _declared(endpoint)
            assert group.view is not None
            judgement = judge(group.view, declared, endpoint.cluster_uuid)
            secrets[endpoint.inference_id] = _secret_plan(endpoint)
            found.append(_found(endpoint, declared, judgement, group.variable))
    return found, secrets


def _declared(endpoint: TerraformEndpoint) -> dict[str, Any]:
    """Canonical props of the endpoint as Terraform last sent it (secrets included)."""
    declared: dict[str, Any] = {
        "inference_id": endpoint.inference_id,
        "task_type": endpoint.task_type,
        "service": endpoint.service,
        "service_settings": dict(endpoint.service_settings),
    }
    if endpoint.task_settings:
        declared["task_settings"] = dict(endpoint.task_settings)
    if endpoint.chunking_settings:
        declared["chunking_settings"] = dict(endpoint.chunking_settings)
    return declared


def _found(
    endpoint: TerraformEndpoint,
    declared: dict[str, Any],
    judgement: Judgement,
    connection: str | None,
) -> Found:
    secrets = endpoint_secrets(endpoint.service_settings)
    digest = None
    if judgement.matches and secrets:
        digest = secrets_digest(endpoint.inference_id, secrets)
    without = {k: v for k, v in declared["service_settings"].items() if k not in secrets}
    declaration, kept = _as_read_back({**declared, "service_settings": without}, judgement)
    notes = (*endpoint.notes, *judgement.checks, *kept)
    return Found(
        declaration,
        notes=notes,
        adopt_secrets_digest=digest,
        connection=connection,
        exists=judgement.exists,
    )


def _as_read_back(
    declaration: dict[str, Any], judgement: Judgement
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The declaration as ``pulumi import`` reads the endpoint back, so that adopting it
    (natively: importing it, which compares with that reading) changes nothing.

    Where the cluster matches the state the two are the same endpoint: the reading is
    declared (a value equal to the server's default left out, as the cluster import does).
    Where it differs, the state's values are kept, plus the values the reading keeps that
    the state leaves to the cluster (``similarity``, ...): without them the import would
    see them removed, a replacement."""
    read_back = judgement.read_back
    if read_back is None:
        return declaration, ()
    settings = declaration["service_settings"]
    kept = [k for k in read_back["service_settings"] if k not in settings]
    notes = tuple(
        f"service_settings.{key} is declared as the cluster shows it "
        f"({read_back['service_settings'][key]!r}), as `pulumi import` reads it back: "
        "Terraform's state leaves it to the cluster"
        for key in kept
        if any(note.startswith(f"service_settings.{key} ") for note in judgement.read_back_notes)
    )
    if judgement.matches:
        return dict(read_back), notes
    extra = {key: read_back["service_settings"][key] for key in kept}
    return {**declaration, "service_settings": {**settings, **extra}}, notes


def _secret_plan(endpoint: TerraformEndpoint) -> SecretPlan:
    """The secrets Terraform's state holds; where it holds none (an endpoint imported into
    Terraform, whose import cannot read them back), the ones the service is known to take."""
    settings = endpoint.service_settings
    paths: list[tuple[str, ...]] = []
    for key, value in settings.items():
        if key == SECRET_PARAMETERS and isinstance(value, Mapping):
            paths += [(key, str(name)) for name in value]
        elif key in catalogue.SECRET_KEYS:
            paths.append((key,))
    if paths:
        return SecretPlan(paths=tuple(paths))
    guessed = secrets_of(_declared(endpoint))
    if not guessed.any:
        return guessed
    check = (
        "Terraform's state holds none of its secrets (it was imported into Terraform, whose "
        "import cannot read them): set them yourself, with the lines below"
    )
    return replace(guessed, checks=(*guessed.checks, check))


def _stack_entries(
    groups: Sequence[_Group], default: ClusterConnection | None, door: Door
) -> list[ConfigEntry]:
    """The stack's own cluster (``elasticsearch:url``, ...), for endpoints without a block."""
    if not any(group.converted is None for group in groups):
        return []
    return stack_cluster_entries(default, door)


def stack_cluster_entries(default: ClusterConnection | None, door: Door) -> list[ConfigEntry]:
    """``elasticsearch:url`` and the rest (natively ``elasticsearch-inference:*``) for the
    cluster the command was pointed at; the URL left for the user when none was."""
    namespace = door.config_namespace
    if default is None:
        return [ConfigEntry(f"{namespace}:url", None, secret=False)]
    entries = []
    for name, value in _connection_values(default).items():
        field_ = FIELDS_BY_NAME[name]
        entries.append(ConfigEntry(f"{namespace}:{field_.config_key}", value, field_.secret))
    return entries


def _connection_values(connection: ClusterConnection) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field_ in FIELDS:
        value = getattr(connection, field_.name, None)
        if field_.name == "url":
            value = connection.url
        if field_.name == "headers":
            value = dict(value or ()) or None
        if field_.name == "verify_certs":
            value = False if value is False else None
        if value is not None:
            values[field_.name] = value
    return values


def _group_entries(group: _Group, default: ClusterConnection | None) -> list[ConfigEntry]:
    if group.converted is None or group.stem is None:
        return []
    settings = dict(group.converted.settings)
    if not group.converted.has_location:
        settings["url"] = default.url if default is not None else None
    return [
        ConfigEntry(_group_key(group.stem, name), value, FIELDS_BY_NAME[name].secret)
        for name, value in sorted(settings.items(), key=lambda item: _order(item[0]))
    ]


def _order(name: str) -> int:
    return [f.name for f in FIELDS].index(name)


def _group_key(stem: str, name: str) -> str:
    return stem + FIELDS_BY_NAME[name].config_key[0].upper() + FIELDS_BY_NAME[name].config_key[1:]


def _preamble(group: _Group, door: Door) -> tuple[str, Call]:
    """``x_cluster = inference.Connection(...)`` (natively ``es.Provider(...)``)."""
    assert group.converted is not None and group.stem is not None and group.variable
    settings = dict(group.converted.settings)
    settings.setdefault("url", None)
    items = []
    for name in sorted(settings, key=_order):
        field_ = FIELDS_BY_NAME[name]
        key = _group_key(group.stem, name)
        if field_.kind == "map":
            method = "require_secret_object"
        elif field_.kind == "boolean":
            method = "require_bool"
        else:
            method = "require_secret" if field_.secret else "require"
        items.append(Item(name, Code(f'config.{method}("{key}")')))
    connection = Call("inference.Connection", tuple(items), explode=True)
    if not door.native:
        return group.variable, connection
    name = group.variable.replace("_", "-")
    return group.variable, Call("es.Provider", (Item(None, name), Item(None, connection)))


def _secret_entries(
    planned: Sequence[Planned], by_id: Mapping[str, TerraformEndpoint]
) -> list[ConfigEntry]:
    """Each endpoint secret's config value, from the state (None where it holds none)."""
    entries = []
    for endpoint in planned:
        settings = by_id[endpoint.inference_id].service_settings
        for secret in endpoint.secrets:
            value: Any = settings
            for part in secret.path:
                value = value.get(part) if isinstance(value, Mapping) else None
            entries.append(ConfigEntry(secret.name, value, secret=True))
    return entries
