"""``pulumi-inference recover``: its arguments, the plan it prints, and carrying it out.

Exit codes: 0 recovered (or nothing pending), 1 failed (nothing changed unless the message
says what was), 2 usage, 3 carried out but some endpoints were left alone for a person.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from ._lock import LockStatus, lock_status
from ._plan import Step, plan
from ._pulumi import PulumiCli, RecoveryError, project_name
from ._state import StackState
from ._surgery import edited

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LEFT_ALONE = 0, 1, 2, 3
_PREFIX = "pulumi-inference recover"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack", required=True, metavar="NAME", help="the stack to recover")
    parser.add_argument(
        "--cwd",
        default=".",
        metavar="DIR",
        help="the directory of the stack's program (its Pulumi.yaml); default: here",
    )
    parser.add_argument(
        "--yes",
        action="store_true",
        help="carry the plan out (without it, only print the plan and change nothing)",
    )
    parser.add_argument(
        "--cancel-lock",
        action="store_true",
        help="remove the stack's lock first (`pulumi cancel`), e.g. one a killed CI run left; "
        "only when no run of the stack is in progress: it removes a live run's lock too",
    )


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except RecoveryError as error:
        print(f"{_PREFIX}: {error}", file=sys.stderr)
        return EXIT_FAILED


def _run(args: argparse.Namespace) -> int:
    cwd = Path(args.cwd)
    if not cwd.is_dir():
        print(f"{_PREFIX}: --cwd {cwd}: not a directory", file=sys.stderr)
        return EXIT_USAGE
    project = project_name(cwd)
    cli = PulumiCli(args.stack, cwd)
    state = StackState(cli.export(show_secrets=True))
    owner = state.project()
    if owner is not None and owner != project:
        raise RecoveryError(
            f"--stack {args.stack} belongs to project {owner}, not to {project} in {cwd}: "
            f"pass --cwd with the directory of {owner}'s program; nothing was changed"
        )
    pending = state.pending()
    if not pending:
        print(f"stack {args.stack}: no pending operation; nothing to recover.")
        if not args.yes:
            _say_lock(lock_status(cli, project), args, quiet_unless_locked=True)
        return _lock_only(cli, args)
    steps = plan(state, cli.config())
    print(f"stack {args.stack} (project {project}): {len(steps)} pending operation(s)")
    for step in steps:
        print(step.line())
    if not args.yes:
        _say_lock(lock_status(cli, project), args)
    elif args.cancel_lock:
        print("  the stack's lock is removed first (--cancel-lock)")
    if not args.yes:
        print("Nothing was changed: run again with --yes to carry this out.")
        return EXIT_OK
    imported = _carry_out(cli, steps, cancel_lock=args.cancel_lock)
    done = {action: sum(s.action == action for s in steps) for action in ("adopt", "clear")}
    left = sum(step.action == "leave" for step in steps)
    print(
        f"Done: {done['adopt']} adopted, {done['clear']} cleared, {left} left alone. "
        "Check with `pulumi preview --expect-no-changes`."
    )
    if left and imported:
        print(
            "`pulumi stack import` removes every pending operation, so those left alone are "
            "no longer in the state; their endpoints on the cluster are untouched."
        )
    return EXIT_LEFT_ALONE if left else EXIT_OK


def _say_lock(
    status: LockStatus, args: argparse.Namespace, quiet_unless_locked: bool = False
) -> None:
    """The plan's line about the lock: held (by whom, and what to run), free, or not known."""
    if status.locked:
        by = f" (lock created by {', '.join(status.holders)})" if status.holders else ""
        print(f"  the stack is locked{by}: a run is in progress, or a killed one left its lock")
        if args.cancel_lock:
            if not quiet_unless_locked:  # with nothing pending, _lock_only says what --yes does
                print("  the stack's lock is removed first (--cancel-lock)")
            return
        command = ["pulumi-inference", "recover", "--stack", args.stack]
        command += ["--cwd", args.cwd] if args.cwd != "." else []
        print(
            "  when no run of the stack is in progress, "
            f"{'remove it' if quiet_unless_locked else 'carry it out'} with: "
            f"{shlex.join([*command, '--yes', '--cancel-lock'])}"
        )
    elif quiet_unless_locked:
        return
    elif status.locked is None:
        print(
            f"  whether the stack is locked is not known before --yes ({status.unknown_because}); "
            "if it is, --yes stops before changing anything"
        )
        if args.cancel_lock:
            print("  the stack's lock is removed first (--cancel-lock)")
    else:
        print("  the stack is not locked")
        if args.cancel_lock:
            print("  the stack's lock is removed first (--cancel-lock): there is none now")


def _lock_only(cli: PulumiCli, args: argparse.Namespace) -> int:
    if not args.cancel_lock:
        return EXIT_OK
    if not args.yes:
        print("The stack's lock would be removed (--cancel-lock): run again with --yes.")
        return EXIT_OK
    cli.cancel()
    print("The stack's lock was removed.")
    return EXIT_OK


def _carry_out(cli: PulumiCli, steps: list[Step], *, cancel_lock: bool) -> bool:
    """The lock, then one ``stack import`` (creates dropped or completed), then one refresh
    of the adopted resources, which records what the cluster holds. Whether it imported."""
    if cancel_lock:
        cli.cancel()
        print("The stack's lock was removed.")
    drop = {s.pending.urn for s in steps if s.action == "clear"}
    complete = {s.pending.urn: str(s.inference_id) for s in steps if s.action == "adopt"}
    if not drop and not complete:
        return False
    cli.import_state(edited(cli.export(show_secrets=False), drop=drop, complete=complete))
    if not complete:
        return True
    targets = [arg for urn in complete for arg in ("--target", urn)]
    try:
        cli.refresh(*targets)
    except RecoveryError as error:
        raise RecoveryError(
            f"{error} (the pending creates were already completed in the state: run "
            "`pulumi refresh` once the cause is fixed)"
        ) from None
    return True
