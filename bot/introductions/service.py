"""A relationship's first stage: the mentor accepts or declines, or the request expires;
and self-serve requests from `/mentor find`.

Stages: proposed → awaiting mentor → initiation (accepted) → cultivation (agreement signed
and first meeting held) → separation → closed. Declined, expired and cancelled end it early.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity
from bot.access import membership
from bot.activity import ActivityKind
from bot.checkins import service as checkins
from bot.errors import Conflict, NotAllowed, NotFound
from bot.forms import check_length
from bot.ids import DeclineField
from bot.matching import engine as matching
from bot.matching.review import introduce, load_pool, person_of, rules_for
from bot.matching.settings import MatchingSettings
from bot.separation import wrapup
from infra.clock import Clock
from infra.text import escape
from scheduling.api import cancel, schedule
from scheduling.kinds import Kind
from storage.due_work import Timing
from storage.enums import ActorRole, RelationshipStatus
from storage.models import Enrolment, Relationship, User
from storage.repositories import enrolments as enrolment_repo
from storage.repositories import programs as program_repo

DECLINE_REASON_MAX = 500


async def accept(
    *, session: AsyncSession, clock: Clock, actor: User, relationship_id: int
) -> Relationship:
    member = await membership(session=session, actor=actor, relationship_id=relationship_id)
    relationship = member.relationship
    if member.role is not ActorRole.MENTOR:
        raise NotAllowed(
            f"Only {escape(relationship.mentor.display)} can accept: it's the mentor's decision."
        )
    if relationship.status is not RelationshipStatus.AWAITING_MENTOR:
        if relationship.accepted_at is not None:
            return relationship  # a double click: already accepted
        raise Conflict("This request is no longer waiting for an answer.")
    now = clock.now()
    relationship.status = RelationshipStatus.INITIATION
    relationship.accepted_at = now
    relationship.started_at = now
    months = relationship.program.relationship_months
    relationship.ends_at = now + relativedelta(months=months)
    relationship.updated_at = now
    await _close_request(session=session, now=now, relationship=relationship)
    await activity.record(
        session=session,
        relationship=relationship,
        actor=actor,
        role=ActorRole.MENTOR,
        kind=ActivityKind.MENTOR_ACCEPTED,
        now=now,
    )
    await checkins.plan(session=session, now=now, relationship=relationship, rnd=1)
    await wrapup.plan_wrap_up(session=session, now=now, relationship=relationship)
    await _notify(session=session, now=now, relationship=relationship, event="accepted")
    return relationship


def require_decliner(role: ActorRole) -> None:
    """The mentor accepts or declines an introduction."""
    if role is not ActorRole.MENTOR:
        raise NotAllowed("Only the mentor can decline.")


async def decline(
    *, session: AsyncSession, clock: Clock, actor: User, relationship_id: int, reason: str
) -> Relationship:
    member = await membership(session=session, actor=actor, relationship_id=relationship_id)
    relationship = member.relationship
    require_decliner(member.role)
    check_length(DeclineField.REASON, reason, DECLINE_REASON_MAX)
    if relationship.status is not RelationshipStatus.AWAITING_MENTOR:
        if relationship.declined_at is not None:
            return relationship
        raise Conflict("This request is no longer waiting for an answer.")
    now = clock.now()
    relationship.status = RelationshipStatus.DECLINED
    relationship.declined_at = now
    relationship.ended_at = now
    relationship.decline_reason = reason.strip()
    relationship.updated_at = now
    await _unanswered(
        session=session,
        now=now,
        relationship=relationship,
        by=(actor, ActorRole.MENTOR, ActivityKind.MENTOR_DECLINED),
        why="your mentor couldn't take this on",
        event="declined",
    )
    return relationship


async def withdraw_for_departure(
    *, session: AsyncSession, now: datetime, relationship: Relationship
) -> bool:
    """The mentor a request waits for is leaving the program for good (erasing their data,
    or deactivated in Slack): the request ends as a decline with no reason, and the mentee
    goes back to the pool, told kindly. Returns False if it was no longer waiting."""
    if relationship.status is not RelationshipStatus.AWAITING_MENTOR:
        return False
    relationship.status = RelationshipStatus.DECLINED
    relationship.declined_at = now
    relationship.ended_at = now
    relationship.decline_reason = ""
    relationship.updated_at = now
    await _unanswered(
        session=session,
        now=now,
        relationship=relationship,
        by=(None, ActorRole.MENTOR, ActivityKind.MENTOR_DECLINED),
        why="your mentor is no longer taking part in the program",
        event="declined",
    )
    return True


async def expire(*, session: AsyncSession, now: datetime, relationship: Relationship) -> bool:
    """The mentor never answered. Returns False if the request was already settled."""
    if relationship.status is not RelationshipStatus.AWAITING_MENTOR:
        return False
    relationship.status = RelationshipStatus.EXPIRED
    relationship.ended_at = now
    relationship.updated_at = now
    await _unanswered(
        session=session,
        now=now,
        relationship=relationship,
        by=(None, ActorRole.SYSTEM, ActivityKind.REQUEST_EXPIRED),
        why="your mentor didn't answer in time",
        event="expired",
    )
    return True


async def _unanswered(
    *,
    session: AsyncSession,
    now: datetime,
    relationship: Relationship,
    by: tuple[User | None, ActorRole, ActivityKind],
    why: str,
    event: str,
) -> None:
    """A request that ends without a pair (declined, or expired): its prompts close, the
    mentee goes back to the pool knowing ``why``, the log records who ended it, and the
    mentee and the managers are told."""
    actor, role, kind = by
    await _close_request(session=session, now=now, relationship=relationship)
    await _back_to_pool(session=session, now=now, relationship=relationship, reason=why)
    await activity.record(
        session=session, relationship=relationship, actor=actor, role=role, kind=kind, now=now
    )
    await _notify(session=session, now=now, relationship=relationship, event=event)


async def find_mentors(
    *, session: AsyncSession, clock: Clock, actor: User, program_id: int | None
) -> tuple[int, list[matching.Pair], dict[int, Enrolment]]:
    """Self-serve: the three best available mentors for the actor (a mentee)."""
    enrolment = await _self_serve_enrolment(session=session, actor=actor, program_id=program_id)
    program = enrolment.program
    now = clock.now()
    pool = await load_pool(session=session, program=program, now=now)
    if all(m.key != enrolment.id for m in pool.mentees):
        raise Conflict(
            "You already have a mentor (or a request waiting for an answer) in "
            f"{escape(program.name)}."
        )
    me = person_of(enrolment, program)
    top = matching.top_mentors(
        me, pool.mentors, rules_for(program, now), n=3, previous=pool.previous
    )
    return program.id, top, pool.enrolments


async def request_mentor(
    *, session: AsyncSession, clock: Clock, actor: User, program_id: int, mentor_enrolment_id: int
) -> Relationship:
    """A mentee asks a mentor directly; the mentor accepts or declines as usual."""
    program_id, top, enrolments = await find_mentors(
        session=session, clock=clock, actor=actor, program_id=program_id
    )
    # Only a mentor the mentee was actually offered, and still available, can be asked.
    pair = next((p for p in top if p.mentor == mentor_enrolment_id), None)
    if pair is None:
        raise Conflict("That mentor is no longer available. Run `/mentor find` again.")
    mentee = next(e for e in enrolments.values() if e.user_id == actor.id and e.role.mentees)
    mentor = enrolments[mentor_enrolment_id]
    now = clock.now()
    relationship = Relationship(
        team_id=actor.team_id,
        program_id=program_id,
        mentee_user_id=actor.id,
        mentor_user_id=mentor.user_id,
        mentee_enrolment_id=mentee.id,
        mentor_enrolment_id=mentor.id,
        source="self_serve",
        match_reasons=list(pair.reasons),
        status=RelationshipStatus.AWAITING_MENTOR,
        created_at=now,
        updated_at=now,
    )
    session.add(relationship)
    mentee.waitlisted_at = None
    await session.flush()
    await session.refresh(relationship, attribute_names=["program", "mentor", "mentee"])
    await introduce(
        session=session,
        now=now,
        relationship=relationship,
        settings=MatchingSettings.of(relationship.program),
    )
    await activity.record(
        session=session,
        relationship=relationship,
        actor=actor,
        role=ActorRole.MENTEE,
        kind=ActivityKind.MENTEE_REQUESTED_MENTOR,
        now=now,
    )
    return relationship


async def _self_serve_enrolment(
    *, session: AsyncSession, actor: User, program_id: int | None
) -> Enrolment:
    enrolments = [
        e
        for e in await enrolment_repo.for_user(
            session=session, team_id=actor.team_id, user_id=actor.id
        )
        if e.role.mentees and (program_id is None or e.program_id == program_id)
    ]
    if not enrolments:
        raise NotFound("Join a program as a mentee first: `/mentor join`.")
    open_ones = [e for e in enrolments if MatchingSettings.of(e.program).self_serve]
    if not open_ones:
        names = escape(", ".join(e.program.name for e in enrolments))
        raise NotAllowed(
            f"In {names}, program managers make the matches: you're on their list. "
            "(A manager can turn on self-serve matching.)"
        )
    return open_ones[0]


async def _close_request(
    *, session: AsyncSession, now: datetime, relationship: Relationship
) -> None:
    for key in (
        f"intro-remind:relationship:{relationship.id}",
        f"intro-expire:relationship:{relationship.id}",
    ):
        await cancel(session=session, now=now, key=key)


async def _back_to_pool(
    *, session: AsyncSession, now: datetime, relationship: Relationship, reason: str
) -> None:
    if relationship.mentee_enrolment_id is None:
        return
    enrolment = await session.get(Enrolment, relationship.mentee_enrolment_id)
    if enrolment is not None:
        enrolment.waitlisted_at = enrolment.waitlisted_at or now
        enrolment.waitlist_reason = reason


async def _notify(
    *, session: AsyncSession, now: datetime, relationship: Relationship, event: str
) -> None:
    """Update the introduction and alert the managers at once; tell the mentee in their
    own working hours."""
    common: dict[str, Any] = {
        "session": session,
        "now": now,
        "kind": Kind.RELATIONSHIP_NOTICE,
        "team_id": relationship.team_id,
        "program_id": relationship.program_id,
        "relationship_id": relationship.id,
        "due_at": now,
    }
    await schedule(
        **common,
        key=f"notice:{event}:relationship:{relationship.id}",
        timing=Timing.IMMEDIATE,
        payload={"event": event, "to": "pair"},
    )
    mentee = await session.get(User, relationship.mentee_user_id)
    await schedule(
        **common,
        key=f"notice:{event}:mentee:relationship:{relationship.id}",
        timing=Timing.WORKING_HOURS,
        recipient_id=mentee.slack_user_id if mentee else None,
        payload={"event": event, "to": "mentee"},
    )


async def program_managers(*, session: AsyncSession, team_id: str, program_id: int) -> list[str]:
    program = await program_repo.get(session=session, team_id=team_id, program_id=program_id)
    return [m.user.slack_user_id for m in program.managers] if program else []
