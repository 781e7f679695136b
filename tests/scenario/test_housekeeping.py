"""The daily purge: finished due work older than its retention is forgotten, the rest kept,
and the purge plans itself again (once a day, however often it is asked)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from infra.clock import ManualClock
from infra.deps import Deps
from mentorbot.jobs import build_sweeper
from scheduling import housekeeping
from scheduling.api import cancel, schedule
from scheduling.kinds import Kind
from scheduling.runner import plan_housekeeping
from storage.due_work import DueWork, Status, Timing
from tests.conftest import TEAM


async def _statuses(deps: Deps) -> dict[str, Status]:
    async with deps.db.transaction() as s:
        return {r.dedup_key: r.status for r in (await s.scalars(select(DueWork))).all()}


async def test_the_purge_deletes_old_finished_work_only_and_plans_tomorrows(
    deps: Deps, clock: ManualClock
) -> None:
    start = clock.now()
    async with deps.db.transaction() as s:
        # Finished long ago: a done evaluation and a cancelled one. Failed: kept for operators.
        for key in ("old-done", "old-cancelled", "old-failed", "recent-done", "pending"):
            await schedule(
                session=s,
                now=start,
                kind=Kind.SIGNALS_EVAL,
                key=key,
                team_id=TEAM,
                due_at=start + timedelta(days=365),
                timing=Timing.IMMEDIATE,
            )
        await cancel(session=s, key="old-cancelled", now=start)
    async with deps.db.transaction() as s:
        for key, status, finished in (
            ("old-done", Status.DONE, start),
            ("old-failed", Status.FAILED, start),
            ("recent-done", Status.DONE, start + timedelta(days=25)),
        ):
            row = await s.scalar(select(DueWork).where(DueWork.dedup_key == key))
            assert row is not None
            row.status, row.finished_at = status, finished

    clock.set(start + housekeeping.RETENTION + timedelta(days=1))
    await plan_housekeeping(deps)
    await plan_housekeeping(deps)  # a restart on the same day: still one purge
    report = await build_sweeper(deps).sweep()
    assert report.kinds[Kind.PURGE].ran == 1

    left = await _statuses(deps)
    assert "old-done" not in left and "old-cancelled" not in left
    assert left["old-failed"] is Status.FAILED
    assert left["recent-done"] is Status.DONE and left["pending"] is Status.PENDING
    today = housekeeping.key_for(clock.now())
    tomorrow = housekeeping.key_for(clock.now() + timedelta(days=1))
    assert left[today] is Status.DONE and left[tomorrow] is Status.PENDING
    assert sum(k.startswith("housekeeping:") for k in left) == 2

    # The same day again: nothing new runs; the next day's purge runs and plans the one after.
    await plan_housekeeping(deps)
    assert (await build_sweeper(deps).sweep()).claimed == 0
    clock.advance(days=1)
    assert (await build_sweeper(deps).sweep()).kinds[Kind.PURGE].ran == 1
    assert (await _statuses(deps))[housekeeping.key_for(clock.now() + timedelta(days=1))] is (
        Status.PENDING
    )


async def test_a_large_backlog_is_purged_in_batches(
    deps: Deps, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = clock.now()
    async with deps.db.transaction() as s:
        for n in range(7):
            await schedule(
                session=s,
                now=start,
                kind=Kind.SIGNALS_EVAL,
                key=f"old:{n}",
                team_id=TEAM,
                due_at=start,
                timing=Timing.IMMEDIATE,
            )
            await cancel(session=s, key=f"old:{n}", now=start)
    monkeypatch.setattr(housekeeping, "BATCH", 3)
    clock.set(start + housekeeping.RETENTION + timedelta(hours=1))
    await plan_housekeeping(deps)
    sweeper = build_sweeper(deps)
    # 3 + 3 + 1: the first two runs each plan another at once, the third finds the rest.
    ran = [(await sweeper.sweep()).kinds[Kind.PURGE].ran for _ in range(4)]
    assert ran == [1, 1, 1, 0]
    assert not [k for k in await _statuses(deps) if k.startswith("old:")]
