"""Program insights against the real database: a program seeded over twelve weeks, its weeks,
funnel, health, goals, check-ins and waiting list counted exactly; the same number of queries
whatever its size; who may see it; and no free text of any pair in what it returns, in its
chart or in the chart's alt text."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.enrolment.service import save_enrolment
from bot.insights import chart
from bot.insights import service as insights
from bot.insights.model import Funnel, HealthCounts, ProgramInsights
from infra.clock import ManualClock
from infra.db import Database
from storage.enums import (
    ActorRole,
    EnrolmentStatus,
    GoalStatus,
    MeetingOutcome,
    MeetingStatus,
    RelationshipStatus,
)
from storage.models import (
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
from tests.dbutil import statements
from tests.service.helpers import make_program, mentee_draft, person

LONDON = ZoneInfo("Europe/London")
# A Monday: the last whole week is the one from Monday 25 May 2026; the twelve weeks start on
# Monday 9 March (London's clocks go forward on 29 March, in week 2).
NOW = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
FIRST = date(2026, 3, 9)
# Words that only the pairs' own text holds: no insight may ever contain them.
SECRETS = ("zanzibarquokka", "obsidianmarmot", "tangerinewalrus", "vermilionyak")


def day(week: int, weekday: int = 0, hour: int = 0) -> datetime:
    """A local time in the ``week``-th of the twelve weeks (0 is the first), as UTC."""
    local = datetime.combine(FIRST + timedelta(weeks=week, days=weekday), time(hour))
    return local.replace(tzinfo=LONDON).astimezone(UTC)


class Seeder:
    """Rows written straight into the program, the way its services leave them."""

    def __init__(self, session: AsyncSession, clock: ManualClock, program: Program) -> None:
        self.session, self.clock, self.program = session, clock, program
        self.ids = count(1)

    async def people(self) -> tuple[User, User]:
        n = next(self.ids)
        mentee = await person(self.session, self.clock, f"UMENTEE{n}")
        mentor = await person(self.session, self.clock, f"UMENTOR{n}")
        return mentee, mentor

    async def pair(
        self,
        status: RelationshipStatus,
        *,
        accepted: datetime | None = None,
        ended: datetime | None = None,
        signed: bool = False,
        met: bool = False,
        unilateral: bool = False,
    ) -> Relationship:
        mentee, mentor = await self.people()
        created = accepted or day(0)
        relationship = Relationship(
            team_id=self.program.team_id,
            program_id=self.program.id,
            mentee_user_id=mentee.id,
            mentor_user_id=mentor.id,
            status=status,
            created_at=created,
            updated_at=created,
            accepted_at=accepted,
            started_at=accepted,
            ended_at=ended,
            agreement_signed_at=created + timedelta(days=2) if signed else None,
            first_meeting_at=created + timedelta(days=3) if met else None,
            unilateral=unilateral,
            end_reason=f"{SECRETS[3]} reasons" if unilateral else "",
            decline_reason=f"{SECRETS[3]}" if status is RelationshipStatus.DECLINED else "",
        )
        self.session.add(relationship)
        await self.session.flush()
        return relationship

    async def meeting(
        self,
        relationship: Relationship,
        at: datetime,
        *,
        agenda: bool = False,
        notes_by: ActorRole | None = None,
        status: MeetingStatus = MeetingStatus.HELD,
        outcome: MeetingOutcome | None = None,
    ) -> None:
        meeting = Meeting(
            team_id=relationship.team_id,
            relationship_id=relationship.id,
            status=status,
            starts_at=at,
            minutes=45,
            booked_by_role=ActorRole.MENTEE,
            created_at=at - timedelta(days=7),
            updated_at=at,
            outcome=outcome,
        )
        self.session.add(meeting)
        await self.session.flush()
        if agenda:
            self.session.add(
                Agenda(
                    team_id=relationship.team_id,
                    meeting_id=meeting.id,
                    goal=f"Talk about {SECRETS[0]}",
                    created_at=at - timedelta(days=1),
                    updated_at=at - timedelta(days=1),
                )
            )
        if notes_by is not None:
            self.session.add(
                MeetingNotes(
                    team_id=relationship.team_id,
                    meeting_id=meeting.id,
                    takeaways=f"We learnt about {SECRETS[1]}",
                    author_role=notes_by,
                    created_at=at + timedelta(hours=2),
                    updated_at=at + timedelta(hours=2),
                )
            )

    def goal(
        self, relationship: Relationship, status: GoalStatus, at: datetime, parent: Goal | None
    ) -> Goal:
        goal = Goal(
            team_id=relationship.team_id,
            relationship_id=relationship.id,
            parent_id=parent.id if parent is not None else None,
            what=f"Master {SECRETS[2]}",
            status=status,
            achieved_at=at if status is GoalStatus.ACHIEVED else None,
            created_at=day(0),
            updated_at=at,
        )
        self.session.add(goal)
        return goal

    def checkin(
        self, relationship: Relationship, user_id: int, at: datetime | None, score: int | None
    ) -> None:
        self.session.add(
            CheckIn(
                team_id=relationship.team_id,
                relationship_id=relationship.id,
                user_id=user_id,
                role=ActorRole.MENTEE,
                round=1,
                asked_at=day(0),
                answered_at=at,
                score=score,
                note=f"Feeling {SECRETS[3]}",
            )
        )

    def health(self, relationship: Relationship, health: str) -> None:
        self.session.add(
            RelationshipHealth(
                relationship_id=relationship.id,
                team_id=relationship.team_id,
                program_id=relationship.program_id,
                health=health,
                signals=[{"kind": "quiet", "evidence": "21 days without a meeting"}],
                evaluated_at=NOW,
                changed_at=NOW,
            )
        )

    async def waiting(
        self, user_id: str, since: datetime, reason: str, *, left: bool = False
    ) -> None:
        mentee = await person(self.session, self.clock, user_id)
        enrolment, _ = await save_enrolment(
            session=self.session,
            clock=self.clock,
            user=mentee,
            draft=mentee_draft(self.program.id, goals=f"Learn {SECRETS[2]}"),
        )
        enrolment.waitlisted_at = since
        enrolment.waitlist_reason = reason
        if left:
            enrolment.status = EnrolmentStatus.LEFT


async def seeded(db: Database, clock: ManualClock) -> Program:
    """A fortnightly program in London over the twelve weeks:

    - A: live all along (cultivation); held meetings in weeks 0, 2, 4, 8 and 10 (agendas in
      0, 2 and 4; notes by the mentee in 0 and 2, by the mentor in 4), one found cancelled in
      week 6, one still scheduled in week 11, and one held the week before the twelve;
    - B: accepted on the Thursday of week 4, ended early on the Monday of week 8; a meeting in
      week 5 with an agenda and the mentee's notes;
    - C awaits its mentor, D was declined, E closed well before the twelve weeks;
    - F: accepted on the Monday of week 10, still in initiation.
    """
    async with db.transaction() as session:
        admin = await person(session, clock, "UADMIN", admin=True)
        program = await make_program(session, clock, admin)
        seed = Seeder(session, clock, program)
        live = RelationshipStatus.CULTIVATION
        a = await seed.pair(live, accepted=day(0), signed=True, met=True)
        b = await seed.pair(
            RelationshipStatus.CLOSED,
            accepted=day(4, weekday=3),
            ended=day(8),
            signed=True,
            met=True,
            unilateral=True,
        )
        await seed.pair(RelationshipStatus.AWAITING_MENTOR)
        await seed.pair(RelationshipStatus.DECLINED, ended=day(1))
        e = await seed.pair(
            RelationshipStatus.CLOSED,
            accepted=day(-40),
            ended=day(-2),
            signed=True,
            met=True,
        )
        f = await seed.pair(RelationshipStatus.INITIATION, accepted=day(10))
        for week, agenda, notes in (
            (0, True, ActorRole.MENTEE),
            (2, True, ActorRole.MENTEE),
            (4, True, ActorRole.MENTOR),
            (8, False, None),
            (10, False, None),
            (-1, True, ActorRole.MENTEE),
        ):
            await seed.meeting(a, day(week, 1, 10), agenda=agenda, notes_by=notes)
        await seed.meeting(a, day(6, 1, 10), agenda=True, outcome=MeetingOutcome.CANCELLED)
        await seed.meeting(a, day(11, 1, 10), agenda=True, status=MeetingStatus.SCHEDULED)
        await seed.meeting(b, day(5, 2, 15), agenda=True, notes_by=ActorRole.MENTEE)
        goal = seed.goal(a, GoalStatus.ACHIEVED, day(3, 2), None)
        await session.flush()
        seed.goal(a, GoalStatus.ACHIEVED, day(3, 1), goal)  # a milestone
        seed.goal(e, GoalStatus.ACHIEVED, day(-5), None)  # before the twelve weeks
        seed.goal(b, GoalStatus.OPEN, day(6), None)
        seed.checkin(a, a.mentee_user_id, day(5, 1), 4)
        seed.checkin(a, a.mentor_user_id, day(6, 1), 2)
        seed.checkin(e, e.mentee_user_id, day(-3), 1)  # before the twelve weeks
        seed.checkin(f, f.mentee_user_id, None, None)  # not answered
        seed.health(a, "at_risk")
        seed.health(b, "at_risk")  # ended: not counted
        await seed.waiting("UWAIT1", day(10, 2), "no mentor with a free place offers SQL yet")
        await seed.waiting("UWAIT2", day(9, 6), "your mentor didn't answer in time")
        await seed.waiting("UWAIT3", day(9), "", left=True)
        return program


async def insights_of(db: Database, program_id: int, weeks: int = 12) -> ProgramInsights:
    async with db.transaction() as session:
        return await insights.program_insights(
            session=session, program_id=program_id, now=NOW, weeks=weeks
        )


async def test_weeks_count_meetings_held_against_what_the_cadence_expects(
    db: Database, clock: ManualClock
) -> None:
    program = await seeded(db, clock)
    got = await insights_of(db, program.id)
    assert [w.monday for w in got.weeks] == [FIRST + timedelta(weeks=i) for i in range(12)]
    assert [w.meetings_held for w in got.weeks] == [1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 0]
    # A alone is half a meeting a week (fortnightly); B adds 4 days in week 4 and whole weeks
    # 5 to 7; F whole weeks 10 and 11.
    assert [w.meetings_expected for w in got.weeks] == [
        0.5, 0.5, 0.5, 0.5, 0.8, 1.0, 1.0, 1.0, 0.5, 0.5, 1.0, 1.0,
    ]  # fmt: skip
    shares = [(w.agenda_share, w.capture_share) for w in got.weeks]
    assert shares[0] == shares[2] == shares[5] == (1.0, 1.0)
    assert shares[4] == (1.0, 0.0)
    assert shares[8] == shares[10] == (0.0, 0.0)
    assert shares[1] == shares[6] == (None, None)
    assert all(w.health is None for w in got.weeks)  # no health recorded yet
    assert got.enough_history


async def test_the_program_now_funnel_health_goals_checkins_and_waiting_list(
    db: Database, clock: ManualClock
) -> None:
    program = await seeded(db, clock)
    got = await insights_of(db, program.id)
    assert (got.name, got.timezone) == ("Engineering mentoring", "Europe/London")
    assert got.funnel == Funnel(
        enrolled=3,
        matched=6,
        accepted=4,
        agreement_signed=3,
        first_meeting=3,
        cultivation=3,
        closed_well=1,
        ended_early=1,
    )
    assert got.health == HealthCounts(too_early=1, at_risk=1)
    assert got.goals_achieved == 1
    assert got.average_checkin == 3.0
    assert [(w.name, w.since, w.reason) for w in got.waiting] == [
        ("Person UWAIT2", date(2026, 5, 17), "Their mentor didn't answer in time"),
        ("Person UWAIT1", date(2026, 5, 20), "No mentor with a free place offers SQL yet"),
    ]


async def test_fewer_weeks_and_a_program_with_no_history(db: Database, clock: ManualClock) -> None:
    program = await seeded(db, clock)
    got = await insights_of(db, program.id, weeks=3)
    assert [w.monday for w in got.weeks] == [FIRST + timedelta(weeks=i) for i in (9, 10, 11)]
    assert [w.meetings_held for w in got.weeks] == [0, 1, 0]
    async with db.transaction() as session:
        admin = await person(session, clock, "UADMIN", admin=True)
        empty = await make_program(session, clock, admin, name="Design mentoring")
    got = await insights_of(db, empty.id)
    assert [w.meetings_held for w in got.weeks] == [0] * 12
    assert [w.meetings_expected for w in got.weeks] == [0.0] * 12
    assert got.health == HealthCounts() and got.waiting == [] and got.average_checkin is None
    assert not got.enough_history


async def test_the_query_count_does_not_grow_with_the_program(
    db: Database, clock: ManualClock
) -> None:
    program = await seeded(db, clock)
    with statements(db) as small:
        await insights_of(db, program.id)
        await insights_of(db, program.id, weeks=52)
    async with db.transaction() as session:
        seed = Seeder(session, clock, program)
        seed.ids = count(100)
        for n in range(30):
            pair = await seed.pair(RelationshipStatus.CULTIVATION, accepted=day(n % 12))
            seed.health(pair, "on_track")
            for week in range(n % 12, 12, 2):
                await seed.meeting(pair, day(week, 2, 11), agenda=True, notes_by=ActorRole.MENTEE)
    with statements(db) as large:
        grown = await insights_of(db, program.id)
        await insights_of(db, program.id, weeks=52)
    assert grown.health.on_track == 30
    assert sum(w.meetings_held for w in grown.weeks) > 100
    assert len(large) == len(small)
    assert len(small) <= 2 * 12  # a handful of grouped queries each


async def test_nothing_a_pair_wrote_is_in_the_insights(db: Database, clock: ManualClock) -> None:
    program = await seeded(db, clock)
    got = await insights_of(db, program.id)
    async with db.transaction() as session:
        overview = await insights.programs_overview(
            session=session, team_id=program.team_id, user_id="UADMIN", now=NOW
        )
    said = repr(asdict(got)) + repr([asdict(o) for o in overview])
    said += chart.render_chart(got, fmt="svg").decode() + chart.alt_text(got)
    assert "Engineering mentoring" in said and "Meetings held" in said
    assert not [word for word in SECRETS if word in said]


async def test_overview_shows_the_programs_each_person_may_see(
    db: Database, clock: ManualClock
) -> None:
    program = await seeded(db, clock)
    async with db.transaction() as session:
        admin = await person(session, clock, "UADMIN", admin=True)
        await person(session, clock, "ULEAD")
        other = await make_program(
            session, clock, admin, name="Design mentoring", manager_ids=("ULEAD",)
        )
        await person(session, clock, "UNOBODY")
        await person(session, clock, "UFOREIGN", team_id="T0002")
        await person(session, clock, "UFOREIGNADMIN", team_id="T0002", admin=True)

    async def overview(user_id: str, team_id: str = "T0001") -> list[tuple[str, int]]:
        async with db.transaction() as session:
            lines = await insights.programs_overview(
                session=session, team_id=team_id, user_id=user_id, now=NOW
            )
        return [(line.name, line.active_pairs) for line in lines]

    assert await overview("UADMIN") == [("Design mentoring", 0), ("Engineering mentoring", 2)]
    assert await overview("ULEAD") == [("Design mentoring", 0)]
    assert await overview("UNOBODY") == []
    assert await overview("UMENTEE1") == []  # a mentee of the program
    assert await overview("UFOREIGNADMIN", "T0002") == []
    assert await overview("UNKNOWN") == []

    async def may_see(user_id: str, program_id: int, team_id: str = "T0001") -> bool:
        async with db.transaction() as session:
            return await insights.may_see(
                session=session, team_id=team_id, user_id=user_id, program_id=program_id
            )

    assert await may_see("UADMIN", program.id) and await may_see("UADMIN", other.id)
    assert await may_see("ULEAD", other.id)
    assert not await may_see("ULEAD", program.id)
    assert not await may_see("UMENTEE1", program.id)
    assert not await may_see("UMENTOR1", program.id)
    assert not await may_see("UNOBODY", program.id)
    assert not await may_see("UFOREIGNADMIN", program.id, "T0002")
    assert not await may_see("UFOREIGN", program.id, "T0002")
    assert not await may_see("UADMIN", program.id, "T0002")
    assert not await may_see("UADMIN", 999_999)


@pytest.mark.parametrize("said, read", [
    ("", insights.NOT_YET_MATCHED),
    ("the mentors who share your skills were your mentor before, or manage you or you them",
     "The mentors who share their skills were their mentor before, or manage them or are "
     "managed by them"),
])  # fmt: skip
def test_why_a_mentee_waits_as_managers_read_it(said: str, read: str) -> None:
    assert insights.why_waiting(said) == read


async def test_health_recorded_each_week_is_the_weeks_history_and_last_weeks_overview(
    db: Database, clock: ManualClock
) -> None:
    program = await seeded(db, clock)
    last, before = FIRST + timedelta(weeks=11), FIRST + timedelta(weeks=10)
    async with db.transaction() as session:
        fresh = await session.get(Program, program.id)
        assert fresh is not None
        await insights.record_week(session=session, program=fresh, monday=before, now=NOW)
        # The same week again (a retried digest) records it in place.
        await insights.record_week(session=session, program=fresh, monday=last, now=NOW)
        await insights.record_week(session=session, program=fresh, monday=last, now=NOW)
    got = await insights_of(db, program.id)
    recorded = HealthCounts(too_early=1, at_risk=1)
    assert [w.health for w in got.weeks] == [None] * 10 + [recorded, recorded]
    async with db.transaction() as session:
        [line] = await insights.programs_overview(
            session=session, team_id=program.team_id, user_id="UADMIN", now=NOW
        )
        # On Monday evening of the week after, last week is the one from 1 June: none yet.
        [later] = await insights.programs_overview(
            session=session,
            team_id=program.team_id,
            user_id="UADMIN",
            now=NOW + timedelta(days=7),
        )
    assert (line.active_pairs, line.health, line.health_last_week) == (2, recorded, recorded)
    assert later.health_last_week is None
