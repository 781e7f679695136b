"""The per-relationship report (`/mentor report export`): one CSV row per relationship of the
program, with counts and health, never agenda, notes or goal text (a check-in note only
where its writer shared it).

A fixed number of aggregate queries whatever the program's size, one per metric.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.enums import ActionStatus, ActorRole, GoalStatus, MeetingStatus
from storage.models import (
    ActionItem,
    Agenda,
    CheckIn,
    Goal,
    Meeting,
    MeetingNotes,
    Program,
    Relationship,
    RelationshipHealth,
    User,
)

COLUMNS = [
    "relationship",
    "mentee",
    "mentor",
    "status",
    "health",
    "started",
    "ends",
    "meetings_held",
    "with_mentee_agenda",
    "captured_by_mentee",
    "actions_done",
    "actions_open",
    "actions_overdue",
    "goals_achieved",
    "mentee_checkin",
    "mentor_checkin",
    "shared_checkin_notes",
]
ROLES = (ActorRole.MENTEE, ActorRole.MENTOR)


async def report_csv(
    *, session: AsyncSession, program: Program, now: datetime, shared_notes: bool = True
) -> str:
    """Per-relationship metrics for `/mentor report export`: counts and health, never agenda,
    notes or goal text. ``shared_notes=False`` leaves out the check-in notes their writers
    shared with the managers (the web dashboard shows counts and signals only)."""
    pairs = await _pairs(session, program.id)
    held, agendas, captured = await _meetings(session, program.id, now)
    done, open_, late = await _actions(session, program.id)
    achieved = await _goals_achieved(session, program.id)
    latest = await _latest_checkins(session, program.id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS if shared_notes else COLUMNS[:-1])
    for rid, rel_status, accepted_at, ends_at, me, mo, health in pairs:
        writer.writerow(
            [
                rid,
                me.display,
                mo.display,
                rel_status.value,
                health or "",
                accepted_at.date().isoformat() if accepted_at else "",
                ends_at.date().isoformat() if ends_at else "",
                held[rid],
                agendas[rid],
                captured[rid],
                done[rid],
                open_[rid],
                late[rid],
                achieved[rid],
                *("" if (got := latest.get((rid, role))) is None else got[0] for role in ROLES),
            ]
            + (
                [
                    " | ".join(
                        got[1]
                        for role in ROLES
                        if (got := latest.get((rid, role))) is not None and got[1]
                    )
                ]
                if shared_notes
                else []
            )
        )
    return out.getvalue()


async def _pairs(session: AsyncSession, program_id: int) -> Sequence[Any]:
    """Every relationship of the program, with both people and its stored health."""
    mentee, mentor = aliased(User), aliased(User)
    rows = await session.execute(
        select(
            Relationship.id,
            Relationship.status,
            Relationship.accepted_at,
            Relationship.ends_at,
            mentee,
            mentor,
            RelationshipHealth.health,
        )
        .join(mentee, mentee.id == Relationship.mentee_user_id)
        .join(mentor, mentor.id == Relationship.mentor_user_id)
        .outerjoin(RelationshipHealth, RelationshipHealth.relationship_id == Relationship.id)
        .where(Relationship.program_id == program_id)
        .order_by(Relationship.id)
    )
    return rows.all()


async def _meetings(
    session: AsyncSession, program_id: int, now: datetime
) -> tuple[Counter[int], Counter[int], Counter[int]]:
    """Per relationship: meetings held so far, with the mentee's agenda, captured by them."""
    held: Counter[int] = Counter()
    agendas: Counter[int] = Counter()
    captured: Counter[int] = Counter()
    for rid, agenda_id, author in (
        await session.execute(
            select(Meeting.relationship_id, Agenda.id, MeetingNotes.author_role)
            .join(Relationship, Relationship.id == Meeting.relationship_id)
            .outerjoin(Agenda, Agenda.meeting_id == Meeting.id)
            .outerjoin(MeetingNotes, MeetingNotes.meeting_id == Meeting.id)
            .where(
                Relationship.program_id == program_id,
                Meeting.status == MeetingStatus.HELD,
                Meeting.starts_at < now,
            )
        )
    ).all():
        held[rid] += 1
        agendas[rid] += agenda_id is not None
        captured[rid] += author is ActorRole.MENTEE
    return held, agendas, captured


async def _actions(
    session: AsyncSession, program_id: int
) -> tuple[Counter[int], Counter[int], Counter[int]]:
    """Per relationship: actions done, open, and open past their due date."""
    done: Counter[int] = Counter()
    open_: Counter[int] = Counter()
    late: Counter[int] = Counter()
    for rid, status, overdue_at in (
        await session.execute(
            select(ActionItem.relationship_id, ActionItem.status, ActionItem.overdue_at)
            .join(Relationship, Relationship.id == ActionItem.relationship_id)
            .where(Relationship.program_id == program_id)
        )
    ).all():
        if status is ActionStatus.DONE:
            done[rid] += 1
        else:
            open_[rid] += 1
            late[rid] += overdue_at is not None
    return done, open_, late


async def _goals_achieved(session: AsyncSession, program_id: int) -> Counter[int]:
    """Per relationship: goals (and milestones) achieved."""
    rows = await session.execute(
        select(Goal.relationship_id)
        .join(Relationship, Relationship.id == Goal.relationship_id)
        .where(Relationship.program_id == program_id, Goal.status == GoalStatus.ACHIEVED)
    )
    return Counter(rid for (rid,) in rows.all())


async def _latest_checkins(
    session: AsyncSession, program_id: int
) -> dict[tuple[int, ActorRole], tuple[int | None, str]]:
    """The latest check-in score of each person; a note only where its writer shared it."""
    latest: dict[tuple[int, ActorRole], tuple[int | None, str]] = {}
    for rid, role, score, note, share in (
        await session.execute(
            select(
                CheckIn.relationship_id,
                CheckIn.role,
                CheckIn.score,
                CheckIn.note,
                CheckIn.share_note,
            )
            .join(Relationship, Relationship.id == CheckIn.relationship_id)
            .where(Relationship.program_id == program_id, CheckIn.answered_at.is_not(None))
            .order_by(CheckIn.answered_at)
        )
    ).all():
        latest[(rid, role)] = (score, note if share else "")
    return latest
