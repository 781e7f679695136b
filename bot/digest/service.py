"""The weekly digest of a program: its periods, what it counts, and when it is planned (the
per-relationship report export is :mod:`bot.digest.report`).

Built with a fixed number of aggregate queries whatever the program's size (no query per
relationship): the benchmark in ``bench/digest.py`` counts them. It holds counts, shares,
health and signal evidence: never agenda, notes, goal or check-in note text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

# The digest's weeks are the insights' weeks (re-exported: callers name them from here too).
from bot.insights.weeks import WEEK as WEEK
from bot.insights.weeks import Period as Period
from bot.insights.weeks import expected_meetings
from bot.insights.weeks import monday_of as monday_of
from bot.insights.weeks import week_ending_by as week_ending_by
from bot.insights.weeks import week_so_far as week_so_far
from bot.insights.weeks import whole_week as whole_week
from bot.signals import rules as sig
from infra.windows import local_instant, zone
from scheduling.api import cancel_where, schedule
from scheduling.kinds import Kind
from storage.due_work import Timing
from storage.enums import LIVE_RELATIONSHIP_STATUSES as LIVE
from storage.enums import (
    ActionStatus,
    ActorRole,
    EnrolmentStatus,
    GoalStatus,
    MeetingOutcome,
    MeetingStatus,
)
from storage.models import (
    ActionItem,
    Agenda,
    CheckIn,
    Enrolment,
    Goal,
    Meeting,
    MeetingNotes,
    Program,
    Relationship,
    RelationshipHealth,
    User,
)

ENDING_WITHIN = timedelta(days=30)
DEFAULT_DAY, DEFAULT_TIME = 0, time(9, 0)  # Monday 09:00 in the program's time zone


@dataclass
class Week:
    held: int = 0
    with_agenda: int = 0
    mentee_captured: int = 0
    actions_done: int = 0
    goals_achieved: int = 0
    checkin_scores: list[int] = field(default_factory=list)

    @property
    def agenda_share(self) -> float | None:
        return self.with_agenda / self.held if self.held else None

    @property
    def capture_share(self) -> float | None:
        return self.mentee_captured / self.held if self.held else None

    @property
    def checkin_average(self) -> float | None:
        scores = self.checkin_scores
        return sum(scores) / len(scores) if scores else None


@dataclass(frozen=True)
class PairLine:
    relationship_id: int
    mentee: str
    mentor: str
    mentee_id: str
    mentor_id: str
    health: str
    reasons: str
    ends_at: datetime | None = None


@dataclass
class Digest:
    program_id: int
    program_name: str
    period: Period
    active: int
    expected: float  # meetings the cadence implies for the week
    this: Week
    last: Week
    overdue: int
    at_risk: list[PairLine]
    attention: list[PairLine]
    stalled: list[PairLine]
    ending: list[PairLine]
    waiting: list[str]


async def build(
    *, session: AsyncSession, program: Program, period: Period, now: datetime
) -> Digest:
    """The digest of ``period`` (and the same stretch a week earlier, to compare): what
    happened in it is counted in it, whenever the digest is built; who is active, at risk,
    ending or waiting is as of ``now``."""
    names, ends = await _live_pairs(session, program.id)
    weeks = _Weeks(period)
    await _count_meetings(session, program.id, weeks)
    await _count_actions_done(session, program.id, weeks)
    overdue = await _overdue_actions(session, program.id)
    await _count_goals_achieved(session, program.id, weeks)
    await _count_checkins(session, program.id, weeks)
    at_risk, attention, stalled = await _flagged(session, program.id, names)
    return Digest(
        program_id=program.id,
        program_name=program.name,
        period=period,
        active=len(names),
        expected=expected_meetings(len(names) * period.days, program.cadence),
        this=weeks.this,
        last=weeks.last,
        overdue=overdue,
        at_risk=at_risk,
        attention=attention,
        stalled=stalled,
        ending=_ending(names, ends, now),
        waiting=await _waiting(session, program.id),
    )


# --- The digest's metrics, one query each -----------------------------------------------------


@dataclass
class _Weeks:
    """The period's week and the same stretch a week earlier, which the metrics count into."""

    period: Period
    this: Week = field(default_factory=Week)
    last: Week = field(default_factory=Week)

    def of(self, moment: datetime | None) -> Week | None:
        """The week ``moment`` falls in, or None outside both."""
        if moment is None:
            return None
        if self.period.start <= moment < self.period.end:
            return self.this
        if self.period.before_start <= moment < self.period.before_end:
            return self.last
        return None


async def _live_pairs(
    session: AsyncSession, program_id: int
) -> tuple[dict[int, tuple[_Person, _Person]], dict[int, datetime | None]]:
    """The program's live relationships: the mentee and mentor of each, and when it ends."""
    mentee, mentor = aliased(User), aliased(User)
    pairs = (
        await session.execute(
            select(
                Relationship.id,
                Relationship.ends_at,
                *_person(mentee),
                *_person(mentor),
            )
            .join(mentee, mentee.id == Relationship.mentee_user_id)
            .join(mentor, mentor.id == Relationship.mentor_user_id)
            .where(Relationship.program_id == program_id, Relationship.status.in_(LIVE))
        )
    ).all()
    names = {row[0]: (_Person(*row[2:5]), _Person(*row[5:8])) for row in pairs}
    ends = {row[0]: row[1] for row in pairs}
    return names, ends


async def _count_meetings(session: AsyncSession, program_id: int, weeks: _Weeks) -> None:
    """Meetings held (not moved or cancelled), with the mentee's agenda, captured by them."""
    meetings = (
        await session.execute(
            select(Meeting.starts_at, Meeting.outcome, Agenda.id, MeetingNotes.author_role)
            .join(Relationship, Relationship.id == Meeting.relationship_id)
            .outerjoin(Agenda, Agenda.meeting_id == Meeting.id)
            .outerjoin(MeetingNotes, MeetingNotes.meeting_id == Meeting.id)
            .where(
                Relationship.program_id == program_id,
                Meeting.status == MeetingStatus.HELD,
                Meeting.starts_at >= weeks.period.before_start,
                Meeting.starts_at < weeks.period.end,
            )
        )
    ).all()
    for starts, outcome, agenda_id, author in meetings:
        week = weeks.of(starts)
        if week is None or outcome in (MeetingOutcome.CANCELLED, MeetingOutcome.RESCHEDULED):
            continue
        week.held += 1
        week.with_agenda += agenda_id is not None
        week.mentee_captured += author is ActorRole.MENTEE


async def _count_actions_done(session: AsyncSession, program_id: int, weeks: _Weeks) -> None:
    for (done_at,) in (
        await session.execute(
            select(ActionItem.done_at)
            .join(Relationship, Relationship.id == ActionItem.relationship_id)
            .where(
                Relationship.program_id == program_id,
                ActionItem.done_at >= weeks.period.before_start,
            )
        )
    ).all():
        if (week := weeks.of(done_at)) is not None:
            week.actions_done += 1


async def _overdue_actions(session: AsyncSession, program_id: int) -> int:
    """Open actions past their due date in live relationships, now."""
    overdue = await session.scalar(
        select(func.count(ActionItem.id))
        .join(Relationship, Relationship.id == ActionItem.relationship_id)
        .where(
            Relationship.program_id == program_id,
            Relationship.status.in_(LIVE),
            ActionItem.status == ActionStatus.OPEN,
            ActionItem.overdue_at.is_not(None),
        )
    )
    return int(overdue or 0)


async def _count_goals_achieved(session: AsyncSession, program_id: int, weeks: _Weeks) -> None:
    """Top-level goals achieved (a milestone is not a goal)."""
    for (achieved_at,) in (
        await session.execute(
            select(Goal.achieved_at)
            .join(Relationship, Relationship.id == Goal.relationship_id)
            .where(
                Relationship.program_id == program_id,
                Goal.status == GoalStatus.ACHIEVED,
                Goal.parent_id.is_(None),
                Goal.achieved_at >= weeks.period.before_start,
            )
        )
    ).all():
        if (week := weeks.of(achieved_at)) is not None:
            week.goals_achieved += 1


async def _count_checkins(session: AsyncSession, program_id: int, weeks: _Weeks) -> None:
    """Check-in scores answered (never their notes)."""
    for answered_at, score in (
        await session.execute(
            select(CheckIn.answered_at, CheckIn.score)
            .join(Relationship, Relationship.id == CheckIn.relationship_id)
            .where(
                Relationship.program_id == program_id,
                CheckIn.answered_at >= weeks.period.before_start,
                CheckIn.score.is_not(None),
            )
        )
    ).all():
        if (week := weeks.of(answered_at)) is not None and score is not None:
            week.checkin_scores.append(score)


async def _flagged(
    session: AsyncSession, program_id: int, names: dict[int, tuple[_Person, _Person]]
) -> tuple[list[PairLine], list[PairLine], list[PairLine]]:
    """The live pairs at risk, needing attention and stalled in initiation, as last
    evaluated, each by mentee name."""
    at_risk: list[PairLine] = []
    attention: list[PairLine] = []
    stalled: list[PairLine] = []
    for rid, health, raw in (
        await session.execute(
            select(
                RelationshipHealth.relationship_id,
                RelationshipHealth.health,
                RelationshipHealth.signals,
            ).where(RelationshipHealth.program_id == program_id)
        )
    ).all():
        if rid not in names:
            continue
        # The stored evidence as it is (no need to rebuild Signal objects for 10,000 rows).
        signals = raw or []
        line = _line(rid, names[rid], health, "; ".join(str(x["evidence"]) for x in signals))
        if health == sig.Health.AT_RISK:
            at_risk.append(line)
        elif health == sig.Health.NEEDS_ATTENTION:
            attention.append(line)
        stalled_evidence = [
            str(x["evidence"]) for x in signals if x["kind"] == sig.Kind.STALLED_INITIATION
        ]
        if stalled_evidence:
            stalled.append(_line(rid, names[rid], health, stalled_evidence[0]))
    return (
        sorted(at_risk, key=lambda p: p.mentee),
        sorted(attention, key=lambda p: p.mentee),
        sorted(stalled, key=lambda p: p.mentee),
    )


def _ending(
    names: dict[int, tuple[_Person, _Person]], ends: dict[int, datetime | None], now: datetime
) -> list[PairLine]:
    """The live pairs whose planned end is within ``ENDING_WITHIN``, soonest first."""
    ending = [
        _line(rid, names[rid], "", "", ends[rid])
        for rid in names
        if (end := ends[rid]) is not None and now <= end <= now + ENDING_WITHIN
    ]
    return sorted(ending, key=lambda p: p.ends_at or now)


async def _waiting(session: AsyncSession, program_id: int) -> list[str]:
    """Who is on the waiting list, first come first."""
    users = await session.scalars(
        select(User)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(
            Enrolment.program_id == program_id,
            Enrolment.status == EnrolmentStatus.ACTIVE,
            Enrolment.waitlisted_at.is_not(None),
        )
        .order_by(Enrolment.waitlisted_at)
    )
    return [u.display for u in users.all()]


@dataclass(frozen=True)
class _Person:
    """The few columns of a person the digest shows (not a whole ORM row: 20,000 of those
    would cost more than the rest of the digest together)."""

    slack_user_id: str
    real_name: str
    name: str

    @property
    def display(self) -> str:
        return self.real_name or self.name or self.slack_user_id


def _person(user: Any) -> tuple[Any, ...]:
    return (user.slack_user_id, user.real_name, user.name)


def _line(
    rid: int,
    pair: tuple[_Person, _Person],
    health: str,
    reasons: str,
    ends_at: datetime | None = None,
) -> PairLine:
    mentee, mentor = pair
    return PairLine(
        rid,
        mentee.display,
        mentor.display,
        mentee.slack_user_id,
        mentor.slack_user_id,
        health,
        reasons,
        ends_at,
    )


def csv_of(lines: list[PairLine]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["relationship", "mentee", "mentor", "health", "reasons"])
    for line in lines:
        writer.writerow([line.relationship_id, line.mentee, line.mentor, line.health, line.reasons])
    return out.getvalue()


def next_run(program: Program, now: datetime) -> datetime:
    """The next digest time after ``now``: the program's weekday and time (default Monday
    09:00) in its own time zone."""
    raw = program.settings or {}
    day = raw.get("digest_weekday")
    weekday = day if isinstance(day, int) and 0 <= day <= 6 else DEFAULT_DAY
    wall = _wall(raw.get("digest_time"))
    tz = zone(program.timezone)
    local = now.astimezone(tz).date()
    for ahead in range(8):
        candidate_day: date = local + timedelta(days=ahead)
        if candidate_day.weekday() != weekday:
            continue
        candidate = local_instant(candidate_day, wall, tz)
        if candidate > now:
            return candidate
    return local_instant(local + timedelta(days=7), wall, tz)


def _wall(raw: object) -> time:
    try:
        return time.fromisoformat(raw) if isinstance(raw, str) else DEFAULT_TIME
    except ValueError:
        return DEFAULT_TIME


async def plan(*, session: AsyncSession, now: datetime, program: Program) -> None:
    """Keep exactly one weekly digest scheduled for the program (moved when its day or time
    changes)."""
    await cancel_where(
        session=session,
        now=now,
        team_id=program.team_id,
        program_id=program.id,
        kinds=(Kind.DIGEST_WEEKLY,),
    )
    if program.archived_at is not None:
        return
    at = next_run(program, now)
    await schedule(
        session=session,
        now=now,
        kind=Kind.DIGEST_WEEKLY,
        key=f"digest:program:{program.id}:{at.date().isoformat()}",
        team_id=program.team_id,
        program_id=program.id,
        due_at=at,
        timing=Timing.IMMEDIATE,
        # The week it reports on, fixed now: a digest that goes out late still covers it.
        payload={"week": week_ending_by(at, program.timezone).isoformat()},
    )


def planned_period(payload: dict[str, Any], due_at: datetime, program: Program) -> Period:
    """The week a planned digest covers: the one its payload names (a Monday), or for a row
    planned without one, the last whole week before it was due."""
    raw = payload.get("week")
    try:
        first_day = date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        first_day = None
    return whole_week(first_day or week_ending_by(due_at, program.timezone), program.timezone)
