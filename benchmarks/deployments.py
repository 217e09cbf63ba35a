"""Model deployments at once versus one, through the real engine, for both front ends.

Each elasticsearch-service endpoint starts a model deployment that the emulator makes ready
``--deployment-seconds`` after its create; ``pulumi up`` waits for every one. Run:

    .venv/bin/python benchmarks/deployments.py [--endpoints 12] [--deployment-seconds 4]

It prints, per front end, the wall time of ``pulumi up`` for one endpoint and for N, and N's
time as a multiple of one's (1.0x: all deployments waited for at once; N/4 x: in waves of
four, as the dynamic provider server alone would). JSON goes to --json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.engine import Engine, find_cli_dir  # noqa: E402
from devtools.engine_programs import DOORS, Door, e5_deployment  # noqa: E402
from pulumi_inference.emulator import Emulator, EmulatorConfig  # noqa: E402


def deployments(prefix: str, n: int) -> dict[str, dict[str, Any]]:
    return {f"{prefix}-{i}": e5_deployment(f"{prefix}-{i}") for i in range(n)}


def up_seconds(
    door: Door, n: int, cli_dir: Path, deployment_seconds: float, parallel: int
) -> float:
    config = EmulatorConfig(deployment_seconds=deployment_seconds)
    with Emulator(config) as emulator, tempfile.TemporaryDirectory() as workdir:
        engine = Engine(Path(workdir), cli_dir)
        declared = deployments(f"{door.name}-{n}", n)
        stack = engine.stack(
            "bench", door.program(declared), config={door.config_key("url"): emulator.url}
        )
        started = time.perf_counter()
        result = stack.up(color="never", on_output=lambda _line: None, parallel=parallel)
        wall = time.perf_counter() - started
        created = (result.summary.resource_changes or {}).get("create")
        if created != n + 1:
            raise RuntimeError(f"{door.name}: expected {n + 1} creates, got {created}")
        stack.destroy(color="never", on_output=lambda _line: None)
    return wall


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoints", type=int, default=12, help="N deployments (default 12)")
    parser.add_argument("--deployment-seconds", type=float, default=4.0)
    parser.add_argument(
        "--parallel",
        type=int,
        default=64,
        help="pulumi up --parallel (default 64; the engine's own default is 4 x CPUs, "
        "8 on a 2-core machine, which caps every provider alike)",
    )
    parser.add_argument(
        "--json", type=Path, default=ROOT / "benchmarks" / "results" / "deployments.json"
    )
    args = parser.parse_args(argv)
    cli_dir = find_cli_dir()
    if cli_dir is None:
        print("no Pulumi CLI: run scripts/install-pulumi-cli", file=sys.stderr)
        return 1
    rows = []
    print(
        f"pulumi up --parallel {args.parallel} of model deployments, each ready "
        f"{args.deployment_seconds:g} s after its create"
    )
    print(f"{'front end':<10} {'1 endpoint':>11} {f'{args.endpoints} at once':>12} {'ratio':>7}")
    for door in DOORS:
        one = up_seconds(door, 1, cli_dir, args.deployment_seconds, args.parallel)
        many = up_seconds(door, args.endpoints, cli_dir, args.deployment_seconds, args.parallel)
        rows.append({"door": door.name, "one_s": one, "n": args.endpoints, "n_s": many})
        print(f"{door.name:<10} {one:>10.2f}s {many:>11.2f}s {many / one:>6.2f}x")
    meta = {"deployment_seconds": args.deployment_seconds, "parallel": args.parallel}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({**meta, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
