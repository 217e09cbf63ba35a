"""What the command prints: the ``pulumi config set`` lines and the summary.

Secret values are never known here for endpoints (the cluster does not return them) and are
never printed for the connection: every secret line carries the ``<value>`` placeholder.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from ..connection import FIELDS, ClusterConnection
from ._cluster import Skipped
from ._plan import Planned
from ._render import PLACEHOLDER, Door


def _shown(value: str) -> str:
    """A non-secret value as a shell word: a file as its absolute path (the program runs in
    another directory), PEM text (several lines) as the placeholder."""
    if "\n" in value:
        return PLACEHOLDER
    path = Path(value)
    return shlex.quote(str(path.resolve()) if path.is_file() else value)


def connection_lines(connection: ClusterConnection, door: Door) -> list[str]:
    """``pulumi config set`` lines pointing the program at ``connection``'s cluster."""
    lines = []
    in_url = urlsplit(connection.url)  # user info in the URL is written as its own settings
    for field in FIELDS:
        if not hasattr(connection, field.name):
            continue  # cloud_id: resolved into the url
        value = getattr(connection, field.name)
        if field.name == "url":
            value = connection.display_url
        elif field.name in {"username", "password"} and in_url.username and not value:
            value = getattr(in_url, field.name)
        if field.kind == "boolean":
            if value is False:
                key = f"{door.config_namespace}:{field.config_key}"
                lines.append(f"pulumi config set {key} false")
            continue
        if not value:
            continue
        key = f"{door.config_namespace}:{field.config_key}"
        if field.secret:
            lines.append(f"pulumi config set --secret {key} {PLACEHOLDER}")
        else:
            lines.append(f"pulumi config set {key} {_shown(str(value))}")
    return lines


def secret_lines(planned: Sequence[Planned]) -> list[str]:
    return [
        f"pulumi config set --secret {secret.name} {PLACEHOLDER}"
        for endpoint in planned
        for secret in endpoint.secrets
    ]


_WIDTH = 96
"""The summary's lines are cut at word boundaries to this width, where a word allows."""


def _row(name: str, width: int, text: str) -> list[str]:
    """``  name  text`` with ``name`` in a column ``width`` wide and ``text`` wrapped under
    itself, so that every row of a table starts its text in the same column."""
    lead = f"  {name.ljust(width)}  "
    lines: list[str] = []
    current, words = lead, 0
    for word in text.split():
        if words and len(current) + len(word) > _WIDTH:
            lines.append(current.rstrip())
            current, words = " " * len(lead), 0
        current, words = current + word + " ", words + 1
    lines.append(current.rstrip())
    return lines


def _written(planned: Sequence[Planned], width: int) -> list[str]:
    lines = []
    for endpoint in planned:
        declaration = endpoint.declaration
        what = f"{declaration['task_type']}, {declaration['service']}"
        if endpoint.read_only:
            what += ", read only (preconfigured)"
        secrets = ", ".join(secret.name for secret in endpoint.secrets)
        if secrets:
            what += f"; secrets from config: {secrets}"
        lines += _row(endpoint.inference_id, width, what)
    return lines


def _skipped(skipped: Sequence[Skipped], width: int) -> list[str]:
    """One row per endpoint, grouped by reason (in the order the reasons first came)."""
    order = {reason: index for index, reason in enumerate(dict.fromkeys(s.reason for s in skipped))}
    lines = []
    for item in sorted(skipped, key=lambda s: order[s.reason]):
        lines += _row(item.inference_id, width, item.reason)
    return lines


def summary(
    *,
    out: Path,
    files: Sequence[str],
    cluster: str,
    door: Door,
    planned: Sequence[Planned],
    skipped: Sequence[Skipped],
    warnings: Sequence[str],
    config_lines: Sequence[str],
) -> str:
    how = "imported with the import_ option" if door.native else "adopted with adopt_existing=True"
    lines = [
        f"Wrote {', '.join(files)} to {out}: {len(planned)} inference endpoint(s) of "
        f"{cluster}, {how}.",
        "",
        f"Written ({len(planned)}):",
    ]
    # Both tables share their first column, so every description starts at one place.
    width = max(
        len(item)
        for item in [*(p.inference_id for p in planned), *(s.inference_id for s in skipped)]
    )
    lines += _written(planned, width)
    if skipped:
        lines += ["", f"Skipped ({len(skipped)}):", *_skipped(skipped, width)]
    checks = [
        f"  {endpoint.inference_id}: {check}" for endpoint in planned for check in endpoint.checks
    ]
    checks += [f"  {warning}" for warning in warnings]
    if checks:
        lines += ["", "Check before `pulumi up`:", *checks]
    lines += ["", "Next:", f"  cd {shlex.quote(str(out))}"]
    if door.native:
        lines.append("  pulumi-inference install-plugin    # once per machine")
    lines += ["  pulumi stack init <stack>", *[f"  {line}" for line in config_lines]]
    lines += ["  pulumi up", "  pulumi preview --expect-no-changes"]
    return "\n".join(lines) + "\n"
