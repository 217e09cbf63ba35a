"""``pulumi-inference import``: its arguments, and the run from flags to files.

The connection flags come from :data:`pulumi_inference.connection.FIELDS`, one per field,
and resolve as everywhere else: a flag wins, then the ``ELASTICSEARCH_*`` environment.
Exit codes: 0 written, 1 failed (nothing written), 2 usage.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..connection import FIELDS, FIELDS_BY_NAME, environment_source
from ..properties import NATIVE_PACKAGE

if TYPE_CHECKING:
    from ..connection import ClusterConnection
    from ._cluster import Inventory, Skipped
    from ._plan import Planned

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
PROGRAM_FILES = ("Pulumi.yaml", "Pulumi.yml", "__main__.py", "requirements.txt")
_PREFIX = "pulumi-inference import"


def _add_terraform_arguments(parser: argparse.ArgumentParser) -> None:
    """``--from-terraform`` and the stack it makes (docs/migrating-from-terraform.md)."""
    parser.add_argument(
        "--from-terraform",
        metavar="PATH",
        help="read the endpoints from Terraform instead of the cluster: a terraform.tfstate "
        "(format 4), a directory holding one, or `terraform show -json` output; the cluster "
        "is still read, where it can be, to compare. Needs --stack",
    )
    parser.add_argument(
        "--stack",
        metavar="NAME",
        help="with --from-terraform: the stack to make in the current backend, whose config "
        "receives the state's secrets, encrypted by its secrets provider",
    )
    parser.add_argument(
        "--secrets-provider",
        metavar="PROVIDER",
        help="with --stack: the new stack's secrets provider (as `pulumi stack init "
        "--secrets-provider`); the backend's default without it",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="directory to write the project into (created if missing; must not hold a program)",
    )
    parser.add_argument(
        "--match",
        action="append",
        default=[],
        metavar="GLOB",
        help="only inference ids matching this glob, e.g. 'search-*'; repeatable",
    )
    parser.add_argument(
        "--native",
        action="store_true",
        help=f"use the {NATIVE_PACKAGE} provider plugin (pulumi_inference.native) and "
        "the import_ option instead of the dynamic resource with adopt_existing",
    )
    _add_terraform_arguments(parser)
    parser.add_argument(
        "--include-preconfigured",
        action="store_true",
        help="also the endpoints the cluster made itself (ids starting with '.'), as read-only",
    )
    group = parser.add_argument_group(
        "cluster",
        "Which cluster to read. Each group of settings (location, credentials, TLS) comes "
        "whole from these flags, else from the environment; --password and --client-key are "
        "also read from their variables when --username or --client-cert is a flag.",
    )
    for field in FIELDS:
        env = f" [env: {', '.join(field.env)}]" if field.env else ""
        secret = ""
        if field.secret:
            secret = " Never printed." + (
                " Prefer the environment: command lines are visible." if field.env else ""
            )
        text = f"{field.description}{env}{secret}"
        dest = f"connection_{field.name}"
        if field.kind == "boolean":
            group.add_argument(
                field.cli_flag, dest=dest, action=argparse.BooleanOptionalAction, help=text
            )
        elif field.kind == "map":
            group.add_argument(
                field.cli_flag,
                dest=dest,
                action="append",
                metavar="NAME=VALUE",
                help=f"{text} Repeatable.",
            )
        else:
            group.add_argument(field.cli_flag, dest=dest, metavar=field.name.upper(), help=text)


class Refused(Exception):
    """Stops the command with a message for stderr and an exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


_SECRET_HALVES = {"password": "username", "client_key": "client_cert"}
"""Secrets that complete a setting given as a flag. Settings resolve per group, whole from
one source; these are still read from their own environment variable when their partner is
a flag, so that ``--username`` works with the password kept off the command line."""


def declared_connection(args: argparse.Namespace, environ: Mapping[str, str]) -> dict[str, Any]:
    """The connection fields given as flags (and the secret halves above)."""
    declared: dict[str, Any] = {}
    for field in FIELDS:
        value = getattr(args, f"connection_{field.name}", None)
        if value is None:
            continue
        if field.kind == "map":
            headers: dict[str, str] = {}
            for pair in value:
                name, sep, text = pair.partition("=")
                if not sep or not name.strip():
                    raise Refused(f"{field.cli_flag}: write each header as NAME=VALUE", EXIT_USAGE)
                headers[name.strip()] = text
            value = headers
        declared[field.name] = value
    for secret, partner in _SECRET_HALVES.items():
        if partner in declared and secret not in declared:
            found = [environ[name] for name in FIELDS_BY_NAME[secret].env if environ.get(name)]
            if found:
                declared[secret] = found[0]
    return declared


def _flag_of(name: str) -> str:
    field = FIELDS_BY_NAME[name]
    return " / ".join([field.cli_flag, *field.env[:1]])


def naming_flags(message: str) -> str:
    """``connection.url: ...`` as ``--url / ELASTICSEARCH_URL: ...``."""
    return re.sub(
        r"connection\.(\w+)",
        lambda m: _flag_of(m.group(1)) if m.group(1) in FIELDS_BY_NAME else m.group(0),
        message,
    )


def check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise Refused(f"--out {out}: exists and is not a directory", EXIT_FAILED)
    present = [name for name in PROGRAM_FILES if (out / name).exists()]
    if present:
        raise Refused(
            f"--out {out}: already holds {', '.join(present)}; nothing was written. Pass an "
            "empty or new directory (this command never overwrites a program).",
            EXIT_FAILED,
        )


def _hint(error: Exception) -> str:
    from ..errors import AuthenticationError, AuthorizationError, ClusterUnreachableError

    if isinstance(error, AuthenticationError):
        return (
            "check the credentials: --api-key (or --username/--password, --bearer-token, or "
            "ELASTICSEARCH_API_KEY ...)"
        )
    if isinstance(error, AuthorizationError):
        return (
            "the credentials need the monitor_inference cluster privilege to read endpoints "
            "(manage_inference for `pulumi up`): pass another --api-key"
        )
    if isinstance(error, ClusterUnreachableError):
        return (
            "check --url (or --cloud-id / ELASTICSEARCH_URL), and for TLS --ca-certs or "
            "--ssl-assert-fingerprint"
        )
    return "check --url and the credentials"


def project_name(out: Path) -> str:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", out.resolve().name).strip("-.")
    return name or "inference-endpoints"


def write_files(out: Path, files: dict[str, str]) -> None:
    """All of ``files`` or none: what was written is removed again on a failure."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for name, text in files.items():
            with (out / name).open("x", encoding="utf-8") as handle:  # never overwrite
                written.append(out / name)
                handle.write(text)
    except OSError:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except Refused as refused:
        print(f"{_PREFIX}: {refused}", file=sys.stderr)
        return refused.code


def _run(args: argparse.Namespace) -> int:
    from ._render import Door, render_program, render_project_file, render_requirements
    from ._summary import connection_lines, secret_lines, summary

    if getattr(args, "from_terraform", None):
        from ._tf_command import run_terraform

        return run_terraform(args)
    if getattr(args, "stack", None) or getattr(args, "secrets_provider", None):
        raise Refused("--stack and --secrets-provider go with --from-terraform", EXIT_USAGE)

    out = Path(args.out)
    door = Door(native=args.native)
    connection = _connection(args, out)
    inventory, planned, skipped = _read(connection, args)
    config = connection_lines(connection, door) + secret_lines(planned)
    files = {
        "Pulumi.yaml": render_project_file(project_name(out), inventory.cluster, door, config),
        "requirements.txt": render_requirements(),
        "__main__.py": render_program(
            planned, door=door, cluster=inventory.cluster, config_lines=config
        ),
    }
    try:
        write_files(out, files)
    except OSError as error:
        raise Refused(f"--out {out}: cannot write the project: {error}", EXIT_FAILED) from None
    print(
        summary(
            out=out,
            files=list(files),
            cluster=inventory.cluster,
            door=door,
            planned=planned,
            skipped=skipped,
            warnings=inventory.warnings,
            config_lines=config,
        ),
        end="",
    )
    return EXIT_OK


def _connection(args: argparse.Namespace, out: Path) -> ClusterConnection:
    """The cluster named by the flags and the environment (``out`` checked first)."""
    from ..connection import resolve_connection
    from ..errors import ConfigurationError

    declared = declared_connection(args, os.environ)
    check_out(out)
    environment = environment_source(os.environ)
    if not any(
        source.get(name) for source in (declared, environment) for name in ("url", "cloud_id")
    ):
        raise Refused(
            "which cluster? Pass --url URL (or --cloud-id ID), or set ELASTICSEARCH_URL",
            EXIT_USAGE,
        )
    try:
        return resolve_connection(declared, {}, os.environ)
    except ConfigurationError as error:
        raise Refused(naming_flags(str(error)), EXIT_USAGE) from None


def _read(
    connection: ClusterConnection, args: argparse.Namespace
) -> tuple[Inventory, list[Planned], list[Skipped]]:
    """The cluster's endpoints: those to write and those skipped; refused when none is left."""
    from ..client import client_for
    from ..errors import InferenceError
    from ._cluster import read_cluster
    from ._plan import plan

    try:
        inventory = read_cluster(
            client_for(connection),
            match=args.match,
            include_preconfigured=args.include_preconfigured,
        )
    except InferenceError as error:
        raise Refused(f"{error}\n{_hint(error)}", EXIT_FAILED) from None
    planned, skipped = plan(inventory)
    skipped = sorted([*inventory.skipped, *skipped], key=lambda s: s.inference_id)
    if not planned:
        reasons = sorted({item.reason for item in skipped})
        raise Refused(
            f"no endpoint to write from {inventory.cluster} ({len(skipped)} skipped"
            + (f": {'; '.join(reasons)}" if reasons else "")
            + "); check --match and --include-preconfigured. Nothing was written.",
            EXIT_FAILED,
        )
    return inventory, planned, skipped
