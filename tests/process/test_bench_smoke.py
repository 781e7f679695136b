"""The benchmarks stay runnable: tiny versions of each, checking what they print."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def bench(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_sweep_bench_runs() -> None:
    out = bench("bench.sweep", "--sizes", "0,2000", "--due", "50", "--databases", "sqlite")
    assert "target on PostgreSQL" in out
    assert out.count("sqlite ") == 2


def test_delivery_bench_runs_and_loses_nothing() -> None:
    out = bench(
        "bench.delivery",
        "--messages",
        "60",
        "--recipients",
        "10",
        "--workspace-per-minute",
        "6000",
        "--database",
        "sqlite",
    )
    assert "lost: 0, doubled: 0" in out and "x the floor" in out


def test_matching_bench_runs_and_meets_the_optimum() -> None:
    out = bench("bench.matching", "--sizes", "200,400", "--exact-up-to", "200")
    assert "exact optimum" in out and "LP upper bound" in out
    assert "greedy" in out and "result: all targets met" in out
