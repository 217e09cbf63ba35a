"""How close is the provider to the floor? Side-by-side benchmarks in one run.

``.venv/bin/python benchmarks/run.py [--endpoints 50] [--latency-ms 20] [--no-engine]
[--json benchmarks/results/latest.json]``

Three layers drive the same N OpenAI-style endpoints against the emulator (its own process,
127.0.0.1, ``--latency-ms`` added to every Elasticsearch request):

- ``floor``: the HTTP requests alone, one pooled ``httpx.Client`` at concurrency 4
  (PUT N, GET N, nothing for a preview, ``_update`` N, DELETE N);
- ``provider``: the real dynamic-provider process (``python -m pulumi.dynamic``) over gRPC,
  four calls at once like the engine, a fresh process per operation like each ``pulumi``
  command (check+create, read, check+diff, check+diff+update, delete);
- ``engine``: the real Pulumi CLI through the Automation API, an inline program of N
  endpoints (``up``, ``preview``, ``refresh``, ``up`` of a task_settings change, ``destroy``).

Per operation: wall time, ratio to the floor, requests per endpoint from the emulator's log
(``GET /``, the check's ``_has_privileges`` and other routes counted apart), distinct TCP
connections, and the provider process's peak RSS (VmHWM). Plus the import time of
``pulumi_inference`` next to ``pulumi``. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from benchmarks._cluster import EmulatorProcess, deploy_props, endpoint_ids  # noqa: E402
from benchmarks._engine import engine_sequence  # noqa: E402
from benchmarks._floor import deployment_floor, floor_sequence  # noqa: E402
from benchmarks._imports import import_times  # noqa: E402
from benchmarks._measure import CONCURRENCY, Measurement  # noqa: E402
from benchmarks._provider import provider_sequence  # noqa: E402
from benchmarks._table import render, rows_of  # noqa: E402

DEFAULT_JSON = ROOT / "benchmarks" / "results" / "latest.json"


def deployment_rows(emu: EmulatorProcess, m: int) -> list[Measurement]:
    """Floor and provider creating m elasticsearch-service endpoints (model deployments)."""
    ids = endpoint_ids(m, "bench-deploy")
    emu.reset()
    floor = deployment_floor(emu, ids)
    emu.reset()
    provider = provider_sequence(emu, ids, deploy_props, operations=("create", "delete"))
    provider[0].operation = "create (deployment)"
    provider[1].operation = "delete (deployment)"
    return [floor, *provider]


def cli_version(cli_dir: Path) -> str:
    try:
        out = subprocess.run(
            [str(cli_dir / "pulumi"), "version"], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.stdout.strip() or "unknown"


BYTECODE_CACHE = Path.home() / ".cache" / "pulumi-inference" / "benchmark-pycache"
_WARM_IMPORTS = (
    "import pulumi, pulumi.dynamic, pulumi.automation, pulumi.runtime.proto, dill, grpc, httpx; "
    "import pulumi_inference, pulumi_inference.services, pulumi_inference.emulator"
)


@contextlib.contextmanager
def bytecode_environment(cache: Path | None) -> Iterator[None]:
    """Child processes (emulator, provider, CLI and plugin, import timing) use compiled
    bytecode from ``cache`` as an installed package would, even where PYTHONDONTWRITEBYTECODE
    is set (as on CI machines); ``None`` leaves the environment as it is."""
    if cache is None:
        yield
        return
    saved = {key: os.environ.get(key) for key in ("PYTHONPYCACHEPREFIX", "PYTHONDONTWRITEBYTECODE")}
    cache.mkdir(parents=True, exist_ok=True)
    os.environ["PYTHONPYCACHEPREFIX"] = str(cache)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        subprocess.run([sys.executable, "-c", _WARM_IMPORTS], check=True, timeout=300, cwd=ROOT)
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run(
    endpoints: int = 50,
    latency_ms: float = 20.0,
    *,
    engine: bool = True,
    engine_skip_checkpoints: bool = False,
    repeat: int = 3,
    deployments: int = 8,
    import_runs: int = 7,
    bytecode_cache: Path | None = BYTECODE_CACHE,
    progress: Callable[[str], None] = lambda _message: None,
) -> dict[str, Any]:
    """Run every layer against one emulator; returns the report (rows, imports, meta)."""
    with bytecode_environment(bytecode_cache):
        return _run(
            endpoints,
            latency_ms,
            engine=engine,
            engine_skip_checkpoints=engine_skip_checkpoints,
            repeat=repeat,
            deployments=deployments,
            import_runs=import_runs,
            bytecode_cache=bytecode_cache,
            progress=progress,
        )


def _run(
    endpoints: int,
    latency_ms: float,
    *,
    engine: bool,
    engine_skip_checkpoints: bool,
    repeat: int,
    deployments: int,
    import_runs: int,
    bytecode_cache: Path | None,
    progress: Callable[[str], None],
) -> dict[str, Any]:
    import pulumi

    from devtools.engine import find_cli_dir

    ids = endpoint_ids(endpoints)
    cli_dir = find_cli_dir() if engine else None
    meta: dict[str, Any] = {
        "endpoints": endpoints,
        "latency_ms": latency_ms,
        "concurrency": CONCURRENCY,
        "repeat": repeat,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "pulumi_sdk": getattr(pulumi, "__version__", None) or _distribution_version("pulumi"),
        "pulumi_cli": cli_version(cli_dir) if cli_dir else None,
        "engine": bool(cli_dir),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": platform.machine(),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "bytecode_cache": str(bytecode_cache) if bytecode_cache else None,
        "python_dont_write_bytecode": os.environ.get("PYTHONDONTWRITEBYTECODE"),
    }
    if engine and cli_dir is None:
        progress("engine: no Pulumi CLI found (scripts/install-pulumi-cli); engine rows skipped")
    measurements: list[Measurement] = []
    with EmulatorProcess(latency_ms / 1000) as emu:
        for attempt in range(repeat):
            progress(f"floor, run {attempt + 1}/{repeat}")
            emu.reset()
            measurements += floor_sequence(emu, ids)
            progress(f"provider process, run {attempt + 1}/{repeat}")
            emu.reset()
            measurements += provider_sequence(emu, ids)
        if cli_dir is not None:
            progress("engine (Automation API)")
            emu.reset()
            measurements += engine_sequence(emu, ids, cli_dir)
            if engine_skip_checkpoints:
                progress("engine (Automation API), PULUMI_SKIP_CHECKPOINTS=true")
                emu.reset()
                measurements += engine_sequence(
                    emu,
                    ids,
                    cli_dir,
                    layer="engine, no checkpoints",
                    env={"PULUMI_SKIP_CHECKPOINTS": "true"},
                )
        if deployments > 0:
            progress(f"elasticsearch-service deployments (M={deployments})")
            measurements += deployment_rows(emu, deployments)
    imports = None
    if import_runs > 0:
        progress("import time")
        imports = import_times(import_runs)
    meta["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    rows = rows_of(measurements)
    return {
        "meta": meta,
        "rows": [asdict(r) for r in rows],
        "runs": [asdict(m) for m in measurements],
        "import_time": imports,
        "table": render(rows, meta, imports),
    }


def _distribution_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoints", type=int, default=50, help="N endpoints (default 50)")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="added per request")
    parser.add_argument("--no-engine", action="store_true", help="skip the Automation API rows")
    parser.add_argument(
        "--engine-skip-checkpoints",
        action="store_true",
        help="also run the engine with PULUMI_SKIP_CHECKPOINTS=true (the file backend's "
        "per-step state writes left out)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of floor and provider (median)")
    parser.add_argument(
        "--deployments",
        type=int,
        default=8,
        help="elasticsearch-service endpoints for the deployment rows (0: none)",
    )
    parser.add_argument("--import-runs", type=int, default=7, help="fresh interpreters per import")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write the JSON")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help=f"leave PYTHONDONTWRITEBYTECODE as it is (default: compiled bytecode cached in "
        f"{BYTECODE_CACHE} for every child process)",
    )
    args = parser.parse_args(argv)
    if args.endpoints < 1 or args.repeat < 1:
        parser.error("--endpoints and --repeat must be at least 1")

    def progress(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    report = run(
        args.endpoints,
        args.latency_ms,
        engine=not args.no_engine,
        engine_skip_checkpoints=args.engine_skip_checkpoints,
        repeat=args.repeat,
        deployments=args.deployments,
        import_runs=args.import_runs,
        bytecode_cache=None if args.no_bytecode_cache else BYTECODE_CACHE,
        progress=progress,
    )
    print(report["table"])
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    progress(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
