"""Run the emulator in its own process for the benchmarks (the cluster is not the driver).

``python benchmarks/_emulator_server.py --latency 0.02`` prints ``listening on <url>`` and
serves on 127.0.0.1 until its stdin closes (the benchmark exits or dies) or ``--max-seconds``
pass. The request log and the rest are read over the ``/_emulator`` control plane.
"""

from __future__ import annotations

import argparse
import sys
import threading

from pulumi_inference.emulator import Emulator, EmulatorConfig


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    parser.add_argument("--deployment-seconds", type=float, default=0.05)
    parser.add_argument("--log-size", type=int, default=100_000)
    parser.add_argument(
        "--put-returns-early",
        action="store_true",
        help="PUT of a deployment answers at once (default: waits until started, as a cluster)",
    )
    parser.add_argument("--max-seconds", type=float, default=4 * 3600.0)
    args = parser.parse_args()
    config = EmulatorConfig(
        host="127.0.0.1",
        port=0,
        latency=args.latency,
        deployment_seconds=args.deployment_seconds,
        request_log_size=args.log_size,
        put_waits_for_deployment=not args.put_returns_early,
    )
    stdin_closed = threading.Event()

    def watch_stdin() -> None:
        sys.stdin.read()  # returns at EOF: the parent closed the pipe or died
        stdin_closed.set()

    with Emulator(config) as emulator:
        print(f"listening on {emulator.url}", flush=True)
        threading.Thread(target=watch_stdin, daemon=True).start()
        stdin_closed.wait(timeout=args.max_seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
