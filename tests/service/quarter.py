"""A quarter of a program's life, through the services people use, with every free text a
person writes carrying a marker of its own (``<who>-secret-<n>``) and the sweep delivering
what it plans (so due work holds the messages that named people): for the privacy proofs,
which then look for a person's id and markers in every column of every table."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.agreements import service as agreements
from bot.capture import service as capture
from bot.checkins import service as checkins
from bot.enrolment.service import save_enrolment
from bot.goals import service as goals
from bot.introductions import service as introductions
from bot.matching.settings import MatchingSettings, store
from bot.meetings import service as meetings
from infra.clock import ManualClock
from infra.deps import Deps
from mentorbot.jobs import build_sweeper
from storage.enums import ActorRole
from storage.models import Base, Meeting, Program, Relationship, User
from tests.service.helpers import (
    agreement_terms,
    make_program,
    mentee_draft,
    mentor_draft,
    person,
)

MEETINGS = 6  # fortnightly, over twelve weeks


def marker(who: str, n: int) -> str:
    return f"{who.lower()}-secret-{n}"


@dataclass(frozen=True)
class Quarter:
    """A workspace's program after a quarter: its manager, and its pairs' people by id."""

    team_id: str
    program_id: int
    admin: User
    people: dict[str, User]
    relationships: dict[str, int]  # mentee's Slack id -> relationship id


async def sweep(deps: Deps, times: int = 3) -> None:
    for _ in range(times):
        await build_sweeper(deps).sweep()


async def quarter(
    deps: Deps,
    clock: ManualClock,
    *,
    team_id: str,
    admin_id: str,
    pairs: tuple[tuple[str, str], ...],
    program: str = "Engineering mentoring",
) -> Quarter:
    """Seed ``pairs`` (mentee, mentor) in one program of ``team_id``, managed by
    ``admin_id``, and live twelve weeks of it: agreement, goals and comments, fortnightly
    meetings with agendas, mentor's items, notes, actions, a suggested change and a
    confirmation, check-ins with comments. Starts at the clock's now; leaves it at the end."""
    db, counter = deps.db, itertools.count(1)
    start = clock.now()
    async with db.transaction() as s:
        admin = await person(s, clock, admin_id, team_id=team_id, admin=True)
        prog = await make_program(s, clock, admin, name=program, digest_channel_id="CLEADS")
        store(prog, MatchingSettings(self_serve=True))
        people: dict[str, User] = {}
        for mentee_id, mentor_id in pairs:
            mentee = await person(s, clock, mentee_id, team_id=team_id, tz="Europe/Lisbon")
            mentor = await person(s, clock, mentor_id, team_id=team_id, tz="America/New_York")
            people[mentee_id], people[mentor_id] = mentee, mentor
            await save_enrolment(
                session=s,
                clock=clock,
                user=mentee,
                draft=mentee_draft(
                    prog.id,
                    goals=marker(mentee_id, next(counter)),
                    target_role=marker(mentee_id, next(counter)),
                    location="Lisbon " + marker(mentee_id, next(counter)),
                    manager_slack_id=admin_id,
                ),
            )
            await save_enrolment(
                session=s,
                clock=clock,
                user=mentor,
                draft=mentor_draft(prog.id, department=marker(mentor_id, next(counter))),
            )
        program_id = prog.id
    relationships: dict[str, int] = {}
    for mentee_id, mentor_id in pairs:
        async with db.transaction() as s:
            mentor_enrolment = await _enrolment_of(s, program_id, people[mentor_id])
            relationship = await introductions.request_mentor(
                session=s,
                clock=clock,
                actor=people[mentee_id],
                program_id=program_id,
                mentor_enrolment_id=mentor_enrolment,
            )
            relationships[mentee_id] = relationship.id
        async with db.transaction() as s:
            await introductions.accept(
                session=s, clock=clock, actor=people[mentor_id], relationship_id=relationship.id
            )
    await sweep(deps)
    for mentee_id, mentor_id in pairs:
        await _agreement_and_goals(
            deps, clock, people[mentee_id], people[mentor_id], relationships[mentee_id], counter
        )
    for n in range(MEETINGS):
        at = start + timedelta(days=3 + 14 * n)
        for mentee_id, mentor_id in pairs:
            await _meeting(
                deps,
                clock,
                people[mentee_id],
                people[mentor_id],
                relationships[mentee_id],
                at,
                counter,
            )
        clock.set(at + timedelta(hours=2))
        await sweep(deps)
        if n in (1, 4):
            for mentee_id, mentor_id in pairs:
                await _check_ins(
                    deps, clock, (people[mentee_id], people[mentor_id]), relationships[mentee_id], n
                )
    clock.set(start + timedelta(weeks=12))
    await sweep(deps)
    return Quarter(team_id, program_id, admin, people, relationships)


async def _enrolment_of(s: Any, program_id: int, user: User) -> int:
    from storage.models import Enrolment

    found = await s.scalar(
        select(Enrolment.id).where(Enrolment.program_id == program_id, Enrolment.user_id == user.id)
    )
    assert found is not None
    return int(found)


async def _agreement_and_goals(
    deps: Deps,
    clock: ManualClock,
    mentee: User,
    mentor: User,
    relationship_id: int,
    counter: itertools.count[int],
) -> None:
    m, o = mentee.slack_user_id, mentor.slack_user_id
    async with deps.db.transaction() as s:
        agreement = await agreements.draft(
            session=s,
            clock=clock,
            actor=mentee,
            relationship_id=relationship_id,
            terms=agreement_terms(
                end_date=(clock.now() + timedelta(days=300)).date(),
                in_scope=marker(m, next(counter)),
                from_mentor=marker(m, next(counter)),
                note=marker(m, next(counter)),
            ),
        )
    async with deps.db.transaction() as s:
        await agreements.sign(session=s, clock=clock, actor=mentor, agreement_id=agreement.id)
    async with deps.db.transaction() as s:
        goal = await goals.add(
            session=s,
            clock=clock,
            actor=mentee,
            relationship_id=relationship_id,
            draft=goals.GoalDraft(
                what=marker(m, next(counter)),
                measure=marker(m, next(counter)),
                target_date=(clock.now() + timedelta(days=80)).date(),
                why=marker(m, next(counter)),
            ),
        )
    async with deps.db.transaction() as s:
        await goals.comment(
            session=s, clock=clock, actor=mentor, goal_id=goal.id, text=marker(o, next(counter))
        )
    async with deps.db.transaction() as s:
        await goals.comment(
            session=s, clock=clock, actor=mentee, goal_id=goal.id, text=marker(m, next(counter))
        )
    await sweep(deps)


async def _meeting(
    deps: Deps,
    clock: ManualClock,
    mentee: User,
    mentor: User,
    relationship_id: int,
    at: datetime,
    counter: itertools.count[int],
) -> None:
    m, o = mentee.slack_user_id, mentor.slack_user_id
    clock.set(at - timedelta(days=2))
    async with deps.db.transaction() as s:
        meeting = await meetings.book(
            session=s,
            clock=clock,
            actor=mentee,
            relationship_id=relationship_id,
            draft=meetings.MeetingDraft(starts_at=at, minutes=45, place=marker(m, next(counter))),
        )
    async with deps.db.transaction() as s:
        await meetings.write_agenda(
            session=s,
            clock=clock,
            actor=mentee,
            meeting_id=meeting.id,
            grow=meetings.Grow(
                goal=marker(m, next(counter)),
                reality=marker(m, next(counter)),
                options=marker(m, next(counter)),
                way_forward=marker(m, next(counter)),
            ),
        )
    async with deps.db.transaction() as s:
        await meetings.add_mentor_items(
            session=s,
            clock=clock,
            actor=mentor,
            meeting_id=meeting.id,
            text=marker(o, next(counter)),
        )
    await sweep(deps)
    clock.set(at + timedelta(minutes=50))
    async with deps.db.transaction() as s:
        row = await s.get(Meeting, meeting.id)
        assert row is not None
        await meetings.start(session=s, now=clock.now(), meeting=row)
        await capture.plan_after(session=s, now=clock.now(), meeting=row)
    async with deps.db.transaction() as s:
        await capture.capture(
            session=s,
            clock=clock,
            actor=mentee,
            meeting_id=meeting.id,
            draft=capture.CaptureDraft(
                takeaways=marker(m, next(counter)),
                actions=(
                    capture.ActionDraft(
                        text=marker(m, next(counter)),
                        owner=ActorRole.MENTEE,
                        due_on=(at + timedelta(days=5)).date(),
                    ),
                ),
            ),
        )
    async with deps.db.transaction() as s:
        if (next(counter)) % 2:
            await capture.suggest_change(
                session=s, clock=clock, actor=mentor, meeting_id=meeting.id, text=marker(o, 0)
            )
        else:
            await capture.confirm(session=s, clock=clock, actor=mentor, meeting_id=meeting.id)


async def _check_ins(
    deps: Deps, clock: ManualClock, people: tuple[User, User], relationship_id: int, rnd: int
) -> None:
    for who, role in zip(people, (ActorRole.MENTEE, ActorRole.MENTOR), strict=True):
        async with deps.db.transaction() as s:
            relationship = await s.get(Relationship, relationship_id)
            assert relationship is not None
            row = await checkins.ask(
                session=s, now=clock.now(), relationship=relationship, to=role, rnd=rnd
            )
        async with deps.db.transaction() as s:
            await checkins.answer(
                session=s,
                clock=clock,
                actor=who,
                checkin_id=row.id,
                score=4,
                note=marker(who.slack_user_id, 100 + rnd),
                share=True,
            )


# --- Looking for what must be gone ------------------------------------------------------------


def _as_text(value: object) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value)
    return "" if value is None else str(value)


async def found(deps: Deps, needles: tuple[str, ...]) -> list[str]:
    """Every ``table.column`` (with the row's key) holding any of ``needles``, ignoring
    case, over every table the models declare (so a new table is covered unasked)."""
    lowered = tuple(n.lower() for n in needles)
    hits: list[str] = []
    async with deps.db.transaction() as s:
        for table in Base.metadata.sorted_tables:
            rows = (await s.execute(select(table))).mappings().all()
            for row in rows:
                for column, value in row.items():
                    text = _as_text(value).lower()
                    for needle in lowered:
                        if needle in text:
                            hits.append(f"{table.name}.{column} ({needle}): {text[:120]}")
    return hits


async def rows_of_team(deps: Deps, team_id: str) -> dict[str, list[str]]:
    """Every row that holds ``team_id`` in any column, by table, as sorted text."""
    out: dict[str, list[str]] = {}
    async with deps.db.transaction() as s:
        for table in Base.metadata.sorted_tables:
            rows = (await s.execute(select(table))).mappings().all()
            mine = sorted(
                json.dumps({k: _as_text(v) for k, v in r.items()}, sort_keys=True)
                for r in rows
                if any(_as_text(v) == team_id for v in r.values())
            )
            if mine:
                out[table.name] = mine
    return out


async def program_of(deps: Deps, program_id: int) -> Program:
    async with deps.db.transaction() as s:
        program = await s.get(Program, program_id)
        assert program is not None
        return program
