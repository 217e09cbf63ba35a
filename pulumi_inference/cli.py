"""The ``pulumi-inference`` console script.

``pulumi-inference emulator`` runs the stand-in Elasticsearch inference API until SIGINT or
SIGTERM (see ``pulumi_inference/emulator/README.md``); ``pulumi-inference install-plugin``
registers the native provider plugin with Pulumi; ``pulumi-inference import`` writes a
program that adopts a cluster's existing endpoints (``docs/import.md``).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pulumi-inference",
        description="Tools for Elasticsearch inference endpoints managed with Pulumi.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    emu = commands.add_parser(
        "emulator",
        help="run a stand-in Elasticsearch inference API on 127.0.0.1",
        description="Run a stand-in Elasticsearch cluster for the inference endpoint API. "
        "Control plane under /_emulator (faults, request log, reset, hand edits).",
    )
    emu.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    emu.add_argument("--port", type=int, default=9200, help="port (default 9200; 0 = free port)")
    emu.add_argument("--version", default="9.1.0", help="reported version (default 9.1.0)")
    emu.add_argument(
        "--api-key",
        action="append",
        default=[],
        metavar="KEY",
        help="accepted API key, as clients send it (base64 of id:key) or id:key; repeatable",
    )
    emu.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="NAME:PASSWORD[:PRIVILEGES]",
        help="basic-auth user, optionally with comma-separated cluster privileges such as "
        "monitor_inference (default all); repeatable",
    )
    emu.add_argument(
        "--bearer-token", action="append", default=[], metavar="TOKEN", help="repeatable"
    )
    emu.add_argument("--tls-cert", help="PEM certificate (chain): serve https")
    emu.add_argument("--tls-key", help="PEM private key for --tls-cert")
    emu.add_argument(
        "--deployment-seconds",
        type=float,
        default=0.5,
        help="time a simulated model deployment takes to be fully allocated (default 0.5)",
    )
    emu.add_argument(
        "--build-flavor", default="default", help="version.build_flavor (e.g. serverless)"
    )
    emu.add_argument(
        "--put-waits-for-deployment",
        action="store_true",
        help="PUT of an elasticsearch/elser endpoint waits for its deployment (408 on timeout)",
    )
    emu.add_argument("--verbose", action="store_true", help="log every request to stderr")

    plugin = commands.add_parser(
        "install-plugin",
        help="register the elasticsearch-inference provider plugin with Pulumi",
        description="Install the native provider plugin (pulumi-resource-elasticsearch-inference) "
        "as a Pulumi plugin that runs with this Python, so that Pulumi finds it without the "
        "warning it gives for plugins found on $PATH.",
    )
    plugin.add_argument("--pulumi", default="pulumi", help="the pulumi command (default: pulumi)")

    importer = commands.add_parser(
        "import",
        help="write a Pulumi program that adopts every inference endpoint of a cluster",
        description="Read every inference endpoint of a cluster and write a Pulumi Python "
        "project (Pulumi.yaml, requirements.txt, __main__.py) that adopts them as they are, "
        "with their secrets read from stack config. See docs/import.md.",
    )
    from pulumi_inference.importer import add_arguments as add_import_arguments

    add_import_arguments(importer)
    return parser


def _run_emulator(args: argparse.Namespace) -> int:
    from pulumi_inference.emulator import Emulator, EmulatorConfig

    if (args.tls_cert is None) != (args.tls_key is None) and args.tls_cert is None:
        print("--tls-key needs --tls-cert", file=sys.stderr)
        return 2
    config = EmulatorConfig(
        host=args.host,
        port=args.port,
        version=args.version,
        build_flavor=args.build_flavor,
        api_keys=tuple(args.api_key),
        users=tuple(args.user),
        bearer_tokens=tuple(args.bearer_token),
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        deployment_seconds=args.deployment_seconds,
        put_waits_for_deployment=args.put_waits_for_deployment,
        verbose=args.verbose,
    )
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            emulator = Emulator(config).start()
        except (OSError, ValueError) as err:
            print(f"cannot start the emulator: {err}", file=sys.stderr)
            return 1
        try:
            print(f"listening on {emulator.url}", flush=True)
            while not stop.wait(0.5):
                pass
        finally:
            emulator.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def _install_plugin(args: argparse.Namespace) -> int:
    from pulumi_inference.errors import ConfigurationError
    from pulumi_inference.native._plugin import install_plugin

    try:
        said = install_plugin(args.pulumi)
    except ConfigurationError as err:
        print(f"pulumi-inference install-plugin: {err}", file=sys.stderr)
        return 1
    if said:
        print(said)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    if args.command == "emulator":
        return _run_emulator(args)
    if args.command == "install-plugin":
        return _install_plugin(args)
    if args.command == "import":
        from pulumi_inference.importer import run as run_import

        return run_import(args)
    return 2  # pragma: no cover - argparse refuses unknown commands


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
