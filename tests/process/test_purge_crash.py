"""A workspace purge killed half-way (SIGKILL, in the middle of its chain of batches) is
finished by the next sweep once the dead worker's lease expires: every row of the
workspace goes, the other workspace keeps every row, and no run held more than a batch."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from bot.privacy import purge
from bot.privacy import service as privacy
from infra.clock import ManualClock
from infra.config import Settings
from infra.db import Database
from infra.deps import Deps
from mentorbot.jobs import build_sweeper
from storage.enums import ActorRole
from storage.models import ActivityEvent, Workspace
from storage.repositories import workspaces

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EVENTS = 40_000  # twenty batches of the purge


async def events_of(db: Database, team_id: str) -> int:
    async with db.transaction() as s:
        return int(
            await s.scalar(
                select(func.count())
                .select_from(ActivityEvent)
                .where(ActivityEvent.team_id == team_id)
            )
            or 0
        )


async def seed(db: Database) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    async with db.transaction() as s:
        for team in ("T0001", "T0002"):
            await workspaces.ensure(session=s, team_id=team, now=NOW)
        rows = [
            {
                "team_id": "T0001" if i % 8 else "T0002",
                "actor_role": ActorRole.SYSTEM,
                "kind": "enrolled",
                "occurred_at": NOW,
                "data": {"n": i},
            }
            for i in range(EVENTS + EVENTS // 7)
        ]
        await s.execute(insert(ActivityEvent), rows)
        # Uninstalled long enough ago that its purge is due now.
        await privacy.uninstalled(
            session=s,
            now=NOW - timedelta(days=settings.uninstall_grace_days),
            settings=settings,
            team_id="T0001",
        )


def jobs_worker(url: str) -> subprocess.Popen[str]:
    """A sweeper with every real handler, in its own process, pausing between sweeps."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.process.sweep_worker",
            url,
            "victim",
            "jobs",
            NOW.isoformat(),
        ],
        cwd=ROOT,
        env={**os.environ, "SWEEP_PAUSE": "0.2"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def test_a_purge_killed_half_way_is_finished_by_the_next_sweep(
    db: Database, database_url: str
) -> None:
    await seed(db)
    before, other = await events_of(db, "T0001"), await events_of(db, "T0002")
    assert before > 10 * purge.BATCH
    victim = jobs_worker(database_url)
    # Kill it once a few batches are gone, in the middle of the chain.
    deadline = time.monotonic() + 120
    while (left := await events_of(db, "T0001")) > before - 3 * purge.BATCH:
        assert victim.poll() is None and time.monotonic() < deadline, victim.communicate()
        await asyncio.sleep(0.005)
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    left = await events_of(db, "T0001")
    assert 0 < left < before, "killed half-way"
    # Every run deleted whole batches: what is gone is a multiple of a batch (or the
    # killed run's, rolled back, is not gone at all).
    assert (before - left) % purge.BATCH == 0

    # The next sweep, after the dead worker's lease, finishes the purge.
    later = NOW + timedelta(minutes=6)
    deps = Deps(
        settings=Settings(_env_file=None, database_url=database_url),
        db=db,  # type: ignore[call-arg]
        clock=ManualClock(later),
    )
    for _ in range(100):
        if not (await build_sweeper(deps).sweep()).claimed:
            break
    assert await events_of(db, "T0001") == 0
    async with db.transaction() as s:
        assert await s.get(Workspace, "T0001") is None
        assert await s.get(Workspace, "T0002") is not None
    assert await events_of(db, "T0002") == other
