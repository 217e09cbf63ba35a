"""``pulumi-inference recover``: bring a stack back after a killed ``pulumi up``.

A run killed while it creates endpoints (a CI runner's timeout or preemption while an ELSER
or E5 deployment starts) leaves pending creates in the state, perhaps a lock on the backend,
and endpoints on the cluster that the next ``pulumi up`` refuses as not its own. ``recover``
reads the pending operations (``pulumi stack export``), asks each endpoint's cluster whether
it exists and matches its declaration, prints the plan, and with ``--yes`` carries it out.

    _pulumi    the pulumi CLI (export, import, refresh, cancel), one-line redacted errors
    _state     the export: project, pending operations, declarations, each one's cluster
    _plan      adopt, clear or leave each pending operation, asking the cluster
    _lock      whether the stack is locked and by whom, read without taking the lock
    _surgery   edits of the export: drop a pending create, complete a dynamic one
    _command   the arguments, the printed plan, exit codes, carrying it out

See docs/operations.md.
"""

from .._face import present
from .._published import docs_url
from .._subcommand import Subcommand
from ._command import EXIT_FAILED, EXIT_LEFT_ALONE, EXIT_OK, EXIT_USAGE, add_arguments, run

COMMAND = Subcommand(
    "recover",
    "recover a stack after a killed `pulumi up`: pending creates, stale lock, orphaned endpoints",
    "Read a stack's pending operations (pulumi stack export), ask the cluster which of their "
    "endpoints exist and match the declaration, and print the plan; with --yes take each "
    "matching endpoint into the state, drop the creates that never reached the cluster, and "
    "leave every other endpoint alone. See " + docs_url("docs/operations.md") + ".",
    add_arguments,
    run,
)

__all__ = [
    "COMMAND",
    "EXIT_FAILED",
    "EXIT_LEFT_ALONE",
    "EXIT_OK",
    "EXIT_USAGE",
    "add_arguments",
    "run",
]

present(__name__, globals())
