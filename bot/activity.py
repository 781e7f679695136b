"""The activity log: who took which step in a relationship. Signals are computed from it,
so it records actors and roles, never agenda or note text. Each event also asks for the
relationship's signals to be evaluated again (see :mod:`bot.signals.health`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scheduling.api import schedule
from scheduling.kinds import Kind
from storage.due_work import Timing
from storage.enums import ActorRole
from storage.models import ActivityEvent, Relationship, User


async def record(
    session: AsyncSession,
    relationship: Relationship,
    *,
    actor: User | None,
    role: ActorRole,
    kind: str,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> None:
    session.add(
        ActivityEvent(
            team_id=relationship.team_id,
            program_id=relationship.program_id,
            relationship_id=relationship.id,
            actor_user_id=actor.id if actor is not None else None,
            actor_role=role,
            kind=kind,
            occurred_at=now,
            data=data or {},
        )
    )
    # Signals are evaluated as events arrive: once per relationship per transaction.
    planned: set[int] = session.info.setdefault("signals_planned", set())
    if relationship.id in planned:
        return
    planned.add(relationship.id)
    await schedule(
        session=session,
        now=now,
        kind=Kind.SIGNALS_EVAL,
        key=f"signals:relationship:{relationship.id}:{uuid.uuid4().hex}",
        team_id=relationship.team_id,
        program_id=relationship.program_id,
        relationship_id=relationship.id,
        due_at=now,
        timing=Timing.IMMEDIATE,
    )


async def mentee_took_initiative(
    session: AsyncSession, *, relationship_id: int, since: datetime
) -> bool:
    """Whether the mentee took the initiative (booked, wrote an agenda, captured, answered…)
    in the relationship at or after ``since``."""
    found = await session.scalar(
        select(ActivityEvent.id)
        .where(
            ActivityEvent.relationship_id == relationship_id,
            ActivityEvent.actor_role == ActorRole.MENTEE,
            ActivityEvent.kind.in_(MENTEE_INITIATIVE),
            ActivityEvent.occurred_at >= since,
        )
        .limit(1)
    )
    return found is not None


# What counts as taking the initiative. The mentee's: booking, the agenda, capturing what was
# agreed, completing actions and answering a follow-up (and stating or reaching a goal). The
# mentor's: following up, booking, adding to the agenda and writing the notes (all of which
# the mentee should be doing).
MENTEE_INITIATIVE = frozenset(
    {
        "meeting_booked",
        "agenda_written",
        "notes_captured",
        "action_done",
        "follow_up_answered",
        "goal_set",
        "goal_achieved",
    }
)


MENTOR_INITIATIVE = frozenset(
    {"mentor_follow_up", "meeting_booked", "mentor_added_agenda", "mentor_wrote_notes"}
)
