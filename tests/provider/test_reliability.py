"""The reliability suite (benchmarks/reliability.py), run small: under injected faults
nothing is lost, duplicated or left behind, and every operation succeeds."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SUITE = Path(__file__).resolve().parents[2] / "benchmarks" / "reliability.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmarks_reliability", SUITE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_a_small_run_under_faults_loses_and_duplicates_nothing() -> None:
    """REQ-CREATE-1: under injected faults no endpoint is lost, duplicated or left behind."""
    report = _load().run(24, threads=4, fault_rate=0.6, seed=3, time_limit=60.0)
    print("\n".join(report.lines()))
    assert report.endpoints == 24 and report.completed == 24
    assert report.operations == 24 * 5
    assert report.faults_injected >= 10
    assert report.retries > 0
    assert report.failed == 0, report.notes
    assert report.lost == 0, report.notes
    assert report.duplicated == 0
    assert report.left_behind == 0
    assert report.wall_time < 60.0
