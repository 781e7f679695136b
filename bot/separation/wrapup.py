"""When to ask a pair to wrap up: two weeks before their end date (again after an
extension). Kept apart from :mod:`bot.separation` so accepting a match can plan it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from scheduling.api import schedule
from scheduling.kinds import Kind
from storage.due_work import Delivery
from storage.models import Relationship

WRAP_UP_LEAD = timedelta(days=14)


async def plan_wrap_up(*, session: AsyncSession, now: datetime, relationship: Relationship) -> None:
    """Ask both to wrap up two weeks before the end date (again after an extension)."""
    if relationship.ends_at is None:
        return
    at = max(now, relationship.ends_at - WRAP_UP_LEAD)
    end = relationship.ends_at.date().isoformat()
    for person, part in ((relationship.mentee, "mentee"), (relationship.mentor, "mentor")):
        await schedule(
            session=session,
            now=now,
            kind=Kind.WRAP_UP,
            key=f"wrap-up:relationship:{relationship.id}:{end}:{part}",
            team_id=relationship.team_id,
            program_id=relationship.program_id,
            relationship_id=relationship.id,
            due_at=at,
            delivery=Delivery.WORKING_HOURS,
            recipient_id=person.slack_user_id,
            payload={"to": part},
        )
