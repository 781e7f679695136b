"""Housekeeping: forget finished due work once it is old.

Every piece of work stays in ``due_work`` after it runs (its dedup key is what stops a retried
request from sending a nudge twice), so without a purge the table grows by every nudge, every
evaluation and every digest, forever: a 90-day soak of 2,500 pairs leaves hundreds of
thousands of rows. Rows that are done or cancelled and finished more than ``RETENTION`` ago
are deleted, a bounded batch per run, once a day. Failed rows stay for an operator to read.
A dedup key older than the retention may be used again; every key that could recur names a
moment or a change (a date, a sequence number, a timestamp), so nothing is sent twice.

The same daily run forgets what a pair said once their relationship is long over: agendas,
meeting notes and check-in comments of relationships that ended more than
``RETENTION_MONTHS`` ago (24 by default; 0 keeps them) are blanked, a bounded batch per run.
Their rows stay, so the managers' counts (meetings with an agenda, captures, scores) do not
change.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import Text, and_, cast, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scheduling.api import schedule
from scheduling.kinds import Kind
from scheduling.registry import JobContext, Registry
from storage.due_work import DueWork, Status, Timing
from storage.enums import OPEN_RELATIONSHIP_STATUSES
from storage.models import Agenda, CheckIn, Meeting, MeetingNotes, Relationship

RETENTION = timedelta(days=30)
BATCH = 20_000  # rows per run: short transactions; a larger backlog is taken in steps
TEXT_BATCH = 2_000  # agendas, notes and check-ins blanked per run (wider rows)
RETENTION_MONTHS = 24  # without settings (the default of infra.config)
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
    months = ctx.settings.retention_months if ctx.settings is not None else RETENTION_MONTHS
    forgotten = await forget_old_conversations(ctx.session, now, months=months)
    if deleted >= BATCH or forgotten >= TEXT_BATCH:
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


async def forget_old_conversations(
    session: AsyncSession, now: datetime, *, months: int, limit: int = TEXT_BATCH
) -> int:
    """Blank up to ``limit`` agendas, meeting notes and check-in comments of relationships
    that ended before ``months`` ago (nothing when ``months`` is 0). Returns how many."""
    if months <= 0:
        return 0
    cutoff = now - relativedelta(months=months)
    ended = select(Relationship.id).where(
        Relationship.status.not_in(OPEN_RELATIONSHIP_STATUSES),
        func.coalesce(Relationship.ended_at, Relationship.updated_at) < cutoff,
    )
    meetings = select(Meeting.id).where(Meeting.relationship_id.in_(ended))
    blanked = 0
    for model, where, values in (
        (
            Agenda,
            and_(
                Agenda.meeting_id.in_(meetings),
                or_(
                    Agenda.goal != "",
                    Agenda.reality != "",
                    Agenda.options != "",
                    Agenda.way_forward != "",
                    cast(Agenda.mentor_items, Text) != "[]",
                ),
            ),
            {"goal": "", "reality": "", "options": "", "way_forward": "", "mentor_items": []},
        ),
        (
            MeetingNotes,
            and_(
                MeetingNotes.meeting_id.in_(meetings),
                or_(MeetingNotes.takeaways != "", MeetingNotes.change_request != ""),
            ),
            {"takeaways": "", "change_request": ""},
        ),
        (
            CheckIn,
            and_(CheckIn.relationship_id.in_(ended), CheckIn.note != ""),
            {"note": ""},
        ),
    ):
        ids = (await session.scalars(select(model.id).where(where).limit(limit - blanked))).all()
        if ids:
            await session.execute(
                update(model)
                .where(model.id.in_(ids))
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            blanked += len(ids)
        if blanked >= limit:
            break
    return blanked


def register(registry: Registry) -> None:
    """This domain's kinds of due work, each with the subject a sweep preloads for it."""
    registry.register(Kind.PURGE, purge)
