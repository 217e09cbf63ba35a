"""``pulumi-inference emulator``: run the stand-in cluster until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from .._subcommand import Subcommand
from ._emulator import Emulator, EmulatorConfig

HELP = "run a stand-in Elasticsearch inference API on 127.0.0.1"
DESCRIPTION = (
    "Run a stand-in Elasticsearch cluster for the inference endpoint API. "
    "Control plane under /_emulator (faults, request log, reset, hand edits)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=9200, help="port (default 9200; 0 = free port)")
    parser.add_argument("--version", default="9.1.0", help="reported version (default 9.1.0)")
    parser.add_argument(
        "--api-key",
        action="append",
        default=[],
        metavar="KEY",
        help="accepted API key, as clients send it (base64 of id:key) or id:key; repeatable",
    )
    parser.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="NAME:PASSWORD[:PRIVILEGES]",
        help="basic-auth user, optionally with comma-separated cluster privileges such as "
        "monitor_inference (default all); repeatable",
    )
    parser.add_argument(
        "--bearer-token", action="append", default=[], metavar="TOKEN", help="repeatable"
    )
    parser.add_argument("--tls-cert", help="PEM certificate (chain): serve https")
    parser.add_argument("--tls-key", help="PEM private key for --tls-cert")
    parser.add_argument(
        "--deployment-seconds",
        type=float,
        default=0.5,
        help="time a simulated model deployment takes to be fully allocated (default 0.5)",
    )
    parser.add_argument(
        "--build-flavor", default="default", help="version.build_flavor (e.g. serverless)"
    )
    parser.add_argument(
        "--put-waits-for-deployment",
        action="store_true",
        help="PUT of an elasticsearch/elser endpoint waits for its deployment (408 on timeout)",
    )
    parser.add_argument(
        "--eis",
        action="store_true",
        help="the Elastic Inference Service is available (semantic_text defaults to it)",
    )
    parser.add_argument(
        "--cluster-name", default="emulator", help="cluster_name of GET / (default emulator)"
    )
    parser.add_argument(
        "--cluster-uuid",
        help="cluster_uuid of GET / (default: a new one each start, as a new cluster has)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")


def _config_of(args: argparse.Namespace) -> EmulatorConfig:
    return EmulatorConfig(
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
        eis=args.eis,
        cluster_name=args.cluster_name,
        cluster_uuid=args.cluster_uuid,
        verbose=args.verbose,
    )


def run(args: argparse.Namespace) -> int:
    if (args.tls_cert is None) != (args.tls_key is None) and args.tls_cert is None:
        print("--tls-key needs --tls-cert", file=sys.stderr)
        return 2
    config = _config_of(args)
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


COMMAND = Subcommand("emulator", HELP, DESCRIPTION, add_arguments, run)
