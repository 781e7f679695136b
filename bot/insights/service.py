"""A program's insights for its managers: its weeks (meetings held against expected, agenda and
capture shares, health as recorded at the end of each week), its funnel, its health now, and
its waiting list; and the overview of the programs a manager may see.

Built with a fixed number of grouped queries whatever the program's size and the number of
weeks (no query per relationship or per week): ``bench/dashboard.py`` counts them. Counts
only: no agenda, notes, goal or check-in text is ever read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import may_see as may_see
from bot.errors import NotFound
from bot.insights.model import (
    Funnel,
    HealthCounts,
    ProgramInsights,
    ProgramOverview,
    Waiting,
    WeekPoint,
)
from bot.insights.weeks import WEEK, expected_meetings, week_ending_by, whole_week
from infra.windows import local_date
from scheduling.api import schedule
from scheduling.kinds import Kind
from storage.due_work import Timing
from storage.enums import LIVE_RELATIONSHIP_STATUSES as LIVE
from storage.enums import (
    ActorRole,
    EnrolmentRole,
    EnrolmentStatus,
    GoalStatus,
    MeetingOutcome,
    MeetingStatus,
    RelationshipStatus,
)
from storage.models import (
    Agenda,
    CheckIn,
    Enrolment,
    Goal,
    Meeting,
    MeetingNotes,
    Program,
    ProgramHealthWeek,
    ProgramManager,
    Relationship,
    RelationshipHealth,
    User,
)
from storage.repositories import users as user_repo
from storage.upsert import insert

# What a waiting mentee was told, said to their managers instead (the matcher and the
# introductions write the reason to the mentee).
_THIRD_PERSON = (
    ("manage you or you them", "manage them or are managed by them"),
    ("your ", "their "),
    (" you ", " them "),
)
NOT_YET_MATCHED = "not matched yet: waiting for the next matching round"


async def program_insights(
    *, session: AsyncSession, program_id: int, now: datetime, weeks: int = 12
) -> ProgramInsights:
    """The program's last ``weeks`` whole weeks (Monday to Monday in its time zone, oldest
    first, the last one the week that ended by ``now``) and its state now. The caller checks
    :func:`may_see` first."""
    program = await session.get(Program, program_id)
    if program is None:
        raise NotFound("That program no longer exists.")
    tz = program.timezone
    last = week_ending_by(now, tz)
    mondays = [last - WEEK * (weeks - 1 - i) for i in range(weeks)]
    bounds = [whole_week(m, tz).start for m in mondays] + [whole_week(last, tz).end]
    pair_days = await _pair_days(session, program_id, bounds)
    held = await _meetings_held(session, program_id, bounds)
    recorded = await _recorded_health(session, [program_id], mondays)
    points = [
        WeekPoint(
            monday=monday,
            meetings_held=held[i].held,
            meetings_expected=expected_meetings(pair_days[i], program.cadence),
            agenda_share=held[i].share(held[i].with_agenda),
            capture_share=held[i].share(held[i].mentee_captured),
            health=recorded.get((program_id, monday)),
        )
        for i, monday in enumerate(mondays)
    ]
    start, end = bounds[0], bounds[-1]
    return ProgramInsights(
        program_id=program.id,
        name=program.name,
        timezone=tz,
        weeks=points,
        funnel=await _funnel(session, program_id),
        health=(await _health_now(session, [program_id])).get(program_id, HealthCounts()),
        goals_achieved=await _goals_achieved(session, program_id, start, end),
        average_checkin=await _average_checkin(session, program_id, start, end),
        waiting=await _waiting(session, program_id, tz),
    )


async def programs_overview(
    *, session: AsyncSession, team_id: str, user_id: str, now: datetime
) -> list[ProgramOverview]:
    """The programs Slack user ``user_id`` may see (see :func:`may_see`), by name: each with
    its live pairs and their health now and at the end of last week."""
    actor = await user_repo.get(session=session, team_id=team_id, slack_user_id=user_id)
    if actor is None or actor.deleted:
        return []
    query = select(Program).where(Program.team_id == team_id, Program.archived_at.is_(None))
    if not (actor.is_admin or actor.is_owner):
        query = query.where(
            Program.id.in_(
                select(ProgramManager.program_id).where(
                    ProgramManager.team_id == team_id, ProgramManager.user_id == actor.id
                )
            )
        )
    programs = (await session.scalars(query.order_by(Program.name_key))).all()
    health = await _health_now(session, [p.id for p in programs])
    last_week = {p.id: week_ending_by(now, p.timezone) for p in programs}
    recorded = await _recorded_health(session, list(last_week), set(last_week.values()))
    return [
        ProgramOverview(
            program_id=p.id,
            name=p.name,
            active_pairs=health.get(p.id, HealthCounts()).total,
            health=health.get(p.id, HealthCounts()),
            health_last_week=recorded.get((p.id, last_week[p.id])),
        )
        for p in programs
    ]


async def send_chart(
    *, session: AsyncSession, now: datetime, actor: User, program: Program
) -> None:
    """Share the program's chart in ``actor``'s DM, drawn when the work runs (the caller has
    checked :func:`may_see`; the work checks it again)."""
    moment = int(now.timestamp() * 1_000_000)  # two asks a second apart get two charts
    await schedule(
        session=session,
        now=now,
        kind=Kind.INSIGHTS_CHART,
        key=f"insights-chart:program:{program.id}:user:{actor.id}:{moment}",
        team_id=program.team_id,
        program_id=program.id,
        recipient_id=actor.slack_user_id,
        due_at=now,
        timing=Timing.IMMEDIATE,
        payload={"user_id": actor.id},
    )


async def record_week(
    *, session: AsyncSession, program: Program, monday: date, now: datetime
) -> HealthCounts:
    """Record the program's health now as the health at the end of the week from Monday
    ``monday`` (the weekly digest does, just after the week ends). Idempotent: a retried or
    repeated run for the same week records it again, in place."""
    counts = (await _health_now(session, [program.id])).get(program.id, HealthCounts())
    values = {
        "too_early": counts.too_early,
        "on_track": counts.on_track,
        "needs_attention": counts.needs_attention,
        "at_risk": counts.at_risk,
        "recorded_at": now,
    }
    statement = insert(session, ProgramHealthWeek).values(
        program_id=program.id, monday=monday, team_id=program.team_id, **values
    )
    await session.execute(
        statement.on_conflict_do_update(index_elements=["program_id", "monday"], set_=values)
    )
    return counts


async def _recorded_health(
    session: AsyncSession, program_ids: Sequence[int], mondays: Iterable[date]
) -> dict[tuple[int, date], HealthCounts]:
    """The health recorded for each program and week asked for, by (program id, Monday)."""
    days = list(mondays)
    if not program_ids or not days:
        return {}
    rows = await session.scalars(
        select(ProgramHealthWeek).where(
            ProgramHealthWeek.program_id.in_(program_ids),
            ProgramHealthWeek.monday.in_(days),
        )
    )
    return {
        (r.program_id, r.monday): HealthCounts(
            too_early=r.too_early,
            on_track=r.on_track,
            needs_attention=r.needs_attention,
            at_risk=r.at_risk,
        )
        for r in rows.all()
    }


# --- The weeks ------------------------------------------------------------------------------


async def _pair_days(
    session: AsyncSession, program_id: int, bounds: Sequence[datetime]
) -> list[float]:
    """For each week between consecutive ``bounds``: the days its pairs were live, summed
    (a pair is live from the mentor's acceptance until it ends). The digest's expectation
    (live pairs times the week's days) for weeks in which pairs started or ended."""
    rows = (
        await session.execute(
            select(Relationship.accepted_at, Relationship.ended_at).where(
                Relationship.program_id == program_id,
                Relationship.accepted_at.is_not(None),
                Relationship.accepted_at < bounds[-1],
                or_(Relationship.ended_at.is_(None), Relationship.ended_at > bounds[0]),
            )
        )
    ).all()
    if not rows:
        return [0.0] * (len(bounds) - 1)
    never = bounds[-1].timestamp()
    lives = [(a.timestamp(), e.timestamp() if e else never) for a, e in rows if a is not None]
    starts = np.array([a for a, _ in lives])
    ends = np.array([e for _, e in lives])
    # Seconds of pair life up to each bound; a week's pair-days are the difference.
    lived = [
        float(np.clip(np.minimum(ends, b.timestamp()) - starts, 0, None).sum()) for b in bounds
    ]
    return [(lived[i + 1] - lived[i]) / 86400 for i in range(len(bounds) - 1)]


@dataclass
class _Held:
    held: int = 0
    with_agenda: int = 0
    mentee_captured: int = 0

    def share(self, part: int) -> float | None:
        return part / self.held if self.held else None


async def _meetings_held(
    session: AsyncSession, program_id: int, bounds: Sequence[datetime]
) -> list[_Held]:
    """Per week: the meetings held (as the digest counts them: held, not found moved or
    cancelled afterwards), those with an agenda, and those whose notes the mentee captured.
    One grouped query: each meeting's week is a CASE over the weeks' bounds."""
    week = case(
        *((Meeting.starts_at < bounds[i + 1], i) for i in range(len(bounds) - 1)), else_=-1
    ).label("week")
    per_meeting = (
        select(
            week,
            Agenda.id.label("agenda"),
            case((MeetingNotes.author_role == ActorRole.MENTEE, 1), else_=0).label("mentee"),
        )
        .join(Relationship, Relationship.id == Meeting.relationship_id)
        .outerjoin(Agenda, Agenda.meeting_id == Meeting.id)
        .outerjoin(MeetingNotes, MeetingNotes.meeting_id == Meeting.id)
        .where(
            Relationship.program_id == program_id,
            Meeting.status == MeetingStatus.HELD,
            or_(
                Meeting.outcome.is_(None),
                Meeting.outcome.not_in((MeetingOutcome.CANCELLED, MeetingOutcome.RESCHEDULED)),
            ),
            Meeting.starts_at >= bounds[0],
            Meeting.starts_at < bounds[-1],
        )
        .subquery()
    )
    # Grouped outside the CASE's subquery: PostgreSQL can't match a GROUP BY whose bound
    # parameters are numbered apart from the select list's.
    rows = await session.execute(
        select(
            per_meeting.c.week,
            func.count(),
            func.count(per_meeting.c.agenda),
            func.coalesce(func.sum(per_meeting.c.mentee), 0),
        ).group_by(per_meeting.c.week)
    )
    weeks = [_Held() for _ in range(len(bounds) - 1)]
    for index, held, with_agenda, captured in rows.all():
        if 0 <= index < len(weeks):
            weeks[index] = _Held(int(held), int(with_agenda), int(captured))
    return weeks


# --- The program now ------------------------------------------------------------------------


async def _funnel(session: AsyncSession, program_id: int) -> Funnel:
    """How far the program's mentees and pairs got, ever (a stage counts everyone who reached
    it, whether or not they have moved on since)."""
    enrolled = await session.scalar(
        select(func.count(Enrolment.id)).where(
            Enrolment.program_id == program_id,
            Enrolment.role.in_((EnrolmentRole.MENTEE, EnrolmentRole.BOTH)),
        )
    )
    closed = Relationship.status == RelationshipStatus.CLOSED
    row = (
        await session.execute(
            select(
                func.count(Relationship.id),
                func.count(Relationship.accepted_at),
                func.count(Relationship.agreement_signed_at),
                func.count(Relationship.first_meeting_at),
                _count_if(
                    and_(
                        Relationship.agreement_signed_at.is_not(None),
                        Relationship.first_meeting_at.is_not(None),
                    )
                ),
                _count_if(and_(closed, Relationship.unilateral.is_(False))),
                _count_if(and_(closed, Relationship.unilateral.is_(True))),
            ).where(Relationship.program_id == program_id)
        )
    ).one()
    matched, accepted, signed, first, cultivation, well, early = (int(x or 0) for x in row)
    return Funnel(
        enrolled=int(enrolled or 0),
        matched=matched,
        accepted=accepted,
        agreement_signed=signed,
        first_meeting=first,
        # Cultivation starts once the agreement is signed and the first meeting held.
        cultivation=cultivation,
        closed_well=well,
        ended_early=early,
    )


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


async def _health_now(session: AsyncSession, program_ids: Iterable[int]) -> dict[int, HealthCounts]:
    """Each program's live relationships by their health as last evaluated (one not yet
    evaluated is too early to tell)."""
    ids = list(program_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(Relationship.program_id, RelationshipHealth.health, func.count(Relationship.id))
        .outerjoin(RelationshipHealth, RelationshipHealth.relationship_id == Relationship.id)
        .where(Relationship.program_id.in_(ids), Relationship.status.in_(LIVE))
        .group_by(Relationship.program_id, RelationshipHealth.health)
    )
    counts: dict[int, dict[str, int]] = {}
    for program_id, health, n in rows.all():
        by = counts.setdefault(program_id, {})
        key = health if health in HealthCounts.__dataclass_fields__ else "too_early"
        by[key] = by.get(key, 0) + int(n)
    return {p: HealthCounts(**by) for p, by in counts.items()}


async def _goals_achieved(
    session: AsyncSession, program_id: int, start: datetime, end: datetime
) -> int:
    """Top-level goals achieved between ``start`` and ``end`` (a milestone is not a goal)."""
    achieved = await session.scalar(
        select(func.count(Goal.id))
        .join(Relationship, Relationship.id == Goal.relationship_id)
        .where(
            Relationship.program_id == program_id,
            Goal.status == GoalStatus.ACHIEVED,
            Goal.parent_id.is_(None),
            Goal.achieved_at >= start,
            Goal.achieved_at < end,
        )
    )
    return int(achieved or 0)


async def _average_checkin(
    session: AsyncSession, program_id: int, start: datetime, end: datetime
) -> float | None:
    """The average check-in score answered between ``start`` and ``end`` (never a note)."""
    average = await session.scalar(
        select(func.avg(CheckIn.score))
        .join(Relationship, Relationship.id == CheckIn.relationship_id)
        .where(
            Relationship.program_id == program_id,
            CheckIn.score.is_not(None),
            CheckIn.answered_at >= start,
            CheckIn.answered_at < end,
        )
    )
    return round(float(average), 2) if average is not None else None


async def _waiting(session: AsyncSession, program_id: int, tz: str) -> list[Waiting]:
    """The waiting list, first come first, each with why they wait."""
    rows = await session.execute(
        select(
            User.real_name,
            User.name,
            User.slack_user_id,
            Enrolment.waitlisted_at,
            Enrolment.waitlist_reason,
        )
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(
            Enrolment.program_id == program_id,
            Enrolment.status == EnrolmentStatus.ACTIVE,
            Enrolment.waitlisted_at.is_not(None),
        )
        .order_by(Enrolment.waitlisted_at, Enrolment.id)
    )
    return [
        Waiting(
            name=real_name or name or slack_id,
            since=local_date(since, tz),
            reason=why_waiting(reason),
        )
        for real_name, name, slack_id, since, reason in rows.all()
        if since is not None
    ]


def why_waiting(reason: str) -> str:
    """The reason a mentee was given for waiting, as their managers read it."""
    said = reason.strip()
    if not said:
        return NOT_YET_MATCHED
    for mentee_word, manager_word in _THIRD_PERSON:
        said = said.replace(mentee_word, manager_word)
    return said[:1].upper() + said[1:]
