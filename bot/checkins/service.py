"""Check-ins: "How is your mentoring going?", privately, on a 1–5 scale.

Each person is asked at day 30 of the relationship and then every 60 days (program settings
``checkin_first_days`` and ``checkin_every_days``), in their own working hours. Answers never
reach the other party. Managers see scores, and a note only when its writer chose to share it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity
from bot.activity import ActivityKind
from bot.errors import Conflict, InvalidInput, NotFound
from bot.forms import check_length
from bot.ids import CheckinField
from infra.clock import Clock
from scheduling.api import schedule
from scheduling.kinds import Kind
from storage.due_work import Delivery
from storage.enums import ActorRole
from storage.models import CheckIn, Program, Relationship, User

NOTE_MAX = 1000
SCALE = {
    1: "1 · It isn't working",
    2: "2 · Struggling",
    3: "3 · OK",
    4: "4 · Going well",
    5: "5 · Excellent",
}


def cadence(program: Program) -> tuple[int, int]:
    raw = program.settings or {}
    first, every = raw.get("checkin_first_days"), raw.get("checkin_every_days")
    return (
        first if isinstance(first, int) and first > 0 else 30,
        every if isinstance(every, int) and every > 0 else 60,
    )


STALE_AFTER = timedelta(days=21)


def due_at(relationship: Relationship, rnd: int) -> datetime | None:
    if relationship.accepted_at is None:
        return None
    first, every = cadence(relationship.program)
    return relationship.accepted_at + timedelta(days=first + every * (rnd - 1))


def stale(relationship: Relationship, rnd: int, now: datetime) -> bool:
    """A round asked three weeks late would only confuse (and pile up after a long pause)."""
    due = due_at(relationship, rnd)
    return due is not None and now > due + STALE_AFTER


async def plan(
    *, session: AsyncSession, now: datetime, relationship: Relationship, rnd: int
) -> None:
    """Ask both people for round ``rnd`` (1 is day 30, then every 60 days)."""
    due = due_at(relationship, rnd)
    if due is None:
        return
    if relationship.ends_at is not None and due >= relationship.ends_at:
        return
    for person, part in ((relationship.mentee, "mentee"), (relationship.mentor, "mentor")):
        await schedule(
            session=session,
            now=now,
            kind=Kind.CHECKIN_ASK,
            key=f"checkin:relationship:{relationship.id}:{part}:{rnd}",
            team_id=relationship.team_id,
            program_id=relationship.program_id,
            relationship_id=relationship.id,
            due_at=max(now, due),
            delivery=Delivery.WORKING_HOURS,
            recipient_id=person.slack_user_id,
            payload={"round": rnd, "to": part},
        )


async def ask(
    *, session: AsyncSession, now: datetime, relationship: Relationship, to: ActorRole, rnd: int
) -> CheckIn:
    person = relationship.mentor if to is ActorRole.MENTOR else relationship.mentee
    existing = await session.scalar(
        select(CheckIn).where(
            CheckIn.relationship_id == relationship.id,
            CheckIn.user_id == person.id,
            CheckIn.round == rnd,
        )
    )
    if existing is not None:
        return existing
    row = CheckIn(
        team_id=relationship.team_id,
        relationship_id=relationship.id,
        user_id=person.id,
        role=to,
        round=rnd,
        asked_at=now,
    )
    session.add(row)
    await session.flush()
    if to is ActorRole.MENTEE:  # one chain per relationship: the mentee's row plans the next
        await plan(session=session, now=now, relationship=relationship, rnd=rnd + 1)
    return row


async def load(*, session: AsyncSession, actor: User, checkin_id: int) -> CheckIn:
    """Only the person asked can see or answer a check-in."""
    row = await session.get(CheckIn, checkin_id)
    if row is None or row.team_id != actor.team_id or row.user_id != actor.id:
        raise NotFound("That check-in isn't yours to answer.")
    return row


def require_unanswered(row: CheckIn) -> None:
    """A check-in is answered once."""
    if row.answered_at is not None:
        raise Conflict("You've answered this check-in already. Thank you!")


async def answer(
    *,
    session: AsyncSession,
    clock: Clock,
    actor: User,
    checkin_id: int,
    score: int | None,
    note: str,
    share: bool,
) -> CheckIn:
    row = await load(session=session, actor=actor, checkin_id=checkin_id)
    errors: dict[str, str] = {}
    if score not in SCALE:
        errors[CheckinField.SCORE] = "Choose how it's going, from 1 to 5."
    note = note.strip()
    check_length(CheckinField.NOTE, note, NOTE_MAX, errors)
    if errors:
        raise InvalidInput.for_fields(errors)
    same_answer = (row.score, row.note, row.share_note) == (score, note, share)
    if row.answered_at is not None and same_answer:
        return row  # a double submit
    require_unanswered(row)
    now = clock.now()
    row.score, row.note, row.share_note, row.answered_at = score, note, share, now
    relationship = await session.get(Relationship, row.relationship_id)
    assert relationship is not None
    await activity.record(
        session=session,
        relationship=relationship,
        actor=actor,
        role=row.role,
        kind=ActivityKind.CHECKIN_ANSWERED,
        now=now,
        data={"round": row.round},  # the score lives on the check-in, never in the log
    )
    return row
