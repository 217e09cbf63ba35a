"""The program from Terraform's configuration: the intent, not only the values.

Each ``elasticstack_elasticsearch_inference_endpoint`` block becomes one resource, or a loop
(``for_each`` over a map or a set, ``count``) that makes one per instance; ``var.NAME``
becomes a value read from stack config (a secret where the variable is sensitive or stands
for a secret setting, with its default where it has one); ``jsonencode({...})`` becomes
typed settings. Terraform's state, when given, tells the variables' values (what it last
sent), which endpoints the cluster holds, and the digests that let the adoption send nothing.
What does not convert is a "not converted: why" line; a block whose single instance the
state records falls back to the state's value there, with a comment.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import catalogue
from .._naming import camel
from ._names import RESERVED, Names
from ._pyformat import Call, Code, Dict, Item, as_node, statement, string
from ._render import Door, _docstring, _import_block, _Imports, _typed_class
from ._tf_config import EndpointBlock, TerraformConfig, Variable
from ._tf_expr import (
    Arr,
    Expr,
    JsonEncode,
    Lit,
    NotKnown,
    Obj,
    Ref,
    Template,
    Unsupported,
    bindings,
    evaluate,
    references,
    unsupported,
)
from ._tf_state import TerraformEndpoint

SETTINGS = ("service_settings", "task_settings", "chunking_settings")
_KNOWN = ("inference_id", "task_type", "service", *SETTINGS)


@dataclass(frozen=True)
class Instance:
    """One instance of a block: its index key and what the state recorded of it."""

    key: str | int | None
    recorded: TerraformEndpoint | None


@dataclass
class ProgramFacts:
    """What the state and the cluster told: per inference id, its digest and whether the
    cluster holds it (``exists``); the stack's own cluster config entries."""

    digests: dict[str, str] = field(default_factory=dict)
    on_cluster: set[str] | None = None
    read_back: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per inference id, the service settings ``pulumi import`` reads back that the state
    leaves to the cluster (``similarity``, ...): declared too, so importing changes nothing."""
    cluster_url: str | None = None


@dataclass
class Converted:
    """The written program, its variables' stack config, and what did not convert."""

    source: str
    env: dict[str, Any] = field(default_factory=dict)
    used: list[str] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    secret_variables: set[str] = field(default_factory=set)
    extra_secrets: dict[str, Any] = field(default_factory=dict)
    extra_config: dict[str, Any] = field(default_factory=dict)
    not_converted: list[str] = field(default_factory=list)
    instances: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class _Context:
    config: TerraformConfig
    door: Door
    facts: ProgramFacts
    env: dict[str, Any]
    names: Names
    used: dict[str, str] = field(default_factory=dict)  # variable -> its Python name
    secret_vars: set[str] = field(default_factory=set)
    on_cluster: set[str] = field(default_factory=set)
    imports: _Imports = field(default_factory=_Imports)
    out: Converted = field(default_factory=lambda: Converted(""))


def variable_values(
    config: TerraformConfig, recorded: Mapping[str, list[TerraformEndpoint]]
) -> tuple[dict[str, Any], list[str]]:
    """``var.NAME`` -> value: what the state shows Terraform last sent, else the tfvars,
    else the default; and a line for each variable whose instances disagree."""
    env: dict[str, Any] = {
        f"var.{v.name}": v.default for v in config.variables.values() if v.has_default
    }
    env.update({f"var.{name}": value for name, value in config.values.items()})
    disagree: list[str] = []
    seen: dict[str, Any] = {}
    for block in config.endpoints:
        for endpoint in recorded.get(block.address, []):
            found: dict[str, Any] = {}
            for name, expr in block.attributes.items():
                if name in _KNOWN:
                    bindings(expr, _recorded_value(endpoint, name), found)
            for name, expr in (block.connection or {}).items():
                bindings(expr, (endpoint.connection or {}).get(name), found)
            for root, value in found.items():
                if not root.startswith("var."):
                    continue
                if root in seen and seen[root] != value:
                    disagree.append(f"{root}: its instances were sent different values")
                seen.setdefault(root, value)
    env.update(seen)
    for block in config.endpoints:
        _collection_from_state(block, recorded.get(block.address, []), env)
    return env, disagree


def _collection_from_state(
    block: EndpointBlock, recorded: Sequence[TerraformEndpoint], env: dict[str, Any]
) -> None:
    """A ``for_each = var.NAME`` (or ``count = var.NAME``) whose instances the state holds:
    the variable's value as Terraform had it (keys from the instances, values from where
    each.value stands)."""
    from ._tf_expr import parse

    for meta in ("for_each", "count"):
        expr = parse(block.meta[meta]) if meta in block.meta else None
        if not isinstance(expr, Ref) or expr.variable is None or expr.path or not recorded:
            continue
        keys = [_index_key(e.address) for e in recorded]
        if meta == "count":
            env[expr.root] = len(keys)
            continue
        values: dict[Any, Any] = {}
        for key, endpoint in zip(keys, recorded, strict=True):
            found: dict[str, Any] = {}
            for name, attribute in block.attributes.items():
                if name in _KNOWN:
                    bindings(attribute, _recorded_value(endpoint, name), found)
            values[key] = found.get("each.value", key)
        env[expr.root] = values


def _recorded_value(endpoint: TerraformEndpoint, name: str) -> Any:
    return getattr(endpoint, name)


def instances_of(
    block: EndpointBlock, env: Mapping[str, Any], recorded: Sequence[TerraformEndpoint]
) -> tuple[list[tuple[Any, Any]] | None, str | None]:
    """(each.key, each.value) or (count.index, None) of each instance; None for a block
    without count or for_each. A collection whose value is unknown: the state's keys."""
    for meta in ("for_each", "count"):
        if meta not in block.meta:
            continue
        from ._tf_expr import parse

        expr = parse(block.meta[meta])
        try:
            value = evaluate(expr, env)
        except NotKnown:
            keys = [_index_key(e.address) for e in recorded]
            if not keys:
                return [], f"{meta} = {_text(expr)}: its value is not known"
            value = dict.fromkeys(keys) if meta == "for_each" else len(keys)
        if meta == "count":
            return [(index, None) for index in range(int(value))], None
        if isinstance(value, Mapping):
            return list(value.items()), None
        return [(item, item) for item in value], None
    return None, None


def _index_key(address: str) -> Any:
    return json.loads(address[address.rindex("[") + 1 : -1])


def _text(expr: Expr) -> str:
    return getattr(expr, "text", None) or type(expr).__name__


def convert_config(
    config: TerraformConfig,
    recorded: Mapping[str, list[TerraformEndpoint]],
    door: Door,
    facts: ProgramFacts,
) -> tuple[str, Converted]:
    """The ``__main__.py`` text and what it needs (``recorded``: the state's instances by
    block address)."""
    env, disagree = variable_values(config, recorded)
    context = _Context(
        config,
        door,
        facts,
        env,
        Names(RESERVED | {"ADOPTED_SECRETS", "ON_THE_CLUSTER", "inference_id"}),
    )
    context.out = Converted(str(config.directory))
    context.out.not_converted += disagree
    statements: list[str] = []
    for block in config.endpoints:
        statements += _block_statements(block, recorded.get(block.address, []), context)
    parts = _head(context) + _variables(context) + _adoption_data(context) + statements
    context.out.used = list(context.used)
    context.out.env = env
    context.out.variables = {
        name: env.get(f"var.{name}") for name in context.used if f"var.{name}" in env
    }
    context.out.secret_variables = set(context.secret_vars)
    return "\n\n".join(parts) + "\n", context.out


def _head(context: _Context) -> list[str]:
    intro = (
        f"From the .tf files of {context.config.directory}.",
        "Terraform's variables are stack config (secrets encrypted); each resource block",
        "is a resource, or a loop making one per instance.",
    )
    docstring = _docstring(
        "Terraform's configuration", context.door, (), read_only=False, intro=intro
    )
    connection = any(block.connection is not None for block in context.config.endpoints)
    imports = _import_block(context.imports, context.door, uses_config=True, connection=connection)
    return [docstring, "\n".join(imports), "config = pulumi.Config()"]


def _variables(context: _Context) -> list[str]:
    """One line per variable the endpoints use: its stack config value, default in code."""
    lines = []
    for name, python in context.used.items():
        variable = context.config.variables.get(name)
        read = _config_read(name, variable, name in context.secret_vars)
        lines.append(statement(python, read))
    if not lines:
        return []
    return ["# Terraform's variables, from stack config.\n" + "\n".join(lines)]


def _config_read(name: str, variable: Variable | None, secret: bool) -> Call:
    key = camel(name)
    kind = (variable.type or "") if variable is not None else ""
    default = variable.default if variable is not None and variable.has_default else None
    structured = kind.startswith(("map", "list", "set", "object", "tuple", "${")) or isinstance(
        default, dict | list
    )
    number = kind == "number" or (
        isinstance(default, int | float) and not isinstance(default, bool)
    )
    method = "object" if structured else "int" if number else "bool" if kind == "bool" else ""
    suffix = f"_{method}" if method else ""
    if secret:
        if default is None:
            method = "require_secret" + ("_object" if structured else "")
            return Call(f"config.{method}", (Item(None, key),))
        return Call(f"config.get_secret{suffix}", (Item(None, key), Item(None, as_node(default))))
    if default is None:
        return Call(f"config.require{suffix}", (Item(None, key),))
    return Call(f"config.get{suffix}", (Item(None, key), Item(None, as_node(default))))


def _adoption_data(context: _Context) -> list[str]:
    parts = []
    if context.on_cluster:
        names = Code("{" + ", ".join(map(string, sorted(context.on_cluster))) + "}")
        parts.append(
            "# The endpoints of the loops below that the cluster holds: imported; the others\n"
            "# are created.\n" + statement("ON_THE_CLUSTER", names)
        )
    digests = context.facts.digests
    if digests:
        comment = (
            "# The secrets Terraform last sent each endpoint whose cluster matches its state:\n"
            "# adopting it sends none of them while the declared ones are the same.\n"
        )
        node = Dict(tuple(Item(key, value) for key, value in sorted(digests.items())))
        parts.append(comment + statement("ADOPTED_SECRETS", node))
    return parts


def _block_statements(
    block: EndpointBlock, recorded: Sequence[TerraformEndpoint], context: _Context
) -> list[str]:
    instances, problem = instances_of(block, context.env, recorded)
    problems = [problem] if problem else []
    problems += _meta_not_converted(block)
    attributes = dict(block.attributes)
    problems += _unconvertible(block, attributes, recorded, instances is not None)
    fatal = [p for p in problems if p.startswith("!")]
    context.out.not_converted += [f"{block.address}: {p.lstrip('!')}" for p in problems]
    if fatal:
        return []
    ids = _instance_ids(block, attributes, instances, context.env)
    context.out.instances[block.address] = ids
    looped_id = ""
    if instances is not None:  # the loop names each instance's id once, then uses it
        looped_id = _source(attributes.get("inference_id", Lit(None)), context)
        attributes["inference_id"] = Ref("loop.inference_id")
    call = _resource_call(block, attributes, instances is not None, context, ids)
    variable = context.names.claim(block.name.replace("-", "_"))
    prefix = _connection_statement(block, variable, context)
    if instances is None:
        return [*prefix, statement(variable, call)]
    return [*prefix, _loop(block, variable, call, looped_id, context)]


def _meta_not_converted(block: EndpointBlock) -> list[str]:
    lines = []
    for name in ("depends_on", "provider", "timeouts"):
        if name in block.meta:
            lines.append(f"{name}: not converted (Pulumi orders and places resources itself)")
    lifecycle = block.meta.get("lifecycle")
    if lifecycle:
        lines.append("lifecycle: not converted (see Pulumi's protect and ignore_changes options)")
    for name in block.attributes:
        if name not in _KNOWN and name not in ("id",):
            lines.append(f"{name}: not converted (no such argument of the resource)")
    return lines


def _unconvertible(
    block: EndpointBlock,
    attributes: dict[str, Expr],
    recorded: Sequence[TerraformEndpoint],
    looped: bool,
) -> list[str]:
    """Lines for what does not convert; a single instance takes the state's value there
    (a line starting with ``!`` means the block is not written at all)."""
    lines = []
    for name, expr in list(attributes.items()):
        parts = unsupported(expr)
        if not parts:
            continue
        why = "; ".join(f"{p.text}: {p.why}" for p in parts)
        if not looped and len(recorded) == 1:
            attributes[name] = _replaced(expr, _recorded_value(recorded[0], name))
            lines.append(f"{name}: {why}; not converted: written as the state records it")
        else:
            lines.append(f"!{name}: {why}; not converted: the block is not written")
    return lines


def _replaced(expr: Expr, value: Any) -> Expr:
    """``expr`` with each part that does not convert replaced by the state's value there."""
    if isinstance(expr, Unsupported):
        return _as_expr(value)
    if isinstance(expr, JsonEncode):
        return JsonEncode(_replaced(expr.value, value))
    if isinstance(expr, Obj) and isinstance(value, Mapping):
        return Obj(tuple((key, _replaced(item, value.get(key))) for key, item in expr.items))
    if isinstance(expr, Arr) and isinstance(value, list) and len(value) == len(expr.items):
        return Arr(tuple(_replaced(i, v) for i, v in zip(expr.items, value, strict=True)))
    return expr


def _instance_ids(
    block: EndpointBlock,
    attributes: Mapping[str, Expr],
    instances: list[tuple[Any, Any]] | None,
    env: Mapping[str, Any],
) -> list[str]:
    expr = attributes.get("inference_id", Lit(None))
    ids = []
    for key, value in instances if instances is not None else [(None, None)]:
        scope = {**env, "each.key": key, "each.value": value, "count.index": key}
        try:
            ids.append(str(evaluate(expr, scope)))
        except NotKnown:
            continue
    return ids


def _loop(
    block: EndpointBlock, variable: str, call: Call, looped_id: str, context: _Context
) -> str:
    from ._tf_expr import parse

    if "count" in block.meta:
        head = f"for index in range({_source(parse(block.meta['count']), context)}):"
        target = f"{variable}[index]"
    else:
        collection = _source(parse(block.meta["for_each"]), context)
        head = f"for key, value in {collection}.items():"
        if not _is_map(parse(block.meta["for_each"]), context.env):
            head = f"for key in {collection}:\n    value = key"
        target = f"{variable}[key]"
    body = [f"inference_id = {looped_id}", *statement(target, call).splitlines()]
    return f"{variable} = {{}}\n{head}\n" + "\n".join(f"    {line}" for line in body)


def _is_map(expr: Expr, env: Mapping[str, Any]) -> bool:
    try:
        return isinstance(evaluate(expr, env), Mapping)
    except NotKnown:
        return True


def _resource_call(
    block: EndpointBlock,
    attributes: Mapping[str, Expr],
    looped: bool,
    context: _Context,
    ids: Sequence[str],
) -> Call:
    module = context.door.module
    id_code = _node(attributes.get("inference_id", Lit(None)), context)
    items = [Item(None, id_code)]
    items += [
        Item(name, _node(attributes[name], context)) for name in _KNOWN[:3] if name in attributes
    ]
    service = _service_of(attributes, context)
    for name in SETTINGS:
        if name in attributes:
            section = _settings(block, name, attributes[name], service, context)
            if name == "service_settings":
                section = _with_read_back(block, section, ids, context)
            items.append(Item(name, section))
    if catalogue.get_service(service or "") is None:
        items.append(Item("allow_unknown_service", True))
    items += _adoption_items(block, id_code, ids, looped, context)
    return Call(f"{module}.InferenceEndpoint", tuple(items), explode=True)


def _service_of(attributes: Mapping[str, Expr], context: _Context) -> str | None:
    try:
        return str(evaluate(attributes.get("service", Lit(None)), context.env))
    except NotKnown:
        return None


def _adoption_items(
    block: EndpointBlock, id_code: Any, ids: Sequence[str], looped: bool, context: _Context
) -> list[Item]:
    items: list[Item] = []
    if block.connection is not None and not context.door.native:
        items.append(Item("connection", Code(f"{block.name.replace('-', '_')}_cluster")))
    if not context.door.native:
        items.append(Item("adopt_existing", True))
    if any(i in context.facts.digests for i in ids):
        items.append(
            Item("adopt_secrets_digest", Code(f"ADOPTED_SECRETS.get({_code_text(id_code)})"))
        )
    options: list[Item] = []
    if context.door.native:
        on_cluster = context.facts.on_cluster
        imported = [i for i in ids if on_cluster is None or i in on_cluster]
        if imported and (not looped or len(imported) == len(ids)):
            options.append(Item("import_", id_code))
        elif imported:
            context.on_cluster.update(imported)
            text = _code_text(id_code)
            options.append(Item("import_", Code(f"{text} if {text} in ON_THE_CLUSTER else None")))
        if block.connection is not None:
            options.append(Item("provider", Code(f"{block.name.replace('-', '_')}_cluster")))
    if options:
        context.imports.pulumi = True
        items.append(Item("opts", Call("pulumi.ResourceOptions", tuple(options))))
    return items


def _code_text(node: Any) -> str:
    return node.text if isinstance(node, Code) else string(str(node))


def _settings(
    block: EndpointBlock, name: str, expr: Expr, service: str | None, context: _Context
) -> Any:
    """A settings section: typed where the class takes it, secrets from stack config."""
    value = expr.value if isinstance(expr, JsonEncode) else expr
    if isinstance(value, Lit) and isinstance(value.value, str):
        try:
            value = _as_expr(json.loads(value.value))
        except json.JSONDecodeError:
            return _node(value, context)
    if not isinstance(value, Obj):
        return _node(value, context)
    items = []
    for key, item in value.items:
        if name == "service_settings" and key in catalogue.SECRET_KEYS:
            item = _secret(block, key, item, context)
        items.append(Item(key, _node(item, context)))
    trial = _trial(value, context)
    classes = _classes(name)
    typed = _typed_class(classes, service or "", trial) if classes is not None else None
    if typed is None or not isinstance(trial, dict):
        return Dict(tuple(items))
    context.imports.classes.add(typed)
    return Call(typed, tuple(items))


def _with_read_back(
    block: EndpointBlock, section: Any, ids: Sequence[str], context: _Context
) -> Any:
    """The settings plus what ``pulumi import`` reads back that they leave to the cluster,
    where every instance reads back the same."""
    extras = [context.facts.read_back.get(i, {}) for i in ids]
    if not extras or not extras[0] or not isinstance(section, Call | Dict):
        return section
    if any(extra != extras[0] for extra in extras):
        context.out.not_converted.append(
            f"{block.address}: its instances differ in what the cluster filled in "
            f"({', '.join(sorted(extras[0]))}): not declared; an import would see them removed"
        )
        return section
    present = {item.key for item in section.items}
    added = tuple(Item(k, as_node(v)) for k, v in extras[0].items() if k not in present)
    if isinstance(section, Call):
        return Call(section.func, section.items + added, section.explode)
    return Dict(section.items + added)


def _classes(name: str) -> Any:
    from ..services import SERVICE_SETTINGS_CLASSES, TASK_SETTINGS_CLASSES

    return {
        "service_settings": SERVICE_SETTINGS_CLASSES,
        "task_settings": TASK_SETTINGS_CLASSES,
    }.get(name)


def _as_expr(value: Any) -> Expr:
    if isinstance(value, Mapping):
        return Obj(tuple((str(k), _as_expr(v)) for k, v in value.items()))
    if isinstance(value, list):
        return Arr(tuple(_as_expr(v) for v in value))
    return Lit(value)


def _trial(expr: Expr, context: _Context) -> Any:
    """The value to check the typed class with: unknown references as a placeholder."""
    if isinstance(expr, Obj):
        return {key: _trial(item, context) for key, item in expr.items}
    if isinstance(expr, Arr):
        return [_trial(item, context) for item in expr.items]
    try:
        return evaluate(expr, context.env)
    except NotKnown:
        return "<value>"


def _secret(block: EndpointBlock, key: str, item: Expr, context: _Context) -> Expr:
    """A secret setting: a variable read as a secret; a literal (a key written in the .tf
    file) moved to stack config, never into the program."""
    for ref in references(item):
        if ref.variable is not None:
            context.secret_vars.add(ref.variable)
    if isinstance(item, Lit) and item.value is not None:
        config_key = camel(f"{block.name}_{key}")
        context.out.extra_secrets[config_key] = item.value
        context.out.not_converted.append(
            f"{block.address}: service_settings.{key} is a literal (in the .tf file, or the "
            f"state's value): moved to stack config ({config_key}, a secret), never written "
            "in the program; remove it from the .tf file"
        )
        return Ref(f"secret.{config_key}")
    return item


def _node(expr: Expr, context: _Context) -> Any:
    """Python source for ``expr`` (a node of ``_pyformat``)."""
    if isinstance(expr, Lit):
        return as_node(expr.value)
    if isinstance(expr, Ref):
        return Code(_reference(expr, context))
    if isinstance(expr, Template):
        return Code(_fstring(expr, context))
    if isinstance(expr, Obj):
        return Dict(tuple(Item(k, _node(v, context)) for k, v in expr.items))
    if isinstance(expr, Arr):
        return [_node(item, context) for item in expr.items]
    if isinstance(expr, JsonEncode):
        return _node(expr.value, context)
    raise AssertionError(f"not converted earlier: {expr}")  # pragma: no cover


def _source(expr: Expr, context: _Context) -> str:
    node = _node(expr, context)
    return node.text if isinstance(node, Code) else statement(None, node)


def _reference(ref: Ref, context: _Context) -> str:
    if ref.root.startswith("secret."):
        return f"config.require_secret({string(ref.root[7:])})"
    if ref.variable is not None:
        name = ref.variable
        if name not in context.used:
            context.used[name] = context.names.claim(name.replace("-", "_"))
        variable = context.config.variables.get(name)
        if variable is not None and variable.sensitive:
            context.secret_vars.add(name)
        base = context.used[name]
    else:
        base = {
            "each.key": "key",
            "each.value": "value",
            "count.index": "index",
            "loop.inference_id": "inference_id",
        }[ref.root]
    return base + "".join(
        f"[{step!r}]" if isinstance(step, int) else f"[{string(step)}]" for step in ref.path
    )


def _fstring(template: Template, context: _Context) -> str:
    body = ""
    for part in template.parts:
        if isinstance(part, str):
            body += (
                part.replace("{", "{{").replace("}", "}}").replace("\\", "\\\\").replace('"', '\\"')
            )
        else:
            body += "{" + _reference(part, context) + "}"
    return f'f"{body}"'


def _connection_statement(block: EndpointBlock, variable: str, context: _Context) -> list[str]:
    """``NAME_cluster = inference.Connection(...)`` for a block's own connection."""
    if block.connection is None:
        return []
    from ._tf_connection import _RENAMED, _SAME

    items = []
    for attribute, expr in block.connection.items():
        field_name = "url" if attribute == "endpoints" else _RENAMED.get(attribute, attribute)
        if attribute == "endpoints" and isinstance(expr, Arr) and expr.items:
            expr = expr.items[0]
        if field_name not in ("url", *_SAME, *_RENAMED.values()):
            context.out.not_converted.append(
                f"{block.address}: elasticsearch_connection.{attribute}: not converted"
            )
            continue
        if field_name in ("password", "api_key", "bearer_token", "client_key"):
            for ref in references(expr):
                if ref.variable is not None:
                    context.secret_vars.add(ref.variable)
        items.append(Item(field_name, _node(expr, context)))
    if not any(item.key == "url" for item in items):
        key = camel(f"{block.name}_cluster_url")
        context.out.extra_config[key] = context.facts.cluster_url
        items.insert(0, Item("url", Code(f"config.require({string(key)})")))
    connection = Call("inference.Connection", tuple(items), explode=True)
    name = f"{block.name.replace('-', '_')}_cluster"
    if context.door.native:
        connection = Call(
            "es.Provider", (Item(None, name.replace("_", "-")), Item(None, connection))
        )
    return [statement(name, connection)]
