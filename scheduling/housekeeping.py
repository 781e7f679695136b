"""Housekeeping: forget finished due work once it is old.

Every piece of work stays in ``due_work`` after it runs (its dedup key is what stops a retried
request from sending a nudge twice), so without a purge the table grows by every nudge, every
evaluation and every digest, forever: a 90-day soak of 2,500 pairs leaves hundreds of
thousands of rows. Rows that are done or cancelled and finished more than ``RETENTION`` ago
are deleted, a bounded batch per run, once a day. Failed rows stay for an operator to read.
A dedup key older than the retention may be used again; every key that could recur names a
moment or a change (a date, a sequence number, a timestamp), so nothing is sent twice.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from scheduling.api import schedule
from scheduling.kinds import Kind
from scheduling.registry import JobContext, Registry
from storage.due_work import DueWork, Status, Timing

RETENTION = timedelta(days=30)
BATCH = 20_000  # rows per run: short transactions; a larger backlog is taken in steps
TEAM = "-"  # housekeeping belongs to no workspace


def key_for(now: datetime) -> str:
    return f"housekeeping:purge:{now.date().isoformat()}"


async def plan(session: AsyncSession, now: datetime) -> None:
    """Today's purge (once a day whoever asks: the key names the date)."""
    await schedule(
        session=session,
        now=now,
        kind=Kind.PURGE,
        key=key_for(now),
        team_id=TEAM,
        due_at=now,
        timing=Timing.IMMEDIATE,
    )


async def purge(ctx: JobContext) -> None:
    """Delete up to ``BATCH`` old finished rows; plan another run at once if there may be
    more, and tomorrow's."""
    now = ctx.clock.now()
    old = (
        select(DueWork.id)
        .where(
            DueWork.status.in_((Status.DONE, Status.CANCELLED)),
            DueWork.finished_at < now - RETENTION,
        )
        .limit(BATCH)
        .scalar_subquery()
    )
    result = await ctx.session.execute(
        delete(DueWork).where(DueWork.id.in_(old)).execution_options(synchronize_session=False)
    )
    deleted = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if deleted >= BATCH:
        await schedule(
            session=ctx.session,
            now=now,
            kind=Kind.PURGE,
            key=f"housekeeping:purge:more:{uuid.uuid4().hex}",
            team_id=TEAM,
            due_at=now,
            timing=Timing.IMMEDIATE,
        )
    await plan(ctx.session, now + timedelta(days=1))


def register(registry: Registry) -> None:
    """This domain's kinds of due work, each with the subject a sweep preloads for it."""
    registry.register(Kind.PURGE, purge)
