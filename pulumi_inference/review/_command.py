"""``pulumi-inference review``: a preview's JSON in, a pull-request comment out.

Exit codes: 0 the change may go ahead; 1 blocked (a mandatory policy is violated, or a
replacement will fail or could not be checked); 2 no review (the preview did not run, or
its JSON is unreadable).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .._subcommand import Subcommand
from ._preview import Preview, parse_preview
from ._render import markdown, text
from ._summary import review_of

EXIT_OK, EXIT_BLOCKED, EXIT_NO_REVIEW = 0, 1, 2
STREAMING = "PULUMI_ENABLE_STREAMING_JSON_PREVIEW"
_PREFIX = "pulumi-inference review"


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--preview-json",
        metavar="FILE",
        type=Path,
        help="the output of `pulumi preview --json` ('-' for stdin); without it, the preview "
        "is run with the arguments after `--`, policy packs included",
    )
    parser.add_argument("--format", choices=("markdown", "text"), default="markdown")
    parser.add_argument("--output", metavar="FILE", type=Path, help="write the review here")
    parser.add_argument(
        "pulumi_args",
        nargs=argparse.REMAINDER,
        metavar="-- PREVIEW ARGS",
        help="arguments of `pulumi preview`, e.g. -- --stack prod --policy-pack policy",
    )


def run_preview(arguments: list[str]) -> tuple[str, int]:
    """`pulumi preview --json ARGS` with policy events (streamed form); its stdout and code."""
    pulumi = os.environ.get("PULUMI_COMMAND") or shutil.which("pulumi")
    if pulumi is None:
        raise FileNotFoundError(
            "no `pulumi` on PATH: install the Pulumi CLI, or set PULUMI_COMMAND"
        )
    env = {**os.environ, STREAMING: "true"}
    done = subprocess.run(
        [pulumi, "preview", "--json", *arguments], env=env, stdout=subprocess.PIPE, text=True
    )
    return done.stdout, done.returncode


def _read(args: argparse.Namespace) -> Preview:
    arguments = [a for a in args.pulumi_args if a != "--"] if args.pulumi_args else []
    if args.preview_json is not None:
        if arguments:
            raise ValueError("--preview-json FILE and `-- PREVIEW ARGS`: give one or the other")
        source = (
            sys.stdin.read() if str(args.preview_json) == "-" else args.preview_json.read_text()
        )
        return parse_preview(source)
    output, code = run_preview(arguments)
    preview = parse_preview(output)
    if code != 0 and preview.succeeded and not preview.violations:
        raise RuntimeError(f"`pulumi preview` exited with {code} (its errors are above)")
    return preview


def _run(args: argparse.Namespace) -> int:
    try:
        review = review_of(_read(args))
    except (OSError, ValueError, RuntimeError) as exc:
        print(f"{_PREFIX}: {exc}", file=sys.stderr)
        return EXIT_NO_REVIEW
    rendered = markdown(review) if args.format == "markdown" else text(review)
    if args.output is not None:
        args.output.write_text(rendered)
    else:
        sys.stdout.write(rendered)
    if review.blocked:
        return EXIT_BLOCKED
    if not review.preview_succeeded or review.errors:
        return EXIT_NO_REVIEW
    return EXIT_OK


COMMAND = Subcommand(
    name="review",
    help="turn `pulumi preview --json` into a review comment (Markdown) for a pull request",
    description="Summarise a preview for review: a line per inference endpoint (create, update, "
    "replace, delete, with the keys that change; secrets show as changed, never their value), "
    "replacements that will fail or break search, chunking resets, policy violations and the "
    "counts. Exit code 1 when a mandatory policy is violated, or a replacement will fail or "
    "could not be checked.",
    add_arguments=_add_arguments,
    run=_run,
)
