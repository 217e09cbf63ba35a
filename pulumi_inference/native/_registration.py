"""Whether the engine will find the plugin, asked by the Python SDK before its first resource.

Without the plugin, Pulumi would look for a release of ``pulumi-elasticsearch-inference`` on
GitHub (``could not find latest version ... no such host``) and cancel the program, whose
language host then prints a traceback: dozens of lines, none saying what to do. The SDK says
it in one line instead, as a :class:`pulumi.RunError` (shown without a traceback).

The engine looks, in order, in the project's ``plugins:`` (Pulumi.yaml), on ``$PATH`` (unless
``PULUMI_IGNORE_AMBIENT_PLUGINS``), and in ``$PULUMI_HOME/plugins``. Where the SDK cannot
see what the engine sees, it says nothing: under mocks (no engine), in an Automation API
inline program (its process is not the engine's: the workspace's ``PULUMI_HOME`` is not in
its environment), and in a project that lists plugins of its own.
"""

from __future__ import annotations

import inspect
import os
import shutil
from pathlib import Path

import pulumi
import pulumi.runtime.settings
from pulumi.runtime.mocks import MockMonitor

from ..properties import NATIVE_PACKAGE
from ._schema import PLUGIN_EXECUTABLE

MISSING = (
    f"the {NATIVE_PACKAGE} provider plugin is not registered with Pulumi (none in {{plugins}}): "
    "run `pulumi-inference install-plugin` once on this machine (with the same PULUMI_HOME), "
    "then run this command again"
)
_found = False


def plugins_dir() -> Path:
    """Where Pulumi keeps installed plugins: ``$PULUMI_HOME/plugins``, else ``.pulumi/plugins``
    in the account's home as the password database gives it (what Pulumi reads, not ``$HOME``)."""
    pulumi_home = os.environ.get("PULUMI_HOME")
    if pulumi_home:
        return Path(pulumi_home) / "plugins"
    try:
        import pwd

        home = Path(pwd.getpwuid(os.getuid()).pw_dir)
    except (ImportError, KeyError):
        home = Path.home()
    return home / ".pulumi" / "plugins"


def installed(plugins: Path) -> bool:
    return any(plugins.glob(f"resource-{NATIVE_PACKAGE}-v*/{PLUGIN_EXECUTABLE}"))


def require_plugin() -> None:
    """Raise :class:`pulumi.RunError` saying to run ``install-plugin`` when the engine running
    this program will not find the plugin; checked once per process."""
    global _found
    if _found or _engine_unseen() or _found_elsewhere() or installed(plugins_dir()):
        _found = True
        return
    raise pulumi.RunError(MISSING.format(plugins=plugins_dir()))


def _engine_unseen() -> bool:
    """True where this process cannot know what the engine finds."""
    if isinstance(pulumi.runtime.settings.get_monitor(), MockMonitor):
        return True
    # An inline program runs in the caller's process, under the Automation API's language
    # server: on the stack of the call that runs it.
    frame = inspect.currentframe()
    while frame is not None:
        if Path(frame.f_code.co_filename).parts[-2:] == ("automation", "_server.py"):
            return True
        frame = frame.f_back
    return False


def _found_elsewhere() -> bool:
    ignored = os.environ.get("PULUMI_IGNORE_AMBIENT_PLUGINS", "").lower() in ("1", "true")
    if not ignored and shutil.which(PLUGIN_EXECUTABLE):
        return True
    root = Path(pulumi.get_root_directory() or ".")
    projects = [root / name for name in ("Pulumi.yaml", "Pulumi.yml") if (root / name).is_file()]
    return any("plugins:" in project.read_text() for project in projects)
