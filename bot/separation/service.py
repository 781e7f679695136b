"""Separation: wrapping up well.

Two weeks before the end date both people are asked to wrap up: were the goals met? They can
**Extend** (a new end date, which the other must agree to) or **Close**. Closing asks for a
short survey (outcome, goals met, would recommend), prompts the mentee to thank the mentor,
and moves the relationship to ``closed``. Either person can end early with `/mentor end`,
giving a reason: the other is told kindly, the managers privately, and the end is marked as
unilateral.
"""

from __future__ import annotations

from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity
from bot.access import membership
from bot.activity import ActivityKind
from bot.errors import Conflict, InvalidInput
from bot.forms import check_length
from bot.ids import SeparationField as F
from bot.separation.wrapup import WRAP_UP_LEAD, plan_wrap_up
from infra.clock import Clock
from infra.windows import local_date, zone
from scheduling.api import cancel_where, tell_pair
from scheduling.kinds import Kind
from storage.enums import LIVE_RELATIONSHIP_STATUSES as LIVE
from storage.enums import ActorRole, RelationshipStatus
from storage.models import ClosingSurvey, Relationship, User

EXTEND_MAX = relativedelta(months=12)
REASON_MAX = 500
THANKS_MAX = 1000
OUTCOMES = {
    "achieved": "We achieved what we set out to",
    "partly": "We made real progress",
    "not_really": "It didn't work out",
}
GOALS_MET = {"yes": "Yes", "partly": "Partly", "no": "No"}


async def enter_separation(
    *, session: AsyncSession, now: datetime, relationship: Relationship
) -> bool:
    """The wrap-up has come: the relationship moves to its separation stage. Not when the
    wrap-up was planned for an end date that has moved since (an extension agreed while it
    waited for someone's working hours): the new end has its own."""
    if relationship.ends_at is None or now < relationship.ends_at - WRAP_UP_LEAD:
        return False
    if relationship.status not in (RelationshipStatus.INITIATION, RelationshipStatus.CULTIVATION):
        return relationship.status is RelationshipStatus.SEPARATION
    relationship.status = RelationshipStatus.SEPARATION
    relationship.updated_at = now
    await activity.record(
        session=session,
        relationship=relationship,
        actor=None,
        role=ActorRole.SYSTEM,
        kind=ActivityKind.SEPARATION_STARTED,
        now=now,
    )
    return True


def require_extendable(relationship: Relationship) -> datetime:
    """A relationship that is still live can be extended. Returns when it ends now."""
    if relationship.status not in LIVE or relationship.ends_at is None:
        raise Conflict("That mentoring relationship has ended.")
    return relationship.ends_at


async def propose_extension(
    *, session: AsyncSession, clock: Clock, actor: User, relationship_id: int, new_end: date | None
) -> Relationship:
    member = await membership(session=session, actor=actor, relationship_id=relationship_id)
    relationship = member.relationship
    ends_at = require_extendable(relationship)
    current = local_date(ends_at, actor.tz)
    if new_end is None:
        raise InvalidInput.for_fields({F.NEW_END: "Pick the new end date."})
    if new_end <= current:
        raise InvalidInput.for_fields({F.NEW_END: f"Pick a date after {current:%d %b %Y}."})
    if new_end > current + EXTEND_MAX:
        raise InvalidInput.for_fields({F.NEW_END: "Extend by up to a year at a time."})
    now = clock.now()
    if relationship.extend_to == new_end and relationship.extend_by_role is member.role:
        return relationship  # a double submit
    relationship.extend_to = new_end
    relationship.extend_by_role = member.role
    relationship.updated_at = now
    await activity.record(
        session=session,
        relationship=relationship,
        actor=actor,
        role=member.role,
        kind=ActivityKind.EXTENSION_PROPOSED,
        now=now,
        data={"until": new_end.isoformat()},
    )
    await _notice(session=session, now=now, relationship=relationship, event="extension_proposed")
    return relationship


async def answer_extension(
    *, session: AsyncSession, clock: Clock, actor: User, relationship_id: int, agree: bool
) -> Relationship:
    member = await membership(session=session, actor=actor, relationship_id=relationship_id)
    relationship = member.relationship
    if relationship.extend_to is None:
        raise Conflict("There's no extension waiting for an answer.")
    if relationship.extend_by_role is member.role:
        raise Conflict("You proposed it: your partner agrees or declines.")
    now = clock.now()
    until = relationship.extend_to
    relationship.extend_to, relationship.extend_by_role = None, None
    if agree:
        assert relationship.ends_at is not None
        wall = relationship.ends_at.astimezone(zone(relationship.program.timezone))
        relationship.ends_at = wall.replace(
            year=until.year, month=until.month, day=until.day
        ).astimezone(relationship.ends_at.tzinfo)
        if relationship.status is RelationshipStatus.SEPARATION:
            relationship.status = RelationshipStatus.CULTIVATION
        await plan_wrap_up(session=session, now=now, relationship=relationship)
    relationship.updated_at = now
    await activity.record(
        session=session,
        relationship=relationship,
        actor=actor,
        role=member.role,
        kind=ActivityKind.EXTENSION_AGREED if agree else ActivityKind.EXTENSION_DECLINED,
        now=now,
        data={"until": until.isoformat()},
    )
    await _notice(
        session=session,
        now=now,
        relationship=relationship,
        event="extended" if agree else "extension_declined",
    )
    return relationship


async def close(
    *,
    session: AsyncSession,
    clock: Clock,
    actor: User,
    relationship_id: int,
    outcome: str | None,
    goals_met: str | None,
    recommend: bool | None,
    thanks: str = "",
) -> Relationship:
    """Close well: the closing survey, then ``closed``. The second person's survey after the
    close is stored too (the relationship is already closed)."""
    member = await membership(session=session, actor=actor, relationship_id=relationship_id)
    relationship = member.relationship
    errors: dict[str, str] = {}
    if outcome not in OUTCOMES:
        errors[F.OUTCOME] = "How did it go overall?"
    if goals_met not in GOALS_MET:
        errors[F.GOALS_MET] = "Were the goals met?"
    if recommend is None:
        errors[F.RECOMMEND] = "Would you recommend mentoring here?"
    thanks = thanks.strip()
    check_length(F.THANKS, thanks, THANKS_MAX, errors)
    if errors:
        raise InvalidInput.for_fields(errors)
    assert outcome is not None and goals_met is not None and recommend is not None
    if relationship.status not in LIVE and relationship.status is not RelationshipStatus.CLOSED:
        raise Conflict("That mentoring relationship has ended.")
    now = clock.now()
    existing = await session.scalar(
        select(ClosingSurvey).where(
            ClosingSurvey.relationship_id == relationship.id, ClosingSurvey.user_id == actor.id
        )
    )
    if existing is None:
        session.add(
            ClosingSurvey(
                team_id=relationship.team_id,
                relationship_id=relationship.id,
                user_id=actor.id,
                role=member.role,
                outcome=outcome,
                goals_met=goals_met,
                recommend=recommend,
                created_at=now,
            )
        )
    if relationship.status is RelationshipStatus.CLOSED:
        return relationship
    relationship.status = RelationshipStatus.CLOSED
    relationship.ended_at = now
    relationship.ended_by_role = member.role
    relationship.updated_at = now
    await activity.record(
        session=session,
        relationship=relationship,
        actor=actor,
        role=member.role,
        kind=ActivityKind.RELATIONSHIP_CLOSED,
        now=now,
        data={"outcome": outcome, "goals_met": goals_met},
    )
    await _wind_down(session=session, now=now, relationship=relationship)
    await _notice(
        session=session,
        now=now,
        relationship=relationship,
        event="closed",
        thanks=thanks if member.role is ActorRole.MENTEE else "",
    )
    return relationship


async def end_early(
    *, session: AsyncSession, clock: Clock, actor: User, relationship_id: int, reason: str
) -> Relationship:
    member = await membership(session=session, actor=actor, relationship_id=relationship_id)
    relationship = member.relationship
    reason = reason.strip()
    if not reason:
        raise InvalidInput.for_fields({F.REASON: "Say briefly why: only the managers see it."})
    check_length(F.REASON, reason, REASON_MAX)
    if relationship.status not in LIVE:
        if relationship.status is RelationshipStatus.CLOSED:
            return relationship  # a double submit
        raise Conflict("That mentoring relationship has ended.")
    now = clock.now()
    relationship.status = RelationshipStatus.CLOSED
    relationship.ended_at = now
    relationship.ended_by_role = member.role
    relationship.unilateral = True
    relationship.end_reason = reason
    relationship.updated_at = now
    await activity.record(
        session=session,
        relationship=relationship,
        actor=actor,
        role=member.role,
        kind=ActivityKind.ENDED_EARLY,
        now=now,
    )
    await _wind_down(session=session, now=now, relationship=relationship)
    await _notice(session=session, now=now, relationship=relationship, event="ended_early")
    return relationship


async def end_for_departure(
    *, session: AsyncSession, now: datetime, relationship: Relationship, leaving: ActorRole
) -> bool:
    """``leaving`` (the mentee or the mentor) is leaving the program for good: erasing their
    data, or deactivated in Slack. A live relationship ends early as if they had ended it,
    with no reason kept: the partner is told kindly, without detail, and the managers that
    they left the program. A request still waiting for the mentor is withdrawn quietly.
    Returns whether it was open. Safe to repeat."""
    if not relationship.status.is_open:
        return False
    live = relationship.status.is_live
    relationship.status = RelationshipStatus.CLOSED if live else RelationshipStatus.CANCELLED
    relationship.ended_at = now
    relationship.ended_by_role = leaving
    relationship.unilateral = live
    relationship.end_reason = ""
    relationship.updated_at = now
    await activity.record(
        session=session,
        relationship=relationship,
        actor=None,
        role=leaving,
        kind=ActivityKind.ENDED_EARLY,
        now=now,
        data={"left": True},
    )
    await _wind_down(session=session, now=now, relationship=relationship)
    if live:
        await _notice(session=session, now=now, relationship=relationship, event="left")
    return True


async def _wind_down(*, session: AsyncSession, now: datetime, relationship: Relationship) -> None:
    """No more prompts or reminders for a relationship that has ended."""
    await cancel_where(
        session=session, now=now, team_id=relationship.team_id, relationship_id=relationship.id
    )


async def _notice(
    *,
    session: AsyncSession,
    now: datetime,
    relationship: Relationship,
    event: str,
    thanks: str = "",
) -> None:
    await tell_pair(
        session=session,
        now=now,
        kind=Kind.SEPARATION_NOTICE,
        key=f"separation:{event}:relationship:{relationship.id}:{int(now.timestamp())}",
        relationship=relationship,
        payload={"event": event, "thanks": thanks},
    )
