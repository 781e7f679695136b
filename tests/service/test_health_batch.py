"""The daily signals evaluation reads many relationships at once
(:func:`bot.signals.health.prepare`); it must see exactly what evaluating each relationship
on its own sees, and do it in a few queries whatever the batch's size, without loading the
programs' managers."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.signals import facts as signal_facts
from bot.signals import health
from bot.signals import rules as sig
from infra.clock import ManualClock
from infra.db import Database
from infra.deps import Deps
from mentorbot.jobs import build_sweeper
from scheduling.api import schedule
from scheduling.kinds import Kind
from storage.due_work import DueWork, Status, Timing
from storage.enums import (
    LIVE_RELATIONSHIP_STATUSES,
    ActionStatus,
    ActorRole,
    MeetingOutcome,
    MeetingStatus,
    RelationshipStatus,
)
from storage.models import (
    ActionItem,
    ActivityEvent,
    Agenda,
    Alert,
    CheckIn,
    Meeting,
    Relationship,
    RelationshipHealth,
    User,
)
from storage.repositories import programs as program_repo
from storage.repositories import relationships as rel_repo
from tests.dbutil import statements
from tests.service.helpers import make_program, person

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
TEAM = "T0001"
KINDS = (
    "meeting_booked",
    "agenda_written",
    "mentor_follow_up",
    "follow_up_answered",
    "notes_captured",
    "action_done",
    "no_agenda",
    "mentor_accepted",
)
ROLES = (ActorRole.MENTEE, ActorRole.MENTOR, ActorRole.SYSTEM)
STATUSES = (
    RelationshipStatus.CULTIVATION,
    RelationshipStatus.INITIATION,
    RelationshipStatus.SEPARATION,
)


def at(rng: random.Random, days: int = 200) -> datetime:
    """A time in the last ``days`` days (a few in the future), on the hour: ties happen."""
    return NOW - timedelta(hours=rng.randint(-48, days * 24))


def history(rng: random.Random, rel: Relationship, users: tuple[User, User]) -> list[Any]:
    """Random events, meetings (some at the same time), agendas, actions and check-ins."""
    rows: list[Any] = []
    for _ in range(rng.choice((0, 1, 3, 12, 30))):
        rows.append(
            ActivityEvent(
                team_id=TEAM,
                program_id=rel.program_id,
                relationship_id=rel.id,
                actor_role=rng.choice(ROLES),
                kind=rng.choice(KINDS),
                occurred_at=at(rng),
                data={},
            )
        )
    tie = at(rng, 60)
    for _ in range(rng.choice((0, 2, 4, 8))):
        meeting = Meeting(
            team_id=TEAM,
            relationship_id=rel.id,
            status=rng.choice((MeetingStatus.HELD, MeetingStatus.HELD, MeetingStatus.SCHEDULED)),
            outcome=rng.choice(
                (None, MeetingOutcome.MET, MeetingOutcome.RESCHEDULED, MeetingOutcome.CANCELLED)
            ),
            starts_at=tie if rng.random() < 0.3 else at(rng, 90),
            minutes=30,
            booked_by_role=rng.choice(ROLES),
            created_at=NOW - timedelta(days=200),
            updated_at=NOW - timedelta(days=200),
        )
        if rng.random() < 0.5:
            meeting.agenda = Agenda(team_id=TEAM, source="modal", created_at=NOW, updated_at=NOW)
        rows.append(meeting)
    for _ in range(rng.choice((0, 1, 3))):
        rows.append(
            ActionItem(
                team_id=TEAM,
                relationship_id=rel.id,
                text="",
                owner_role=rng.choice((ActorRole.MENTEE, ActorRole.MENTOR)),
                due_on=NOW.date(),
                status=rng.choice((ActionStatus.OPEN, ActionStatus.DONE)),
                created_at=NOW,
                overdue_at=rng.choice((None, NOW - timedelta(days=2))),
            )
        )
    answered = at(rng, 30)
    for rnd in range(rng.choice((0, 1, 3, 4))):
        for user in users:
            rows.append(
                CheckIn(
                    team_id=TEAM,
                    relationship_id=rel.id,
                    user_id=user.id,
                    role=ActorRole.MENTEE if user is users[0] else ActorRole.MENTOR,
                    round=rnd + 1,
                    asked_at=NOW - timedelta(days=40),
                    answered_at=rng.choice((None, answered, at(rng, 30))),
                    score=rng.choice((None, 1, 3, 5)),
                )
            )
    return rows


async def build(db: Database, clock: ManualClock, count: int = 36) -> list[int]:
    """Relationships in two programs (60- and 21-day windows) with varied histories."""
    rng = random.Random(20260601)
    async with db.transaction() as session:
        admin = await person(session, clock, "UADMIN", admin=True)
        programs = [
            await make_program(session, clock, admin),
            await make_program(session, clock, admin, name="Design mentoring"),
        ]
        programs[1].settings = {"signal_window_days": 21}
        ids: list[int] = []
        for n in range(count):
            mentee = await person(session, clock, f"UMENTEE{n}")
            mentor = await person(session, clock, f"UMENTOR{n}")
            accepted = NOW - timedelta(days=rng.randint(3, 300))
            rel = Relationship(
                team_id=TEAM,
                program_id=programs[n % 2].id,
                mentee_user_id=mentee.id,
                mentor_user_id=mentor.id,
                status=rng.choice(STATUSES),
                source="match",
                match_reasons=[],
                created_at=accepted,
                updated_at=accepted,
                accepted_at=accepted if rng.random() < 0.8 else None,
                agreement_signed_at=rng.choice((None, accepted + timedelta(days=2))),
                first_meeting_at=rng.choice((None, accepted + timedelta(days=9))),
            )
            session.add(rel)
            await session.flush()
            session.add_all(history(rng, rel, (mentee, mentor)))
            ids.append(rel.id)
        await session.flush()
    return ids


async def relationships(session: AsyncSession, ids: list[int]) -> list[Relationship]:
    found = await session.scalars(select(Relationship).where(Relationship.id.in_(ids)))
    return sorted(found.all(), key=lambda r: r.id)


async def test_batched_facts_equal_each_relationships_own(db: Database, clock: ManualClock) -> None:
    ids = await build(db, clock)
    facts: list[sig.Facts] = []
    async with db.transaction() as session:
        rels = await relationships(session, ids)
        for now in (NOW, NOW - timedelta(days=45), NOW + timedelta(days=30)):
            batched = await signal_facts.facts_for(session=session, relationships=rels, now=now)
            facts.extend(batched.values())
            assert sorted(batched) == ids
            for rel in rels:
                settings = signal_facts.settings_of(rel.program)
                single = await signal_facts.facts_of(
                    session=session, relationship=rel, now=now, settings=settings
                )
                assert batched[rel.id] == single, rel.id
    # The test data is varied enough to mean something.
    assert any(len(f.meetings) == signal_facts.RECENT_MEETINGS for f in facts)
    assert any(len(f.checkins) == signal_facts.RECENT_CHECKINS for f in facts)
    assert any(f.earlier_mentee_initiative is not None for f in facts)
    assert any(f.mentee_actions_overdue > 0 for f in facts)
    assert any(not f.events for f in facts) and any(len(f.events) > 5 for f in facts)


async def outcome(session: AsyncSession) -> tuple[list[Any], list[Any], list[Any]]:
    """What evaluations wrote: health, alert episodes and scheduled work."""
    stored = await session.scalars(
        select(RelationshipHealth).order_by(RelationshipHealth.relationship_id)
    )
    alerts = await session.scalars(select(Alert).order_by(Alert.relationship_id, Alert.signal))
    work = await session.scalars(select(DueWork).where(DueWork.relationship_id.is_not(None)))
    # Alerts' work is keyed by alert id, which differs between runs: compare what it is for.
    return (
        [(h.relationship_id, h.health, h.signals, h.changed_at) for h in stored.all()],
        [(a.relationship_id, a.signal, a.severity, a.evidence, a.raised_at) for a in alerts],
        sorted(
            (w.kind, w.relationship_id or 0, w.due_at, w.recipient_id or "") for w in work.all()
        ),
    )


async def evaluate_all(db: Database, ids: list[int], now: datetime, *, batched: bool) -> None:
    # Each relationship twice: the second evaluation of a pair in the same batch (an event's
    # and the daily one) must see the episodes the first opened.
    async with db.transaction() as session:
        batch = (
            await health.prepare(session=session, pairs=[(i, TEAM) for i in ids], now=now)
            if batched
            else None
        )
        for rid in ids + ids:
            rel = await health.load(session=session, team_id=TEAM, relationship_id=rid)
            assert rel is not None
            await health.evaluate(session=session, now=now, relationship=rel, batch=batch)
        if batch is not None:
            # as the sweep does after the batch's rows
            await health.finish(session=session, batch=batch)


async def test_a_batch_stores_the_same_health_alerts_and_work(
    db: Database, clock: ManualClock
) -> None:
    ids = await build(db, clock)
    results = []
    for batched in (False, True):
        for day in (0, 10, 20):
            await evaluate_all(db, ids, NOW + timedelta(days=day), batched=batched)
        async with db.transaction() as session:
            results.append(await outcome(session))
            for model in (DueWork, Alert, RelationshipHealth):
                for row in (await session.scalars(select(model))).all():
                    await session.delete(row)  # the digest's work too: the same both times
    single, batch = results
    assert single == batch
    assert single[1], "some relationships should have alert episodes"


async def test_a_sweep_evaluates_a_batch_in_a_few_queries(
    db: Database, deps: Deps, clock: ManualClock
) -> None:
    ids = await build(db, clock)
    clock.set(NOW)
    async with db.transaction() as session:
        for rid in ids:
            await schedule(
                session=session,
                now=NOW,
                kind=Kind.SIGNALS_EVAL,
                key=f"signals:relationship:{rid}:day:{NOW.date().isoformat()}",
                team_id=TEAM,
                relationship_id=rid,
                due_at=NOW,
                timing=Timing.IMMEDIATE,
            )
    first = await build_sweeper(deps).sweep()
    assert first.kinds[Kind.SIGNALS_EVAL].ran == len(ids)
    await build_sweeper(deps).sweep()  # the alerts it raised
    # The next day's pass, as every day: the pairs' alerts are raised already.
    clock.set(NOW + timedelta(days=1))
    with statements(db) as seen:
        report = await build_sweeper(deps).sweep()
    assert report.kinds[Kind.SIGNALS_EVAL].ran == len(ids)
    assert report.kinds[Kind.SIGNALS_EVAL].failed == 0
    # The reads are a constant handful for the whole batch (one relationship at a time read
    # about seven each); what remains per relationship is writing: tomorrow's evaluation, its
    # health, its open episodes' evidence.
    reads = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) <= 40, len(reads)  # alerts raised yesterday are delivered too
    # Tomorrow's evaluations are written together, after the batch (health.finish).
    plans = [s for s in seen if s.lstrip().upper().startswith("INSERT INTO DUE_WORK")]
    assert len(plans) < len(ids) // 2, len(plans)
    tomorrow = (NOW + timedelta(days=2)).date().isoformat()
    async with db.transaction() as session:
        planned = await session.scalars(
            select(DueWork.relationship_id).where(DueWork.dedup_key.like(f"%:day:{tomorrow}"))
        )
        live = await session.scalars(
            select(Relationship.id).where(
                Relationship.id.in_(ids), Relationship.status.in_(LIVE_RELATIONSHIP_STATUSES)
            )
        )
        assert sorted(rid or 0 for rid in planned.all()) == sorted(live.all())
    async with db.transaction() as session:
        live = await session.scalar(
            select(RelationshipHealth.relationship_id).where(
                RelationshipHealth.relationship_id.in_(ids)
            )
        )
        assert live is not None
        done = await session.scalars(
            select(DueWork).where(DueWork.kind == Kind.SIGNALS_EVAL, DueWork.due_at <= clock.now())
        )
        assert {w.status for w in done.all()} == {Status.DONE}


async def test_a_job_after_the_batch_in_the_same_session_gets_the_managers_it_asks_for(
    db: Database, clock: ManualClock
) -> None:
    """A relationship's program comes without its managers (a query each time, rarely
    needed); a job in the same transaction that needs them asks the programs repository."""
    ids = await build(db, clock, count=4)
    async with db.transaction() as session:
        batch = await health.prepare(session=session, pairs=[(i, TEAM) for i in ids], now=NOW)
        assert batch.relationships
        rel = await rel_repo.get(session=session, team_id=TEAM, relationship_id=ids[0])
        assert rel is not None
        program = await program_repo.get(session=session, team_id=TEAM, program_id=rel.program_id)
        assert program is rel.program
        assert [m.user.slack_user_id for m in program.managers] == ["UADMIN"]


async def test_the_batch_uses_the_relationships_already_in_the_session(
    db: Database, clock: ManualClock
) -> None:
    """A sweep loads its batch's relationships first: preparing the evaluation doesn't read
    them again (and reads the ones not loaded yet)."""
    ids = await build(db, clock, count=4)
    async with db.transaction() as session:
        found = await session.scalars(select(Relationship).where(Relationship.id.in_(ids[:3])))
        held = found.all()  # the session's identity map holds objects weakly
        assert len(held) == 3
        for wanted, expected_reads in ((ids[:3], 0), (ids, 1)):
            with statements(db) as seen:
                batch = await health.prepare(
                    session=session, pairs=[(i, TEAM) for i in wanted], now=NOW
                )
            assert sorted(batch.relationships) == sorted(wanted)
            reads = [s for s in seen if s.startswith("SELECT relationships.")]
            assert len(reads) == expected_reads  # only for the one not in the session yet


async def test_a_relationship_of_another_team_is_not_evaluated_from_the_batch(
    db: Database, clock: ManualClock
) -> None:
    ids = await build(db, clock, count=2)
    async with db.transaction() as session:
        batch = await health.prepare(
            session=session, pairs=[(ids[0], "T0002"), (ids[1], TEAM)], now=NOW
        )
        assert list(batch.relationships) == [ids[1]]
        assert await health.load(session=session, team_id="T0002", relationship_id=ids[0]) is None


async def test_managers_load_once_per_batch_and_never_for_one_evaluation(
    db: Database, clock: ManualClock
) -> None:
    ids = await build(db, clock)
    async with db.transaction() as session:
        with statements(db) as seen:
            batch = await health.prepare(session=session, pairs=[(i, TEAM) for i in ids], now=NOW)
            for rid in ids:
                await health.evaluate(
                    session=session, now=NOW, relationship=batch.relationships[rid], batch=batch
                )
        # The relationships' query and the open alerts' (which join their pair) load them.
        assert len([s for s in seen if "program_managers" in s]) <= 2
    async with db.transaction() as session:
        with statements(db) as seen:
            one = await health.load(session=session, team_id=TEAM, relationship_id=ids[0])
            assert one is not None
            await health.evaluate(session=session, now=NOW + timedelta(days=1), relationship=one)
        assert not [s for s in seen if "program_managers" in s]
