"""Import time of ``pulumi_inference`` next to ``pulumi`` (wall clock and ``-X importtime``)."""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


_IMPORTTIME = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)$")


def _wall(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120, cwd=ROOT)
    return time.perf_counter() - started


def importtime_breakdown() -> dict[str, Any]:
    """One ``python -X importtime -c "import pulumi; import pulumi_inference"``: cumulative
    microseconds of ``pulumi`` and, on top of it, ``pulumi_inference``, with the latter's
    self time grouped by top-level package."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import pulumi; import pulumi_inference"],
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    top: dict[str, int] = {}
    pending: list[tuple[int, str]] = []  # (self us, module) since the last top-level import
    library_packages: Counter[str] = Counter()
    for line in completed.stderr.splitlines():
        match = _IMPORTTIME.match(line)
        if match is None:
            continue
        self_us, cumulative_us, indent, module = match.groups()
        if indent == "":
            top[module] = int(cumulative_us)
            if module == "pulumi_inference":
                for own, name in [*pending, (int(self_us), module)]:
                    library_packages[name.split(".")[0]] += own
            pending = []
        else:
            pending.append((int(self_us), module))
    return {
        "pulumi_us": top.get("pulumi"),
        "pulumi_inference_after_pulumi_us": top.get("pulumi_inference"),
        "by_package_us": dict(library_packages.most_common()),
    }


def import_times(runs: int = 7) -> dict[str, Any]:
    """Fresh interpreters: median wall time of ``pass``, ``import pulumi`` and ``import
    pulumi_inference``, interleaved; and the median ``-X importtime`` breakdown."""
    walls: dict[str, list[float]] = {"python": [], "pulumi": [], "pulumi_inference": []}
    codes = {
        "python": "pass",
        "pulumi": "import pulumi",
        "pulumi_inference": "import pulumi_inference",
    }
    _wall("import pulumi_inference")  # warm the file cache and the bytecode
    for _ in range(runs):
        for key, code in codes.items():
            walls[key].append(_wall(code))
    breakdowns = [importtime_breakdown() for _ in range(runs)]

    def median_of(key: str) -> float | None:
        values = [b[key] for b in breakdowns if b[key] is not None]
        return statistics.median(values) / 1000 if values else None

    packages: dict[str, float] = {}
    for name in breakdowns[0]["by_package_us"]:
        packages[name] = (
            statistics.median(b["by_package_us"].get(name, 0) for b in breakdowns) / 1000
        )
    medians = {key: statistics.median(values) for key, values in walls.items()}
    return {
        "runs": runs,
        "wall_s": medians,
        "wall_runs_s": walls,
        "attributable_wall_s": medians["pulumi_inference"] - medians["pulumi"],
        "importtime_ms": {
            "pulumi": median_of("pulumi_us"),
            "pulumi_inference_on_top_of_pulumi": median_of("pulumi_inference_after_pulumi_us"),
            "by_package": dict(sorted(packages.items(), key=lambda kv: -kv[1])),
        },
    }
