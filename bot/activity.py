"""The activity log: who took which step in a relationship. Signals are computed from it,
so it records actors and roles, never agenda or note text."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import ActorRole
from storage.models import ActivityEvent, Relationship, User


def record(
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
