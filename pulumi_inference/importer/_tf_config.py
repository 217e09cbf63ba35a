"""Terraform's configuration: the ``.tf`` files of a directory, read with python-hcl2.

What is kept: each ``variable`` (type, default, sensitive), the values of
``terraform.tfvars`` and ``*.auto.tfvars``, the ``elasticstack`` provider's
``elasticsearch`` block, and each ``elasticstack_elasticsearch_inference_endpoint`` block
with its expressions (:mod:`._tf_expr`). Every other block is named, so the summary can say
what was left. python-hcl2 is an optional dependency: the ``terraform`` extra.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._tf_expr import Expr, Lit, parse
from ._tf_state import RESOURCE_TYPE, TerraformInputError

EXTRA = "pulumi-inference[terraform]"


def require_hcl2() -> Any:
    """The python-hcl2 module; a clear error naming the extra when it is missing."""
    try:
        import hcl2
    except ImportError:
        raise TerraformInputError(
            f"reading .tf files needs python-hcl2: pip install '{EXTRA}'. Nothing was written."
        ) from None
    return hcl2


@dataclass(frozen=True)
class Variable:
    name: str
    type: str | None
    default: Any
    has_default: bool
    sensitive: bool
    description: str | None = None


@dataclass(frozen=True)
class EndpointBlock:
    """One ``resource "elasticstack_elasticsearch_inference_endpoint" NAME`` block."""

    name: str
    file: str
    attributes: dict[str, Expr]
    connection: dict[str, Expr] | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def address(self) -> str:
        return f"{RESOURCE_TYPE}.{self.name}"


@dataclass
class TerraformConfig:
    directory: Path
    variables: dict[str, Variable] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    provider: dict[str, Expr] | None = None
    endpoints: list[EndpointBlock] = field(default_factory=list)
    others: list[str] = field(default_factory=list)


_META = ("count", "for_each", "depends_on", "lifecycle", "provider", "timeouts")


def read_config(directory: Path) -> TerraformConfig:
    """The configuration in ``directory``'s ``.tf`` files (not its subdirectories: modules
    are named under ``others``)."""
    hcl2 = require_hcl2()
    config = TerraformConfig(directory)
    for path in sorted(directory.glob("*.tf")):
        document = _load(hcl2, path)
        _read_variables(document, config)
        _read_provider(document, config)
        _read_blocks(document, path.name, config)
    for path in [directory / "terraform.tfvars", *sorted(directory.glob("*.auto.tfvars"))]:
        if path.is_file():
            config.values.update(_tfvars(hcl2, path))
    return config


def _load(hcl2: Any, path: Path) -> Mapping[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            document = hcl2.load(handle)
    except Exception as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise TerraformInputError(
            f"{path}: not valid HCL ({first}); fix it so that `terraform validate` passes. "
            "Nothing was written."
        ) from None
    return document if isinstance(document, Mapping) else {}


def _named(blocks: Any) -> Iterator[tuple[str, Any]]:
    """``[{"\\"name\\"": body}, ...]`` as (name, body)."""
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, Mapping):
            for name, body in block.items():
                yield _unquoted(str(name)), body


def _unquoted(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _read_variables(document: Mapping[str, Any], config: TerraformConfig) -> None:
    for name, body in _named(document.get("variable")):
        body = body if isinstance(body, Mapping) else {}
        default = parse(body["default"]) if "default" in body else Lit(None)
        kind = parse(body.get("type")) if "type" in body else None
        description = parse(body.get("description"))
        config.variables[name] = Variable(
            name=name,
            type=_type_text(kind),
            default=default.value if isinstance(default, Lit) else _literal(default),
            has_default="default" in body,
            sensitive=body.get("sensitive") is True,
            description=description.value if isinstance(description, Lit) else None,
        )


def _type_text(kind: Expr | None) -> str | None:
    if kind is None:
        return None
    if isinstance(kind, Lit):
        return str(kind.value)
    return getattr(kind, "text", None)


def _literal(expr: Expr) -> Any:
    from ._tf_expr import NotKnown, evaluate

    try:
        return evaluate(expr, {})
    except NotKnown:
        return None


def _read_provider(document: Mapping[str, Any], config: TerraformConfig) -> None:
    for name, body in _named(document.get("provider")):
        if name != "elasticstack" or not isinstance(body, Mapping):
            continue
        blocks = body.get("elasticsearch")
        if isinstance(blocks, list) and blocks and isinstance(blocks[0], Mapping):
            config.provider = _attributes(blocks[0])


def _attributes(body: Mapping[str, Any]) -> dict[str, Expr]:
    return {key: parse(value) for key, value in body.items() if not key.startswith("__")}


def _read_blocks(document: Mapping[str, Any], file: str, config: TerraformConfig) -> None:
    for kind, body in _named(document.get("resource")):
        for name, block in _named([body]):
            if kind != RESOURCE_TYPE:
                config.others.append(f"{kind}.{name}")
            elif isinstance(block, Mapping):
                config.endpoints.append(_endpoint_block(name, file, block))
    for kind, body in _named(document.get("data")):
        config.others += [f"data.{kind}.{name}" for name, _ in _named([body])]
    config.others += [f"module.{name}" for name, _ in _named(document.get("module"))]


def _endpoint_block(name: str, file: str, block: Mapping[str, Any]) -> EndpointBlock:
    meta = {key: block[key] for key in _META if key in block}
    connection = block.get("elasticsearch_connection")
    attributes = {
        key: parse(value)
        for key, value in block.items()
        if not key.startswith("__") and key not in _META and key != "elasticsearch_connection"
    }
    conn_attrs = None
    if isinstance(connection, list) and connection and isinstance(connection[0], Mapping):
        conn_attrs = _attributes(connection[0])
    return EndpointBlock(name, file, attributes, conn_attrs, meta)


def _tfvars(hcl2: Any, path: Path) -> dict[str, Any]:
    document = _load(hcl2, path)
    return {key: _literal(parse(value)) for key, value in document.items()}
