"""The mentor's **Follow up with my mentee**, and the mentee's update in reply.

A follow-up asks the bot to nudge the mentee neutrally; it never says the mentor is
worried. Every use is a mentor follow-up event: the signals count it. The mentee answering
(an update, or simply booking, writing an agenda or capturing) is their initiative.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity
from bot.access import membership
from bot.activity import ActivityKind
from bot.errors import Conflict, InvalidInput, NotAllowed
from bot.forms import check_length
from bot.ids import UpdateField
from infra.clock import Clock
from scheduling.api import schedule, tell_pair
from scheduling.kinds import Kind
from storage.due_work import Timing
from storage.enums import LIVE_RELATIONSHIP_STATUSES as LIVE
from storage.enums import ActorRole
from storage.models import ActivityEvent, Relationship, User

ONCE_PER = timedelta(hours=24)
UPDATE_MAX = 1500


async def follow_up(
    *, session: AsyncSession, clock: Clock, actor: User, relationship_id: int
) -> tuple[Relationship, bool]:
    """Returns the relationship and whether a new nudge was planned (one a day at most)."""
    member = await membership(session=session, actor=actor, relationship_id=relationship_id)
    relationship = member.relationship
    if member.role is not ActorRole.MENTOR:
        raise Conflict("This is for mentors. You lead: book a meeting with `/mentor meet`.")
    if relationship.status not in LIVE:
        raise Conflict("That mentoring relationship isn't active.")
    now = clock.now()
    recent = await session.scalar(
        select(ActivityEvent.id).where(
            ActivityEvent.relationship_id == relationship.id,
            ActivityEvent.kind == ActivityKind.MENTOR_FOLLOW_UP,
            ActivityEvent.occurred_at > now - ONCE_PER,
        )
    )
    if recent is not None:
        return relationship, False
    await activity.record(
        session=session,
        relationship=relationship,
        actor=actor,
        role=ActorRole.MENTOR,
        kind=ActivityKind.MENTOR_FOLLOW_UP,
        now=now,
    )
    await schedule(
        session=session,
        now=now,
        kind=Kind.FOLLOW_UP_NUDGE,
        key=f"follow-up:relationship:{relationship.id}:{int(now.timestamp())}",
        team_id=relationship.team_id,
        program_id=relationship.program_id,
        relationship_id=relationship.id,
        due_at=now,
        timing=Timing.WORKING_HOURS,
        recipient_id=relationship.mentee.slack_user_id,
    )
    return relationship, True


def require_update_sender(role: ActorRole) -> None:
    """Updates go from the mentee to the mentor."""
    if role is not ActorRole.MENTEE:
        raise NotAllowed("Updates go from the mentee to the mentor.")


async def send_update(
    *, session: AsyncSession, clock: Clock, actor: User, relationship_id: int, text: str
) -> Relationship:
    """The mentee's update to the mentor: posted to the pair, counted as their initiative."""
    member = await membership(session=session, actor=actor, relationship_id=relationship_id)
    relationship = member.relationship
    require_update_sender(member.role)
    text = text.strip()
    if not text:
        raise InvalidInput.for_fields({UpdateField.TEXT: "Write a line or two for your mentor."})
    check_length(UpdateField.TEXT, text, UPDATE_MAX)
    now = clock.now()
    await activity.record(
        session=session,
        relationship=relationship,
        actor=actor,
        role=ActorRole.MENTEE,
        kind=ActivityKind.FOLLOW_UP_ANSWERED,
        now=now,
    )
    await tell_pair(
        session=session,
        now=now,
        kind=Kind.MENTEE_UPDATE,
        key=f"mentee-update:relationship:{relationship.id}:{int(now.timestamp())}",
        relationship=relationship,
        payload={"text": text},
    )
    return relationship
