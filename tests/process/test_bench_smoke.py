"""The benchmarks stay runnable: tiny versions of each, checking what they print."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def bench(*args: str, timeout: float = 120) -> str:
    result = subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.once  # on SQLite (or no database), whatever TEST_DATABASE_URL says
def test_sweep_bench_runs() -> None:
    out = bench("bench.sweep", "--sizes", "0,2000", "--due", "50", "--databases", "sqlite")
    assert "target on PostgreSQL" in out
    assert out.count("sqlite ") == 2


@pytest.mark.once  # on SQLite (or no database), whatever TEST_DATABASE_URL says
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


@pytest.mark.once  # on SQLite (or no database), whatever TEST_DATABASE_URL says
def test_matching_bench_runs_and_meets_the_optimum() -> None:
    out = bench("bench.matching", "--scenarios", "varied-200,cohort-1000,board2-ties-400")
    assert out.count("· SciPy optimum") == 3 and "greedy" in out
    assert "result: all targets met" in out


@pytest.mark.once  # on SQLite (or no database), whatever TEST_DATABASE_URL says
def test_soak_bench_runs_a_short_quarter_and_every_check_passes() -> None:
    """Two simulated weeks of 50 pairs: every prompt once, in hours, the right alerts."""
    out = bench(
        "bench.soak", "--users", "200", "--relationships", "50", "--days", "14", timeout=600
    )
    for check in (
        "expected prompts delivered exactly once",
        "prompts a mentee-led pair should never get",
        "nudges inside the recipient's working hours",
        "drifting pairs alerted",
        "mentee-led pairs alerted: 0",
        "people's steps refused: 0; failed Slack calls: 0",
        "RSS flat",
        "Python heap (blocks × 64 B) flat",
    ):
        assert f"PASS  {check}" in out, out
    assert "MISS" not in out and "result: all checks PASS" in out, out
    assert "0 missing, 0 delivered twice or more" in out


@pytest.mark.postgres
def test_ack_latency_bench_runs_without_errors() -> None:
    out = bench(
        "bench.ack_latency",
        "--rate",
        "20",
        "--seconds",
        "2",
        "--burst",
        "20",
        "--people",
        "40",
        "--database-url",
        os.environ["TEST_DATABASE_URL"],
    )
    assert "phase 1: open loop, 20 req/s" in out and "phase 2: burst of 20" in out
    for kind in ("command", "block_actions", "view_submission", "all"):
        assert out.count(f"  {kind} ") == 2, out
    assert "p99" in out and "throughput" in out
    assert " errors 1" not in out and out.count(" errors 0 ") == 8, out
    assert "auth.test: 1 " in out and "failed Slack calls in /metrics: none" in out
    assert "Traceback" not in out


@pytest.mark.once  # on SQLite (or no database), whatever TEST_DATABASE_URL says
def test_dashboard_bench_runs_with_a_constant_query_count() -> None:
    out = bench("bench.dashboard", "--relationships", "400", "--databases", "sqlite", timeout=300)
    assert out.count("program_insights, 52 weeks:") == 2 and "(constant)" in out
    assert out.count("chart PNG") == 2 and "baseline: an empty figure" in out
