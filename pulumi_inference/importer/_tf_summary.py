"""What ``import --from-terraform`` prints: what was imported, skipped and not converted,
what to check, the stack config it set, and how to take the endpoints out of Terraform's
hands without deleting them. Never a secret's value: config is named by its keys."""

from __future__ import annotations

import re
import shlex
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ._render import Door
from ._tf_plan import ConfigEntry, Conversion

_INDEX = re.compile(r"\[[^\]]*\]$")


@dataclass(frozen=True)
class Written:
    out: Path
    files: Sequence[str]
    stack: str
    door: Door


def terraform_summary(written: Written, conversion: Conversion) -> str:
    """The whole printed summary, ending with the commands to run next."""
    lines = _head(written, conversion)
    lines += _skipped(conversion)
    if conversion.not_converted:
        lines += ["", "Not converted:", *(f"  {line}" for line in conversion.not_converted)]
    checks = [f"  {p.inference_id}: {check}" for p in conversion.planned for check in p.checks]
    if checks:
        lines += ["", "Check before `pulumi up`:", *checks]
    lines += _config(written.stack, conversion.config)
    lines += release_from_terraform(conversion)
    return "\n".join(lines + _next(written)) + "\n"


def _head(written: Written, conversion: Conversion) -> list[str]:
    planned = conversion.planned
    how = "the import_ option" if written.door.native else "adopt_existing=True"
    lines = [
        f"Wrote {', '.join(written.files)} to {written.out}, and stack {written.stack}'s "
        f"config: {len(planned)} inference endpoint(s) from {conversion.inventory.cluster}, "
        f"adopted with {how}.",
        "",
        f"Imported ({len(planned)}):",
    ]
    width = max(len(p.inference_id) for p in planned)
    for endpoint in planned:
        declaration = endpoint.declaration
        what = f"{declaration['task_type']}, {declaration['service']}, from "
        what += conversion.addresses.get(endpoint.inference_id, "?")
        lines.append(f"  {endpoint.inference_id.ljust(width)}  {what}")
        more = []
        secrets = ", ".join(secret.name for secret in endpoint.secrets)
        if secrets:
            more.append(f"secrets in stack config: {secrets}")
        if endpoint.found.adopt_secrets_digest is not None:
            more.append("adopting sends nothing (the cluster matches the state)")
        if more:
            lines.append(f"  {' ' * width}  {'; '.join(more)}")
    return lines


def _skipped(conversion: Conversion) -> list[str]:
    if not conversion.skipped:
        return []
    lines = ["", f"Skipped ({len(conversion.skipped)}):"]
    lines += [f"  {item.inference_id}: {item.reason}" for item in conversion.skipped]
    return lines


def _config(stack: str, config: Sequence[ConfigEntry]) -> list[str]:
    done = [e for e in config if e.value is not None]
    todo = [e for e in config if e.value is None]
    lines: list[str] = []
    if done:
        keys = [f"{e.key} (secret)" if e.secret else e.key for e in done]
        lines += ["", f"Set in stack {stack}'s config (secrets encrypted by its secrets provider):"]
        lines += textwrap.wrap(", ".join(keys), 94, initial_indent="  ", subsequent_indent="  ")
    if todo:
        lines += ["", "Set yourself (the state does not hold these):"]
        lines += [f"  {entry.line()}" for entry in todo]
    return lines


def release_from_terraform(conversion: Conversion) -> list[str]:
    """How to take the endpoints out of Terraform's state without destroying them."""
    return _release([conversion.addresses[p.inference_id] for p in conversion.planned])


def _release(addresses: Sequence[str]) -> list[str]:
    if not addresses:
        return []
    resources = sorted({_INDEX.sub("", address) for address in addresses})
    lines = [
        "",
        "Then take them out of Terraform's hands, without deleting them (in the Terraform",
        "directory, once `pulumi up` has adopted them; never `terraform destroy` before):",
        *(f"  terraform state rm {shlex.quote(address)}" for address in sorted(addresses)),
        "or replace each resource block with a removed block (Terraform 1.7+) and run",
        "`terraform apply`:",
    ]
    for resource in resources:
        lines += [
            "  removed {",
            f"    from = {resource}",
            "    lifecycle {",
            "      destroy = false",
            "    }",
            "  }",
        ]
    return lines


@dataclass(frozen=True)
class FromConfig:
    """What a conversion of ``.tf`` files printed needs beside :class:`Written`."""

    source: str
    blocks: dict[str, list[str]]
    others: list[str]
    not_converted: list[str]
    checks: list[str]
    config: list[ConfigEntry]
    addresses: list[str]


def config_summary(written: Written, done: FromConfig) -> str:
    """The summary of a program converted from ``.tf`` files."""
    count = sum(len(ids) for ids in done.blocks.values())
    how = "the import_ option" if written.door.native else "adopt_existing=True"
    lines = [
        f"Wrote {', '.join(written.files)} to {written.out}, and stack {written.stack}'s "
        f"config: {count} inference endpoint(s) in {len(done.blocks)} resource block(s) "
        f"of {done.source}, adopted with {how}.",
        "",
        f"Converted ({len(done.blocks)}):",
    ]
    width = max((len(address) for address in done.blocks), default=0)
    for address, ids in done.blocks.items():
        lines.append(f"  {address.ljust(width)}  {', '.join(ids) or '(instances not known)'}")
    if done.others:
        lines += ["", f"Skipped ({len(done.others)}): not inference endpoints"]
        lines += [f"  {other}" for other in done.others]
    if done.not_converted:
        lines += ["", "Not converted:", *(f"  {line}" for line in done.not_converted)]
    if done.checks:
        lines += ["", "Check before `pulumi up`:", *(f"  {check}" for check in done.checks)]
    lines += _config(written.stack, done.config)
    lines += _release(done.addresses)
    return "\n".join(lines + _next(written)) + "\n"


def _next(written: Written) -> list[str]:
    lines = ["", "Next:", f"  cd {shlex.quote(str(written.out))}"]
    if written.door.native:
        lines.append("  pulumi-inference install-plugin    # once per machine")
    lines += [f"  pulumi stack select {shlex.quote(written.stack)}"]
    return [*lines, "  pulumi up", "  pulumi preview --expect-no-changes"]
