"""Registering the plugin with Pulumi as an installed plugin.

The package puts no ``pulumi-resource-*`` executable on ``$PATH``: the engine would prefer it
to the installed plugin and warn about it on every command, twice, whenever the virtualenv is
active. An installed plugin (``$PULUMI_HOME/plugins/resource-elasticsearch-inference-v<version>/``)
is found quietly.
``pulumi plugin install --file`` installs a directory holding a launcher that starts this
package's plugin with this interpreter.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from .._release import __version__
from .._subcommand import Subcommand
from ..errors import ConfigurationError
from ..properties import NATIVE_PACKAGE
from ._registration import plugins_dir
from ._schema import PLUGIN_EXECUTABLE


def launcher_text(python: str) -> str:
    return (
        "#!/bin/sh\n"
        f"# The {NATIVE_PACKAGE} Pulumi plugin of pulumi-inference {__version__}.\n"
        f'exec {shlex.quote(python)} -m pulumi_inference.native "$@"\n'
    )


def write_launcher(directory: Path, python: str = sys.executable) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / PLUGIN_EXECUTABLE
    path.write_text(launcher_text(python))
    path.chmod(0o755)
    return path


def install_plugin(pulumi: str = "pulumi", python: str = sys.executable) -> str:
    """``pulumi plugin install resource elasticsearch-inference <version> --file <dir>``.

    Returns what the CLI printed. Raises :class:`ConfigurationError` with the CLI's words
    when it fails.
    """
    with tempfile.TemporaryDirectory(prefix=f"{NATIVE_PACKAGE}-plugin-") as staging:
        write_launcher(Path(staging), python)
        command = [
            pulumi,
            "plugin",
            "install",
            "resource",
            NATIVE_PACKAGE,
            __version__,
            "--file",
            staging,
            "--reinstall",
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, check=False, env=dict(os.environ)
            )
        except FileNotFoundError:
            raise ConfigurationError(
                f"'{pulumi}' was not found: install the Pulumi CLI, or pass --pulumi PATH"
            ) from None
    if done.returncode != 0:
        raise ConfigurationError(
            f"`{' '.join(command[:6])}` failed ({done.returncode}): "
            f"{(done.stderr or done.stdout).strip()}"
        )
    return (done.stdout + done.stderr).strip()


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pulumi", default="pulumi", help="the pulumi command (default: pulumi)")


def _run(args: argparse.Namespace) -> int:
    try:
        install_plugin(args.pulumi)  # the CLI's "[... plugin] installing": ours says where
    except ConfigurationError as err:
        print(f"pulumi-inference install-plugin: {err}", file=sys.stderr)
        return 1
    print(
        f"pulumi-inference install-plugin: {NATIVE_PACKAGE} {__version__} registered in "
        f"{plugins_dir()}, run by {sys.executable}"
    )
    return 0


INSTALL_PLUGIN = Subcommand(
    "install-plugin",
    f"register the {NATIVE_PACKAGE} provider plugin with Pulumi",
    f"Install the native provider plugin ({PLUGIN_EXECUTABLE}) as a Pulumi "
    "plugin that runs with this Python, so that Pulumi finds it without the warning it gives "
    "for plugins found on $PATH.",
    _add_arguments,
    _run,
)
