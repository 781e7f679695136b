"""Sweepers in separate processes on one database: racing replicas, and a killed worker."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from infra.clock import ManualClock
from infra.db import Database
from infra.deps import Deps
from mentorbot.jobs import build_sweeper
from scheduling.api import schedule
from scheduling.registry import JobContext, Registry
from storage.due_work import DueWork, Status, Timing

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def _prepare(db: Database, count: int, kind: str) -> None:
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP TABLE IF EXISTS test_runs"))
        await conn.execute(
            text("CREATE TABLE test_runs (work_id BIGINT NOT NULL, worker VARCHAR(64))")
        )
    async with db.transaction() as session:
        for i in range(count):
            await schedule(
                session=session,
                now=NOW,
                kind=kind,
                key=f"{kind}:{i}",
                team_id="T0001",
                due_at=NOW - timedelta(seconds=i % 60),
                timing=Timing.IMMEDIATE,
            )


def _worker(
    url: str, worker: str, mode: str, at: datetime, marker: str = "", *, barrier: bool = False
) -> subprocess.Popen[str]:
    """``barrier``: the worker prints "ready" once started and sweeps when told "go"."""
    env = dict(os.environ, SWEEP_BARRIER="1") if barrier else None
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.process.sweep_worker",
            url,
            worker,
            mode,
            at.isoformat(),
            marker,
        ],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE if barrier else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.postgres
async def test_two_replicas_race_over_1000_rows_and_each_runs_once(
    db: Database, database_url: str
) -> None:
    await _prepare(db, 1000, "test.record")
    workers = [_worker(database_url, f"w{i}", "race", NOW, barrier=True) for i in range(2)]
    for w in workers:  # both are up: only then may either start
        assert w.stdout is not None
        ready = await asyncio.to_thread(w.stdout.readline)
        assert ready == "ready\n", w.communicate()[1]
    for w in workers:
        assert w.stdin is not None
        w.stdin.write("go\n")
        w.stdin.flush()
    for w in workers:
        _, err = await asyncio.to_thread(w.communicate, timeout=120)
        assert w.returncode == 0, err
    async with db.engine.connect() as conn:
        total = (await conn.execute(text("SELECT count(*) FROM test_runs"))).scalar()
        dupes = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM (SELECT work_id FROM test_runs"
                    " GROUP BY work_id HAVING count(*) > 1) d"
                )
            )
        ).scalar()
        per_worker: dict[str, int] = dict(
            (
                await conn.execute(text("SELECT worker, count(*) FROM test_runs GROUP BY worker"))
            ).all()
        )
        done = (
            await conn.execute(text("SELECT count(*) FROM due_work WHERE status = 'done'"))
        ).scalar()
        await conn.execute(text("DROP TABLE test_runs"))
        await conn.commit()
    assert (total, dupes, done) == (1000, 0, 1000)
    assert set(per_worker) == {"w0", "w1"}, per_worker  # both replicas really took part


async def test_a_killed_worker_s_row_runs_once_after_its_lease(
    db: Database, database_url: str, deps: Deps, clock: ManualClock, tmp_path: Path
) -> None:
    await _prepare(db, 1, "test.hang")
    marker = tmp_path / "claimed"
    victim = _worker(database_url, "victim", "crash", NOW, str(marker))
    deadline = time.monotonic() + 30
    while not marker.exists():
        assert victim.poll() is None and time.monotonic() < deadline, victim.communicate()[1]
        await asyncio.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)

    runs: list[int] = []
    registry = Registry()

    async def hang(ctx: JobContext) -> None:  # the rescuer's handler for the same kind
        runs.append(ctx.work.id)

    registry.register("test.hang", hang)
    clock.set(NOW + timedelta(minutes=4))  # lease (5 minutes) not yet expired
    sweeper = build_sweeper(deps, registry=registry, worker_id="rescuer")
    assert (await sweeper.sweep()).claimed == 0
    clock.set(NOW + timedelta(minutes=5, seconds=1))
    assert (await sweeper.sweep()).claimed == 1
    assert (await sweeper.sweep()).claimed == 0
    assert runs == [int(marker.read_text())]
    async with db.transaction() as session:
        row = await session.get(DueWork, runs[0])
    assert row is not None and row.status is Status.DONE and row.claimed_by == "rescuer"
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP TABLE test_runs"))
