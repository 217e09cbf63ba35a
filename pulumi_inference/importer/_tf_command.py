"""``pulumi-inference import --from-terraform PATH``: from Terraform's state to a program.

Everything is read and judged first (the state, the clusters); then the project is written,
the stack made and its config set; a failure at any step leaves nothing behind. Exit codes
as for the cluster import: 0 written, 1 failed (nothing written), 2 usage.
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..connection import ClusterConnection, environment_source, resolve_connection
from ..errors import ConfigurationError
from ._command import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    Refused,
    check_out,
    declared_connection,
    naming_flags,
    project_name,
    write_files,
)
from ._render import Door, render_program, render_project_file, render_requirements
from ._stack import StackError, create_stack, find_pulumi
from ._tf_plan import ConfigEntry, Conversion, convert_state
from ._tf_state import Skipped, TerraformInputError, TerraformState, read_state, state_file_in
from ._tf_summary import Written, terraform_summary

TITLE = "Terraform's state"
INTRO = (
    "Declared as Terraform's state records them; their secrets are in stack config",
    "(encrypted), never here. Where the cluster matched the state, adopt_secrets_digest",
    "lets the first `pulumi up` adopt the endpoint without sending anything.",
)


def _intro(state: TerraformState) -> tuple[str, ...]:
    return (f"From {state.described}.", *INTRO)


def run_terraform(args: argparse.Namespace) -> int:
    out, door = Path(args.out), Door(native=args.native)
    if not args.stack:
        raise Refused(
            "--from-terraform needs --stack NAME: the stack to make, whose config receives "
            "the secrets of Terraform's state (encrypted by its secrets provider)",
            EXIT_USAGE,
        )
    default = _default_connection(args, os.environ)
    check_out(out)
    directory = _config_directory(Path(args.from_terraform))
    if directory is not None:
        from ._tf_config_command import run_config

        return run_config(args, out, door, default, directory)
    state = read_state_at(Path(args.from_terraform), args.match)
    conversion = convert_state(state, default, door, os.environ)
    if not conversion.planned:
        reasons = sorted({item.reason for item in conversion.skipped})
        raise Refused(
            f"no endpoint to write from {state.described} ({'; '.join(reasons)}). "
            "Nothing was written.",
            EXIT_FAILED,
        )
    files = _files(out, conversion, door, _intro(state))
    ensure_pulumi()
    write_project(out, files, args, conversion.config)
    print(terraform_summary(Written(out, list(files), args.stack, door), conversion), end="")
    return EXIT_OK


def _default_connection(
    args: argparse.Namespace, environ: Mapping[str, str]
) -> ClusterConnection | None:
    """The stack's cluster from the flags and the environment; None when none is named."""
    declared = declared_connection(args, environ)
    environment = environment_source(environ)
    named = any(
        source.get(name) for source in (declared, environment) for name in ("url", "cloud_id")
    )
    if not named:
        return None
    try:
        return resolve_connection(declared, {}, environ)
    except ConfigurationError as error:
        raise Refused(naming_flags(str(error)), EXIT_USAGE) from None


def read_state_at(path: Path, match: list[str]) -> TerraformState:
    """The state ``path`` names (a file, or a directory holding terraform.tfstate), filtered
    by ``--match``; refused when it holds no inference endpoint."""
    source = path
    if path.is_dir():
        found = state_file_in(path)
        if found is None:
            raise Refused(
                f"--from-terraform {path}: no terraform.tfstate in it (a local backend's "
                "state); with a remote backend, save it first: `terraform state pull > "
                "terraform.tfstate`. Nothing was written.",
                EXIT_FAILED,
            )
        source = found
    elif not path.exists():
        raise Refused(f"--from-terraform {path}: no such file or directory", EXIT_USAGE)
    try:
        state = read_state(source)
    except TerraformInputError as error:
        raise Refused(str(error), EXIT_FAILED) from None
    if not state.endpoints:
        others = ", ".join(s.address for s in state.skipped[:5]) or "no resources at all"
        raise Refused(
            f"{source}: no elasticstack_elasticsearch_inference_endpoint in it ({others}"
            f"{', ...' if len(state.skipped) > 5 else ''}). Nothing was written.",
            EXIT_FAILED,
        )
    return _matching(state, match)


def _matching(state: TerraformState, match: list[str]) -> TerraformState:
    if not match:
        return state
    kept = [
        e for e in state.endpoints if any(fnmatch.fnmatchcase(e.inference_id, g) for g in match)
    ]
    dropped = [
        Skipped(e.address, "does not match --match") for e in state.endpoints if e not in kept
    ]
    return TerraformState(
        state.path, state.terraform_version, state.serial, kept, [*state.skipped, *dropped]
    )


def _files(out: Path, conversion: Conversion, door: Door, intro: tuple[str, ...]) -> dict[str, str]:
    todo = [entry.line() for entry in conversion.config if entry.value is None]
    cluster = TITLE
    return {
        "Pulumi.yaml": render_project_file(project_name(out), cluster, door, todo),
        "requirements.txt": render_requirements(),
        "__main__.py": render_program(
            conversion.planned,
            door=door,
            cluster=cluster,
            config_lines=todo,
            preamble=conversion.preamble,
            intro=intro,
        ),
    }


def ensure_pulumi() -> None:
    """The Pulumi CLI is there, before anything is written."""
    try:
        find_pulumi()
    except StackError as error:
        raise Refused(f"{error}. Nothing was written.", EXIT_FAILED) from None


def _config_directory(path: Path) -> Path | None:
    """The directory whose ``.tf`` files to read: ``path`` itself, or a ``.tf`` file's."""
    if path.is_dir() and any(path.glob("*.tf")):
        return path
    if path.is_file() and path.suffix == ".tf":
        return path.parent
    return None


def write_project(
    out: Path, files: dict[str, str], args: argparse.Namespace, config: Sequence[ConfigEntry]
) -> None:
    """The files, then the stack and its config; all removed again on a failure."""
    existed = out.exists()
    try:
        write_files(out, files)
    except OSError as error:
        raise Refused(f"--out {out}: cannot write the project: {error}", EXIT_FAILED) from None
    values = [(e.key, e.value, e.secret) for e in config if e.value is not None]
    try:
        create_stack(out, args.stack, values, secrets_provider=args.secrets_provider)
    except StackError as error:
        for name in files:
            (out / name).unlink(missing_ok=True)
        if not existed:
            with contextlib.suppress(OSError):
                out.rmdir()
        raise Refused(
            f"stack {args.stack}: {error}. Nothing was written (the project and the stack "
            "were removed again).",
            EXIT_FAILED,
        ) from None
