"""``pulumi-inference policy new DIR``: a ready policy pack that serves this package's rules."""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
from pathlib import Path

from .._origin import Origin, origin
from .._subcommand import Subcommand
from ..properties import NATIVE_PACKAGE
from ._pack import PACK_NAME
from ._rules import RULES

EXIT_OK, EXIT_FAILED = 0, 1
PACK_NAME_PATTERN = re.compile(r"^[A-Za-z0-9._-]+$")

POLICY_YAML = """\
description: Rules for Elasticsearch inference endpoints (pulumi-inference)
runtime:
  name: python
  options:
    virtualenv: venv
version: 0.1.0
"""


def requirements(installed: Origin) -> str:
    """pulumi-policy, and pulumi-inference from where the running copy was installed from."""
    return f"pulumi-policy>=1.21,<2\n{installed.requirement}\n"


def main_py(name: str) -> str:
    rules = "\n".join(f"#   {rule.id} ({rule.enforcement})" for rule in RULES)
    return f'''\
"""Policy pack {name}: the rules of pulumi_inference.policy for
Elasticsearch inference endpoints, the dynamic InferenceEndpoint's and the
{NATIVE_PACKAGE} plugin's.

    python3 -m venv venv && venv/bin/pip install -r requirements.txt
    pulumi preview --policy-pack PATH/TO/THIS/DIRECTORY [--policy-pack-config config.json]
"""

# Rules (default enforcement); configure them in a JSON file passed with --policy-pack-config,
# e.g. {{"inference-allowed-services": {{"allowed": ["elasticsearch", "openai"]}},
#       "inference-no-adopt-existing": "mandatory"}}:
{rules}

from pulumi_inference.policy import serve_policy_pack

serve_policy_pack({json.dumps(name)})
'''


def write_pack(
    directory: Path, name: str = PACK_NAME, *, force: bool = False, installed: Origin | None = None
) -> list[Path]:
    """Write PulumiPolicy.yaml, __main__.py and requirements.txt into ``directory``; the
    requirements install pulumi-inference from ``installed`` (default: where this copy came from).
    """
    if not PACK_NAME_PATTERN.match(name):
        raise ValueError(
            f"--name {name!r}: a policy pack name has only letters, digits, '.', '_' and '-'"
        )
    files = {
        "PulumiPolicy.yaml": POLICY_YAML,
        "__main__.py": main_py(name),
        "requirements.txt": requirements(installed or origin()),
    }
    existing = [directory / f for f in files if (directory / f).exists()]
    if existing and not force:
        raise FileExistsError(
            f"DIR: {existing[0]} already exists; choose an empty directory, or pass --force to "
            "overwrite the pack's files"
        )
    directory.mkdir(parents=True, exist_ok=True)
    for file, text in files.items():
        (directory / file).write_text(text)
    return [directory / f for f in files]


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    new = actions.add_parser("new", help="write a ready policy pack into DIR")
    new.add_argument("directory", metavar="DIR", type=Path, help="the pack's directory")
    new.add_argument("--name", default=PACK_NAME, help=f"the pack's name (default {PACK_NAME})")
    new.add_argument("--force", action="store_true", help="overwrite the pack's files in DIR")


def next_steps(directory: Path) -> list[str]:
    """The shell commands that make the pack's virtualenv, then use the pack, as printed:
    absolute paths, so that each works from any directory (the second from the project's)."""
    directory = directory.absolute()
    pack = shlex.quote(str(directory))
    venv = shlex.quote(str(directory / "venv"))
    requirements = shlex.quote(str(directory / "requirements.txt"))
    return [
        f"python3 -m venv {venv} && {venv}/bin/pip install -r {requirements}",
        f"pulumi preview --policy-pack {pack}",
    ]


def _run(args: argparse.Namespace) -> int:
    installed = origin()
    try:
        written = write_pack(args.directory, args.name, force=args.force, installed=installed)
    except (ValueError, OSError) as exc:
        print(f"pulumi-inference policy new: {exc}", file=sys.stderr)
        return EXIT_FAILED
    for path in written:
        print(f"wrote {path}")
    print(f"requirements.txt installs pulumi-inference from {installed.where}")
    if installed.missing is not None:
        print(
            f"pulumi-inference policy new: warning: {installed.missing} is no longer there; "
            f"edit the pulumi-inference line of {args.directory / 'requirements.txt'}",
            file=sys.stderr,
        )
    print("next, in a shell (the second one in your Pulumi project's directory):")
    for command in next_steps(args.directory):
        print(f"  {command}")
    return EXIT_OK


COMMAND = Subcommand(
    name="policy",
    help="policy packs (CrossGuard) for inference endpoints: `policy new DIR`",
    description="Write a policy pack that checks inference endpoints against the platform's "
    "rules (services, models, ML allocations, force_delete, protect, adopt_existing, unknown "
    "services), for `pulumi preview --policy-pack DIR`.",
    add_arguments=_add_arguments,
    run=_run,
)
