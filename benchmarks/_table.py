"""The table: the median of the repeats per (layer, operation), its ratio to the floor, and the
text printed and stored."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from typing import Any

from benchmarks._measure import Measurement, Row

FLOOR_OF = {
    "create": "create",
    "refresh": "refresh",
    "preview": "preview",
    "update": "update",
    "delete": "delete",
    "up": "create",
    "up (update)": "update",
    "destroy": "delete",
    "create (deployment)": "create (deployment)",
}


def rows_of(measurements: Sequence[Measurement]) -> list[Row]:
    """Median wall time per (layer, operation); counts from the run closest to it."""
    groups: dict[tuple[str, str], list[Measurement]] = {}
    for m in measurements:
        groups.setdefault((m.layer, m.operation), []).append(m)
    floors = {
        op: statistics.median(m.wall_s for m in group)
        for (layer, op), group in groups.items()
        if layer == "floor"
    }
    rows = []
    for (layer, op), group in groups.items():
        wall = statistics.median(m.wall_s for m in group)
        typical = min(group, key=lambda m: abs(m.wall_s - wall))
        floor = floors.get(FLOOR_OF.get(op, ""))
        n = typical.n
        peaks = [m.peak_rss_mb for m in group if m.peak_rss_mb is not None]
        starts = [m.start_s for m in group if m.start_s is not None]
        cpus = [m.cpu_s for m in group if m.cpu_s is not None]
        rows.append(
            Row(
                layer=layer,
                operation=op,
                n=n,
                wall_s=wall,
                walls_s=[m.wall_s for m in group],
                floor_s=floor if layer != "floor" else None,
                ratio=wall / floor if layer != "floor" and floor else None,
                inference_requests=typical.traffic.inference,
                inference_per_endpoint=typical.traffic.inference / n if n else 0.0,
                root_gets=typical.traffic.root_gets,
                privilege_checks=typical.traffic.privilege_checks,
                privilege_checks_refused=typical.traffic.privilege_checks_refused,
                other_requests=typical.traffic.other,
                connections=typical.traffic.connections,
                errors=typical.traffic.errors,
                peak_rss_mb=max(peaks) if peaks else None,
                start_s=statistics.median(starts) if starts else None,
                cpu_s=statistics.median(cpus) if cpus else None,
                routes=typical.traffic.routes,
                detail=typical.detail,
            )
        )
    return rows


def _fmt(value: float | None, spec: str, empty: str = "—") -> str:
    return empty if value is None else format(value, spec)


def render(rows: Sequence[Row], meta: Mapping[str, Any], imports: Mapping[str, Any] | None) -> str:
    lines = [
        f"N={meta['endpoints']} endpoints, {meta['latency_ms']:g} ms added per request, "
        f"{meta['cores']} cores, median of {meta['repeat']} (engine: 1 run), load average "
        f"{meta['load_average_start'][0]:.2f} at start",
        "",
        "| layer | operation | wall s | x floor | inference req/endpoint | GET / "
        "| privilege checks | other req "
        "| TCP conns | provider CPU s | provider peak RSS MiB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.layer} | {r.operation} | {r.wall_s:.2f} | {_fmt(r.ratio, '.2f')} "
            f"| {r.inference_per_endpoint:.2f} | {r.root_gets} | {r.privilege_checks} "
            f"| {r.other_requests} "
            f"| {r.connections} | {_fmt(r.cpu_s, '.2f')} | {_fmt(r.peak_rss_mb, '.0f')} |"
        )
    starts = [r.start_s for r in rows if r.start_s is not None and r.layer == "provider"]
    if starts:
        lines += [
            "",
            f"provider process start (spawn, import, Configure; not in wall s): "
            f"{statistics.median(starts):.2f} s median",
        ]
    firsts = [
        f"{r.operation} {r.detail['first_endpoint_s']:.2f}"
        for r in rows
        if r.layer == "provider" and "first_endpoint_s" in r.detail
    ]
    if firsts:
        lines.append(
            "provider time to the first finished endpoint (unpickling the provider imports "
            f"pulumi_inference; then the HTTP client, GET /), s: {', '.join(firsts)}"
        )
    if imports:
        cached = meta.get("bytecode_cache")
        lines += [
            "",
            f"bytecode: cached in {cached}"
            if cached
            else "bytecode: as the environment has "
            f"it (PYTHONDONTWRITEBYTECODE={meta.get('python_dont_write_bytecode')})",
        ]
        wall = imports["wall_s"]
        itime = imports["importtime_ms"]
        by_package = ", ".join(f"{k} {v:.0f}" for k, v in list(itime["by_package"].items())[:6])
        lines += [
            "",
            f"import time (fresh interpreter, median of {imports['runs']}): "
            f"python -c pass {wall['python']:.3f} s, import pulumi {wall['pulumi']:.3f} s, "
            f"import pulumi_inference {wall['pulumi_inference']:.3f} s "
            f"(+{imports['attributable_wall_s']:.3f} s over pulumi)",
            f"-X importtime: pulumi {_fmt(itime['pulumi'], '.0f')} ms, pulumi_inference on top "
            f"of pulumi {_fmt(itime['pulumi_inference_on_top_of_pulumi'], '.0f')} ms "
            f"(self ms by package: {by_package})",
        ]
    return "\n".join(lines)
