"""The ``pulumi-inference`` console script: one subcommand per entry of :func:`commands`.

Each subcommand lives in the package it belongs to and is exported there as a ``Subcommand``
(``emulator``, ``install-plugin``, ``import``, ...); this module only lays them out.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ._release import __version__
from ._subcommand import Subcommand, use_formatter


def commands() -> list[Subcommand]:
    from . import emulator, importer, native, policy, recovery, review

    return [
        emulator.COMMAND,
        native.INSTALL_PLUGIN,
        importer.COMMAND,
        policy.COMMAND,
        review.COMMAND,
        recovery.COMMAND,
    ]


def _build_parser(available: Sequence[Subcommand]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pulumi-inference",
        description="Tools for Elasticsearch inference endpoints managed with Pulumi.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for command in available:
        sub = subparsers.add_parser(
            command.name, help=command.help, description=command.description
        )
        command.add_arguments(sub)
    return use_formatter(parser)


def main(argv: Sequence[str] | None = None) -> int:
    available = commands()
    args = _build_parser(available).parse_args(argv)
    by_name = {command.name: command for command in available}
    return by_name[args.command].run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
