"""The manager's matching flow: compute proposals, review them (lock, drop, re-solve),
approve once, and put everyone else on the waiting list with a reason.

Computing is CPU work over the whole program, so it runs in a thread between two short
transactions (load, then save), never while holding the database.
"""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity
from bot.access import require_manager
from bot.activity import ActivityKind
from bot.audit import service as audit
from bot.audit.service import AuditAction, Subject
from bot.errors import Conflict, NotFound
from bot.matching import engine as matching
from bot.matching.engine import Person, Proposal, Rules
from bot.matching.settings import MatchingSettings
from infra.clock import Clock
from infra.db import Database
from scheduling.api import schedule
from scheduling.hours import effective_hours
from scheduling.kinds import Kind
from storage.due_work import Timing
from storage.enums import (
    ActorRole,
    EnrolmentStatus,
    MatchRunStatus,
    RelationshipStatus,
)
from storage.models import (
    Enrolment,
    MatchProposal,
    MatchRun,
    Program,
    Relationship,
    User,
)
from storage.repositories import relationships as rel_repo


@dataclass(frozen=True)
class Pool:
    """Who can be matched right now, as the matching engine sees them."""

    mentees: list[Person]
    mentors: list[Person]
    previous: frozenset[tuple[str, str]]
    enrolments: dict[int, Enrolment]


def person_of(enrolment: Enrolment, program: Program, *, capacity: int = 0) -> Person:
    user = enrolment.user
    return Person(
        key=enrolment.id,
        user=user.slack_user_id,
        skills=frozenset(enrolment.expertise if capacity else enrolment.skills_to_develop),
        department=enrolment.department,
        seniority=enrolment.seniority,
        tz=user.tz,
        hours=effective_hours(user, program),
        manager=enrolment.manager_slack_id,
        department_preference=enrolment.department_preference,
        goals=enrolment.goals,
        target_role=enrolment.target_role,
        current_role=enrolment.current_role,
        capacity=capacity,
    )


def rules_for(program: Program, now: datetime) -> Rules:
    settings = MatchingSettings.of(program)
    return Rules(
        weights=settings.weights,
        mentors_per_mentee=settings.mentors_per_mentee,
        min_overlap_hours=settings.min_overlap_hours,
        reference_date=now.date(),
    )


async def load_pool(*, session: AsyncSession, program: Program, now: datetime) -> Pool:
    """Active, present people: not left, not paused, not deactivated. Mentees already in an
    open relationship and mentors without free capacity are left out."""
    enrolments = (
        await session.scalars(
            select(Enrolment)
            .join(User, User.id == Enrolment.user_id)
            .where(
                Enrolment.team_id == program.team_id,
                Enrolment.program_id == program.id,
                Enrolment.status == EnrolmentStatus.ACTIVE,
                User.deleted.is_(False),
            )
            .order_by(Enrolment.id)
        )
    ).all()
    mentor_load, mentee_open = await rel_repo.open_counts(
        session=session, team_id=program.team_id, program_id=program.id
    )
    present = [e for e in enrolments if e.user.paused_until is None or e.user.paused_until <= now]
    mentees = [
        person_of(e, program) for e in present if e.role.mentees and e.user_id not in mentee_open
    ]
    mentors = [
        person_of(e, program, capacity=e.capacity - mentor_load.get(e.user_id, 0))
        for e in present
        if e.role.mentors and e.capacity - mentor_load.get(e.user_id, 0) > 0
    ]
    by_id = {e.user_id: e.user.slack_user_id for e in enrolments}
    pairs = await rel_repo.pairs_in_program(
        session=session, team_id=program.team_id, program_id=program.id
    )
    previous = frozenset((by_id[a], by_id[b]) for a, b in pairs if a in by_id and b in by_id)
    return Pool(mentees, mentors, previous, {e.id: e for e in enrolments})


async def start_run(*, db: Database, clock: Clock, actor: User, program_id: int) -> int:
    """Compute proposals for the whole program; returns the new draft run's id."""
    now = clock.now()
    async with db.transaction() as session:
        program = await require_manager(session=session, actor=actor, program_id=program_id)
        pool = await load_pool(session=session, program=program, now=now)
        rules = rules_for(program, now)
    proposal = await asyncio.to_thread(
        matching.propose, pool.mentees, pool.mentors, rules, previous=pool.previous
    )
    async with db.transaction() as session:
        for old in await rel_repo.draft_runs(
            session=session, team_id=actor.team_id, program_id=program_id
        ):
            old.status = MatchRunStatus.CANCELLED
        run = MatchRun(
            team_id=actor.team_id,
            program_id=program_id,
            created_by=actor.id,
            status=MatchRunStatus.DRAFT,
            unmatched=_unmatched(proposal, pool.enrolments),
            created_at=now,
            updated_at=now,
        )
        run.proposals = [_proposal_row(p) for p in proposal.pairs]
        session.add(run)
        await session.flush()
        return run.id


async def resolve(*, db: Database, clock: Clock, actor: User, run_id: int) -> None:
    """Re-solve keeping locked pairs and never proposing dropped ones."""
    now = clock.now()
    async with db.transaction() as session:
        run = await _draft_run(session, actor, run_id)
        program = run.program
        pool = await load_pool(session=session, program=program, now=now)
        locked = frozenset(
            (p.mentee_enrolment_id, p.mentor_enrolment_id)
            for p in run.proposals
            if p.locked and not p.dropped
        )
        forbidden = frozenset(
            (p.mentee_enrolment_id, p.mentor_enrolment_id) for p in run.proposals if p.dropped
        )
        rules = rules_for(program, now)
    proposal = await asyncio.to_thread(
        matching.propose,
        pool.mentees,
        pool.mentors,
        rules,
        previous=pool.previous,
        locked=locked,
        forbidden=forbidden,
    )
    async with db.transaction() as session:
        run = await _draft_run(session, actor, run_id)
        await session.execute(
            delete(MatchProposal).where(
                MatchProposal.run_id == run.id,
                MatchProposal.locked.is_(False),
                MatchProposal.dropped.is_(False),
            )
        )
        kept = {
            (p.mentee_enrolment_id, p.mentor_enrolment_id)
            for p in run.proposals
            if p.locked or p.dropped
        }
        for pair in proposal.pairs:
            if (pair.mentee, pair.mentor) not in kept:
                row = _proposal_row(pair)
                row.run_id = run.id
                session.add(row)
        run.unmatched = _unmatched(proposal, pool.enrolments)
        run.updated_at = now
        await session.flush()
        session.expire(run, ["proposals"])


async def set_pair(
    *, session: AsyncSession, actor: User, run_id: int, proposal_id: int, action: str
) -> MatchProposal:
    """Lock, unlock or drop one proposed pair."""
    run = await _draft_run(session, actor, run_id)
    proposal = next((p for p in run.proposals if p.id == proposal_id), None)
    if proposal is None:
        raise NotFound("That pair is no longer in this proposal.")
    if action == "lock":
        proposal.locked, proposal.dropped = True, False
    elif action == "unlock":
        proposal.locked = False
    elif action == "drop":
        proposal.dropped, proposal.locked = True, False
    else:
        raise NotFound("Unknown choice.")
    await session.flush()
    return proposal


async def cancel(*, session: AsyncSession, clock: Clock, actor: User, run_id: int) -> None:
    run = await _draft_run(session, actor, run_id)
    run.status = MatchRunStatus.CANCELLED
    run.updated_at = clock.now()


@dataclass(frozen=True)
class Approval:
    run: MatchRun
    created: list[Relationship]
    already_approved: bool


async def approve(*, session: AsyncSession, clock: Clock, actor: User, run_id: int) -> Approval:
    """Create the relationships, schedule their introductions and the waiting list notices.

    Idempotent: a second approval (a double click, a Slack retry) finds the run approved and
    creates nothing. The run row is locked first, so concurrent approvals serialise.
    """
    # Lock the bare row (its eager joins can't be locked on PostgreSQL), then load it.
    locked = await session.scalar(
        select(MatchRun.id)
        .where(MatchRun.id == run_id, MatchRun.team_id == actor.team_id)
        .with_for_update()
    )
    run = (
        await session.get(MatchRun, locked, populate_existing=True) if locked is not None else None
    )
    if run is None:
        raise NotFound("That proposal no longer exists.")
    program = await require_manager(session=session, actor=actor, program_id=run.program_id)
    if run.status is MatchRunStatus.APPROVED:
        return Approval(run, [], already_approved=True)
    if run.status is MatchRunStatus.CANCELLED:
        raise Conflict("That proposal was cancelled or replaced by a newer one.")
    now = clock.now()
    settings = MatchingSettings.of(program)
    open_pairs = {
        (r.mentee_user_id, r.mentor_user_id)
        for r in await rel_repo.by_status(
            session=session,
            team_id=program.team_id,
            program_id=program.id,
            statuses=tuple(rel_repo.OPEN),
        )
    }
    created: list[Relationship] = []
    for proposal in run.proposals:
        if proposal.dropped:
            continue
        mentee, mentor = proposal.mentee, proposal.mentor
        if (mentee.user_id, mentor.user_id) in open_pairs:
            continue
        relationship = Relationship(
            team_id=program.team_id,
            program_id=program.id,
            mentee_user_id=mentee.user_id,
            mentor_user_id=mentor.user_id,
            mentee_enrolment_id=mentee.id,
            mentor_enrolment_id=mentor.id,
            proposal_id=proposal.id,
            source="match",
            match_reasons=list(proposal.reasons),
            status=RelationshipStatus.AWAITING_MENTOR,
            created_at=now,
            updated_at=now,
        )
        session.add(relationship)
        created.append(relationship)
        mentee.waitlisted_at = None
        mentee.waitlist_reason = ""
    await session.flush()
    for relationship in created:
        await introduce(session=session, now=now, relationship=relationship, settings=settings)
        await activity.record(
            session=session,
            relationship=relationship,
            actor=actor,
            role=ActorRole.MANAGER,
            kind=ActivityKind.MATCHED,
            now=now,
        )
    await _waitlist(session=session, now=now, program=program, unmatched=run.unmatched)
    run.status = MatchRunStatus.APPROVED
    run.approved_at = now
    run.updated_at = now
    await audit.record(
        session=session,
        now=now,
        actor=actor,
        action=AuditAction.MATCH_APPROVED,
        subject=Subject.match_run(run.id),
        program_id=program.id,
        details={"pairs": len(created), "waitlisted": len(run.unmatched)},
    )
    await session.flush()
    return Approval(run, created, already_approved=False)


async def introduce(
    *,
    session: AsyncSession,
    now: datetime,
    relationship: Relationship,
    settings: MatchingSettings,
) -> None:
    """Schedule the introduction, the mentor's reminder and the request's expiry."""
    common = {
        "session": session,
        "now": now,
        "team_id": relationship.team_id,
        "program_id": relationship.program_id,
        "relationship_id": relationship.id,
    }
    await schedule(
        **common,  # type: ignore[arg-type]
        kind=Kind.INTRO_SEND,
        key=f"intro:relationship:{relationship.id}",
        due_at=now,
        timing=Timing.IMMEDIATE,
    )
    mentor = await session.get(User, relationship.mentor_user_id)
    assert mentor is not None
    await schedule(
        **common,  # type: ignore[arg-type]
        kind=Kind.INTRO_REMIND,
        key=f"intro-remind:relationship:{relationship.id}",
        due_at=now + timedelta(days=settings.accept_reminder_days),
        timing=Timing.WORKING_HOURS,
        recipient_id=mentor.slack_user_id,
    )
    await schedule(
        **common,  # type: ignore[arg-type]
        kind=Kind.INTRO_EXPIRE,
        key=f"intro-expire:relationship:{relationship.id}",
        due_at=now + timedelta(days=settings.accept_expiry_days),
        timing=Timing.IMMEDIATE,
    )


async def _waitlist(
    *, session: AsyncSession, now: datetime, program: Program, unmatched: list[dict[str, object]]
) -> None:
    for entry in unmatched:
        enrolment = await session.get(Enrolment, int(str(entry["enrolment_id"])))
        if enrolment is None or enrolment.program_id != program.id:
            continue
        if enrolment.waitlisted_at is None:
            enrolment.waitlisted_at = now
        enrolment.waitlist_reason = str(entry["reason"])[:300]
        await schedule(
            session=session,
            now=now,
            kind=Kind.WAITLIST_NOTICE,
            key=f"waitlist:enrolment:{enrolment.id}:{int(now.timestamp())}",
            team_id=program.team_id,
            program_id=program.id,
            recipient_id=enrolment.user.slack_user_id,
            due_at=now,
            timing=Timing.WORKING_HOURS,
            payload={"enrolment_id": enrolment.id},
        )


def in_the_pool(enrolment: Enrolment) -> bool:
    """Whether the person is still waiting to be matched: on the waiting list (a round left
    them out, or their mentor declined or never answered) and still in the program."""
    return enrolment.waitlisted_at is not None and enrolment.status is EnrolmentStatus.ACTIVE


async def waitlist_position(*, session: AsyncSession, enrolment: Enrolment) -> int:
    """1-based place on the program's waiting list (first come, first served)."""
    if enrolment.waitlisted_at is None:
        return 0
    earlier = await session.scalars(
        select(Enrolment.id).where(
            Enrolment.program_id == enrolment.program_id,
            Enrolment.status == EnrolmentStatus.ACTIVE,
            Enrolment.waitlisted_at.is_not(None),
            Enrolment.waitlisted_at < enrolment.waitlisted_at,
        )
    )
    return len(earlier.all()) + 1


async def load_run(*, session: AsyncSession, actor: User, run_id: int) -> MatchRun:
    """A run the actor may review (any status)."""
    run = await rel_repo.run(session=session, team_id=actor.team_id, run_id=run_id)
    if run is None:
        raise NotFound("That proposal no longer exists.")
    await require_manager(session=session, actor=actor, program_id=run.program_id)
    return run


async def _draft_run(session: AsyncSession, actor: User, run_id: int) -> MatchRun:
    run = await load_run(session=session, actor=actor, run_id=run_id)
    if run.status is not MatchRunStatus.DRAFT:
        raise Conflict("That proposal was already approved or cancelled.")
    return run


def _proposal_row(pair: matching.Pair) -> MatchProposal:
    return MatchProposal(
        mentee_enrolment_id=pair.mentee,
        mentor_enrolment_id=pair.mentor,
        score=round(pair.score, 2),
        reasons=list(pair.reasons),
        locked=False,
        dropped=False,
    )


def _unmatched(proposal: Proposal, enrolments: dict[int, Enrolment]) -> list[dict[str, object]]:
    """The left-out mentees as stored on the run, with their names as of this review."""
    return [
        {
            "enrolment_id": u.mentee,
            "name": enrolments[u.mentee].user.display if u.mentee in enrolments else "",
            "reason": u.reason,
            "missing": list(u.missing),
        }
        for u in proposal.unmatched
    ]


def proposals_csv(run: MatchRun, names: dict[int, str]) -> bytes:
    """The review as CSV: every pair with its score and reasons, then the unmatched.
    ``names`` maps enrolment ids to display names."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["mentee", "mentor", "score", "status", "reasons"])
    for p in run.proposals:
        status = "dropped" if p.dropped else "locked" if p.locked else "proposed"
        writer.writerow(
            [
                names.get(p.mentee_enrolment_id, ""),
                names.get(p.mentor_enrolment_id, ""),
                f"{p.score:.0f}",
                status,
                " · ".join(p.reasons),
            ]
        )
    for entry in run.unmatched:
        writer.writerow(
            [entry.get("name", entry["enrolment_id"]), "", "", "unmatched", entry["reason"]]
        )
    return out.getvalue().encode("utf-8")
