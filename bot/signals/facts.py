"""The facts a relationship's health is assessed from (:class:`bot.signals.rules.Facts`),
read from the database: its activity in the program's signal window, the mentee's last
initiative before it, its latest held meetings, the mentee's overdue actions and its latest
check-in scores.

:func:`facts_of` reads one relationship's in a handful of indexed queries;
:func:`facts_for` reads many at once, in a few aggregated queries per program window, for
the daily evaluation of every live pair. Both give the same facts
(tests/service/test_health_batch.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activity import MENTEE_INITIATIVE
from bot.signals import rules as sig
from infra.db import id_chunks
from storage.enums import (
    ActionStatus,
    ActorRole,
    MeetingOutcome,
    MeetingStatus,
)
from storage.models import (
    ActionItem,
    ActivityEvent,
    Agenda,
    CheckIn,
    Meeting,
    Program,
    Relationship,
)

RECENT_MEETINGS = 5
RECENT_CHECKINS = 4


def settings_of(program: Program) -> sig.Settings:
    """The program's cadence, and its signal window (60 days unless set to a positive
    whole number of days)."""
    raw = program.settings or {}
    window = raw.get("signal_window_days")
    return sig.Settings(
        cadence_days=program.cadence.days,
        window_days=window if isinstance(window, int) and window > 0 else 60,
    )


async def facts_of(
    *, session: AsyncSession, relationship: Relationship, now: datetime, settings: sig.Settings
) -> sig.Facts:
    """A handful of indexed queries, whatever the relationship's history."""
    start = now - timedelta(days=settings.window_days)
    rows = (
        await session.execute(
            select(ActivityEvent.kind, ActivityEvent.actor_role, ActivityEvent.occurred_at)
            .where(
                ActivityEvent.relationship_id == relationship.id,
                ActivityEvent.occurred_at >= start,
                ActivityEvent.occurred_at <= now,
            )
            .order_by(ActivityEvent.occurred_at, ActivityEvent.id)
        )
    ).all()
    events = [sig.Event(kind, role, at) for kind, role, at in rows]
    # The mentee's last initiative before the window, for how long they have been quiet.
    earlier = None
    if not any(sig.is_mentee_initiative(e) for e in events):
        earlier = await session.scalar(
            select(func.max(ActivityEvent.occurred_at)).where(
                ActivityEvent.relationship_id == relationship.id,
                ActivityEvent.actor_role == ActorRole.MENTEE,
                ActivityEvent.kind.in_(MENTEE_INITIATIVE),
                ActivityEvent.occurred_at < start,
            )
        )
    meeting_rows = (
        await session.execute(
            select(Meeting.starts_at, Meeting.status, Meeting.outcome, Agenda.id)
            .outerjoin(Agenda, Agenda.meeting_id == Meeting.id)
            .where(
                Meeting.relationship_id == relationship.id,
                Meeting.status == MeetingStatus.HELD,
                Meeting.starts_at <= now,
            )
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
            .limit(RECENT_MEETINGS)
        )
    ).all()
    meetings = [
        _meeting(starts, outcome, agenda_id) for starts, _, outcome, agenda_id in meeting_rows
    ]
    overdue = await session.scalar(
        select(func.count(ActionItem.id)).where(
            ActionItem.relationship_id == relationship.id,
            ActionItem.status == ActionStatus.OPEN,
            ActionItem.owner_role == ActorRole.MENTEE,
            ActionItem.overdue_at.is_not(None),
        )
    )
    checkin_rows = (
        await session.execute(
            select(CheckIn.role, CheckIn.score, CheckIn.answered_at)
            .where(
                CheckIn.relationship_id == relationship.id,
                CheckIn.answered_at.is_not(None),
                CheckIn.score.is_not(None),
            )
            .order_by(CheckIn.answered_at.desc(), CheckIn.id.desc())
            .limit(RECENT_CHECKINS)
        )
    ).all()
    return replace(
        _base_facts(relationship),
        events=events,
        meetings=meetings,
        mentee_actions_overdue=int(overdue or 0),
        earlier_mentee_initiative=earlier,
        checkins=[
            sig.CheckIn(role, score, at)
            for role, score, at in checkin_rows
            if score is not None and at is not None
        ],
    )


def _base_facts(relationship: Relationship) -> sig.Facts:
    return sig.Facts(
        accepted_at=relationship.accepted_at or relationship.created_at,
        agreement_signed_at=relationship.agreement_signed_at,
        first_meeting_at=relationship.first_meeting_at,
    )


async def facts_for(
    *, session: AsyncSession, relationships: Sequence[Relationship], now: datetime
) -> dict[int, sig.Facts]:
    """:func:`facts_of` for many relationships at once, in a few aggregated queries per
    program window (``WHERE relationship_id IN (...)``) instead of five per relationship: the
    daily evaluation of every live pair is most of a sweep's work. Gives exactly the Facts
    :func:`facts_of` gives for each relationship (tests/service/test_health_batch.py)."""
    by_window: dict[int, list[Relationship]] = defaultdict(list)
    for relationship in relationships:
        by_window[settings_of(relationship.program).window_days].append(relationship)
    facts: dict[int, sig.Facts] = {}
    for window_days, group in by_window.items():
        start = now - timedelta(days=window_days)
        for ids in id_chunks([r.id for r in group]):
            facts.update(await _facts_chunk(session, [r for r in group if r.id in ids], now, start))
    return facts


async def _facts_chunk(
    session: AsyncSession, relationships: list[Relationship], now: datetime, start: datetime
) -> dict[int, sig.Facts]:
    ids = [r.id for r in relationships]
    events = await _events_of(session, ids, now, start)
    quiet = [i for i in ids if not any(sig.is_mentee_initiative(e) for e in events[i])]
    earlier = await _earlier_initiatives(session, quiet, start)
    meetings = await _recent_meetings(session, ids, now)
    overdue = await _overdue_counts(session, ids)
    checkins = await _recent_checkins(session, ids)
    return {
        r.id: replace(
            _base_facts(r),
            events=events[r.id],
            meetings=meetings[r.id],
            mentee_actions_overdue=overdue.get(r.id, 0),
            earlier_mentee_initiative=earlier.get(r.id),
            checkins=checkins[r.id],
        )
        for r in relationships
    }


async def _events_of(
    session: AsyncSession, ids: list[int], now: datetime, start: datetime
) -> dict[int, list[sig.Event]]:
    rows = await session.execute(
        select(
            ActivityEvent.relationship_id,
            ActivityEvent.kind,
            ActivityEvent.actor_role,
            ActivityEvent.occurred_at,
        )
        .where(
            ActivityEvent.relationship_id.in_(ids),
            ActivityEvent.occurred_at >= start,
            ActivityEvent.occurred_at <= now,
        )
        .order_by(ActivityEvent.relationship_id, ActivityEvent.occurred_at, ActivityEvent.id)
    )
    events: dict[int, list[sig.Event]] = {i: [] for i in ids}
    for rid, kind, role, at in rows.all():
        events[int(rid or 0)].append(sig.Event(kind, role, at))
    return events


async def _earlier_initiatives(
    session: AsyncSession, ids: list[int], start: datetime
) -> dict[int, datetime]:
    if not ids:
        return {}
    rows = await session.execute(
        select(ActivityEvent.relationship_id, func.max(ActivityEvent.occurred_at))
        .where(
            ActivityEvent.relationship_id.in_(ids),
            ActivityEvent.actor_role == ActorRole.MENTEE,
            ActivityEvent.kind.in_(MENTEE_INITIATIVE),
            ActivityEvent.occurred_at < start,
        )
        .group_by(ActivityEvent.relationship_id)
    )
    return {rid: at for rid, at in rows.all() if rid is not None and at is not None}


async def _recent_meetings(
    session: AsyncSession, ids: list[int], now: datetime
) -> dict[int, list[sig.MeetingFact]]:
    rank = (
        func.row_number()
        .over(
            partition_by=Meeting.relationship_id,
            order_by=(Meeting.starts_at.desc(), Meeting.id.desc()),
        )
        .label("rank")
    )
    held = (
        select(Meeting.id, Meeting.relationship_id, Meeting.starts_at, Meeting.outcome, rank)
        .where(
            Meeting.relationship_id.in_(ids),
            Meeting.status == MeetingStatus.HELD,
            Meeting.starts_at <= now,
        )
        .subquery()
    )
    rows = await session.execute(
        select(held.c.relationship_id, held.c.starts_at, held.c.outcome, Agenda.id)
        .outerjoin(Agenda, Agenda.meeting_id == held.c.id)
        .where(held.c.rank <= RECENT_MEETINGS)
        .order_by(held.c.relationship_id, held.c.rank)
    )
    meetings: dict[int, list[sig.MeetingFact]] = {i: [] for i in ids}
    for rid, starts, outcome, agenda_id in rows.all():
        meetings[rid].append(_meeting(starts, outcome, agenda_id))
    return meetings


def _meeting(
    starts_at: datetime, outcome: MeetingOutcome | None, agenda_id: int | None
) -> sig.MeetingFact:
    return sig.MeetingFact(
        starts_at=starts_at,
        held=outcome not in (MeetingOutcome.RESCHEDULED, MeetingOutcome.CANCELLED),
        had_agenda=agenda_id is not None,
    )


async def _overdue_counts(session: AsyncSession, ids: list[int]) -> dict[int, int]:
    rows = await session.execute(
        select(ActionItem.relationship_id, func.count(ActionItem.id))
        .where(
            ActionItem.relationship_id.in_(ids),
            ActionItem.status == ActionStatus.OPEN,
            ActionItem.owner_role == ActorRole.MENTEE,
            ActionItem.overdue_at.is_not(None),
        )
        .group_by(ActionItem.relationship_id)
    )
    return {rid: int(n) for rid, n in rows.all()}


async def _recent_checkins(session: AsyncSession, ids: list[int]) -> dict[int, list[sig.CheckIn]]:
    rank = (
        func.row_number()
        .over(
            partition_by=CheckIn.relationship_id,
            order_by=(CheckIn.answered_at.desc(), CheckIn.id.desc()),
        )
        .label("rank")
    )
    answered = (
        select(CheckIn.relationship_id, CheckIn.role, CheckIn.score, CheckIn.answered_at, rank)
        .where(
            CheckIn.relationship_id.in_(ids),
            CheckIn.answered_at.is_not(None),
            CheckIn.score.is_not(None),
        )
        .subquery()
    )
    rows = await session.execute(
        select(
            answered.c.relationship_id, answered.c.role, answered.c.score, answered.c.answered_at
        )
        .where(answered.c.rank <= RECENT_CHECKINS)
        .order_by(answered.c.relationship_id, answered.c.rank)
    )
    checkins: dict[int, list[sig.CheckIn]] = {i: [] for i in ids}
    for rid, role, score, at in rows.all():
        if score is not None and at is not None:
            checkins[rid].append(sig.CheckIn(role, score, at))
    return checkins
