"""Building blocks for service tests: real rows in the real test database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, time
from typing import TypeVar

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements import service as agreements
from bot.enrolment.service import EnrolmentDraft, save_enrolment
from bot.errors import NotAllowed, NotFound
from bot.introductions import service as introductions
from bot.matching.settings import MatchingSettings, store
from bot.programs import service as program_svc
from infra.clock import Clock
from infra.db import Database
from infra.hours import WorkingHours
from scheduling.api import schedule
from scheduling.kinds import Kind
from storage.due_work import DueWork, Timing
from storage.enums import ActorRole, Cadence, EnrolmentRole
from storage.models import ActivityEvent, Base, Program, User
from storage.repositories import users as user_repo
from storage.repositories.users import Profile

E = TypeVar("E", bound=Exception)
# One service call in a transaction's session (what a listener does).
Act = Callable[[AsyncSession], Awaitable[object]]


async def person(
    session: AsyncSession,
    clock: Clock,
    user_id: str,
    *,
    team_id: str = "T0001",
    admin: bool = False,
    tz: str = "Europe/London",
    bot: bool = False,
) -> User:
    profile = Profile(
        team_id=team_id,
        slack_user_id=user_id,
        name=user_id.lower(),
        real_name=f"Person {user_id}",
        tz=tz,
        is_admin=admin,
        is_bot=bot,
    )
    return await user_repo.save_profile(session=session, profile=profile, now=clock.now())


def program_draft(**changes: object) -> program_svc.ProgramDraft:
    values: dict[str, object] = {
        "name": "Engineering mentoring",
        "description": "Grow engineers into leaders.",
        "manager_ids": ("UADMIN",),
        "digest_channel_id": "CLEADS",
        "cadence": Cadence.FORTNIGHTLY,
        "relationship_months": 12,
        "hours": WorkingHours(time(9), time(17), frozenset(range(5))),
        "timezone": "Europe/London",
        "skills": ("SQL", "Public speaking", "Budgeting", "People management"),
    }
    values.update(changes)
    return program_svc.ProgramDraft(**values)  # type: ignore[arg-type]


async def make_program(
    session: AsyncSession, clock: Clock, actor: User, **changes: object
) -> Program:
    changes.setdefault("manager_ids", (actor.slack_user_id,))
    return await program_svc.create_program(
        session=session, clock=clock, actor=actor, draft=program_draft(**changes)
    )


def mentee_draft(program_id: int, **changes: object) -> EnrolmentDraft:
    values: dict[str, object] = {
        "program_id": program_id,
        "role": EnrolmentRole.MENTEE,
        "goals": "Lead a project end to end",
        "target_role": "Tech lead",
        "skills_to_develop": ("SQL", "Public speaking"),
        "department": "Support",
        "seniority": 2,
        "location": "Lisbon",
    }
    values.update(changes)
    return EnrolmentDraft(**values)  # type: ignore[arg-type]


def mentor_draft(program_id: int, **changes: object) -> EnrolmentDraft:
    values: dict[str, object] = {
        "program_id": program_id,
        "role": EnrolmentRole.MENTOR,
        "expertise": ("SQL", "Budgeting"),
        "capacity": 2,
        "department": "Engineering",
        "seniority": 5,
    }
    values.update(changes)
    return EnrolmentDraft(**values)  # type: ignore[arg-type]


async def mentee_with_a_nudge_due_now(session: AsyncSession, clock: Clock) -> None:
    """A program with one enrolled mentee (UMENTEE) whose preparation nudge is due at once:
    the smallest real work a sweep can run and deliver."""
    admin = await person(session, clock, "UADMIN", admin=True)
    program = await make_program(session, clock, admin)
    await enrol_with_a_nudge_due_now(session, clock, program, "UMENTEE", key="due-now")


async def enrol_with_a_nudge_due_now(
    session: AsyncSession, clock: Clock, program: Program, user_id: str, *, key: str
) -> None:
    """Enrol ``user_id`` as a mentee of ``program``, with a preparation nudge (dedup key
    ``key``) due at once."""
    mentee = await person(session, clock, user_id)
    enrolment, _ = await save_enrolment(
        session=session, clock=clock, user=mentee, draft=mentee_draft(program.id)
    )
    await schedule(
        session=session,
        now=clock.now(),
        kind=Kind.MENTEE_PREPARE,
        key=key,
        team_id=mentee.team_id,
        due_at=clock.now(),
        timing=Timing.IMMEDIATE,
        recipient_id=user_id,
        payload={"enrolment_id": enrolment.id},
    )


# --- A pair, and what their steps left behind -----------------------------------------------


@dataclass(frozen=True)
class Pair:
    """An accepted relationship (initiation) and its people."""

    relationship_id: int
    program: Program
    mentee: User
    mentor: User
    admin: User


async def requested_pair(
    session: AsyncSession,
    clock: Clock,
    *,
    mentee_tz: str = "Europe/Lisbon",
    mentor_tz: str = "America/New_York",
    program_tz: str = "Europe/London",
    tag: str = "",
) -> Pair:
    """A self-serve program where UMIA (mentee) asked UOMAR (mentor), through the services
    people use: the request waits for the mentor's answer. ``tag`` makes another pair, in a
    program of its own (its people's ids and the program's name end with it)."""
    admin = await person(session, clock, f"UADMIN{tag}", admin=True)
    program = await make_program(
        session, clock, admin, timezone=program_tz, name=f"Engineering mentoring{tag}"
    )
    store(program, MatchingSettings(self_serve=True))
    mentee = await person(session, clock, f"UMIA{tag}", tz=mentee_tz)
    mentor = await person(session, clock, f"UOMAR{tag}", tz=mentor_tz)
    await save_enrolment(session=session, clock=clock, user=mentee, draft=mentee_draft(program.id))
    mentor_enrolment, _ = await save_enrolment(
        session=session, clock=clock, user=mentor, draft=mentor_draft(program.id)
    )
    relationship = await introductions.request_mentor(
        session=session,
        clock=clock,
        actor=mentee,
        program_id=program.id,
        mentor_enrolment_id=mentor_enrolment.id,
    )
    return Pair(relationship.id, program, mentee, mentor, admin)


async def accepted_pair(db: Database, clock: Clock, **options: str) -> Pair:
    """:func:`requested_pair` (with its ``options``), accepted by the mentor (committed, like
    the two clicks)."""
    async with db.transaction() as session:
        pair = await requested_pair(session, clock, **options)
    async with db.transaction() as session:
        await introductions.accept(
            session=session, clock=clock, actor=pair.mentor, relationship_id=pair.relationship_id
        )
    return pair


async def stranger(db: Database, clock: Clock, *, team_id: str = "T0001") -> User:
    """Someone with no part in any pair (in another workspace with ``team_id``)."""
    async with db.transaction() as session:
        return await person(session, clock, "USTRANGER", team_id=team_id)


async def due_work(
    session: AsyncSession, relationship_id: int, *, kind: str | None = None
) -> dict[str, DueWork]:
    """A relationship's due work by dedup key (the signals' evaluations left out unless
    asked for by ``kind``: every activity event plans one, under a key of its own)."""
    query = select(DueWork).where(DueWork.relationship_id == relationship_id)
    query = (
        query.where(DueWork.kind == kind) if kind else query.where(DueWork.kind != "signals.eval")
    )
    return {w.dedup_key: w for w in (await session.scalars(query)).all()}


async def activity(session: AsyncSession, relationship_id: int) -> list[tuple[str, ActorRole]]:
    """The relationship's activity log, oldest first: (kind, role)."""
    rows = await session.scalars(
        select(ActivityEvent)
        .where(ActivityEvent.relationship_id == relationship_id)
        .order_by(ActivityEvent.id)
    )
    return [(str(e.kind), e.actor_role) for e in rows]


async def everything(db: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in a stable order."""
    async with db.transaction() as session:
        return {
            table.name: sorted(
                (tuple(row) for row in (await session.execute(select(table))).all()), key=repr
            )
            for table in Base.metadata.sorted_tables
        }


async def refusal(db: Database, error: type[E], act: Act) -> E:
    """Run ``act`` in a transaction as a listener would; it must raise ``error`` and leave
    every table as it was. Returns the error (for its message and field errors)."""
    before = await everything(db)
    with pytest.raises(error) as caught:
        async with db.transaction() as session:
            await act(session)
    after = await everything(db)
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, f"a refusal wrote to {changed}"
    return caught.value


def agreement_terms(**changes: object) -> agreements.Terms:
    """Terms a mentee could submit for a pair accepted on the test clock's first day."""
    values: dict[str, object] = {
        "cadence": Cadence.FORTNIGHTLY,
        "meeting_minutes": 45,
        "end_date": date(2026, 12, 18),
        "channel": "video",
        "channel_detail": "",
        "in_scope": "Leading projects",
        "out_of_scope": "",
        "from_mentor": "Honest feedback",
        "from_mentee": "I book our meetings and bring an agenda",
        "confidential": True,
        "note": "",
    }
    values.update(changes)
    return agreements.Terms(**values)  # type: ignore[arg-type]


MISSING = 999_999  # an id that names nothing


async def refused_to_outsiders(
    db: Database, clock: Clock, pair: Pair, acts: Callable[[User, bool], list[Act]]
) -> None:
    """Every act ``acts(actor, real)`` makes is refused, writing nothing: to someone else in
    the workspace (NotAllowed), to someone in another workspace (NotFound), both naming the
    pair's real ids, and to the pair's mentee naming ids that don't exist (NotFound)."""
    eve = await stranger(db, clock)
    foreign = await stranger(db, clock, team_id="T0002")
    for actor, real, error in (
        (eve, True, NotAllowed),
        (foreign, True, NotFound),
        (pair.mentee, False, NotFound),
    ):
        for act in acts(actor, real):
            await refusal(db, error, act)


async def logged(db: Database, pair: Pair) -> list[tuple[str, ActorRole]]:
    """:func:`activity` of the pair, in a transaction of its own."""
    async with db.transaction() as session:
        return await activity(session, pair.relationship_id)
