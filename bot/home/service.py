"""What the App Home shows: each of a person's relationships with its stage, next meeting,
agenda status, open actions and goals; and for managers, their programs' health."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements.service import for_actor
from storage.enums import LIVE_RELATIONSHIP_STATUSES as LIVE
from storage.enums import ActionStatus, ActorRole, GoalStatus, MeetingStatus
from storage.models import ActionItem, Goal, Meeting, Relationship, RelationshipHealth, User


@dataclass(frozen=True)
class PairCard:
    relationship: Relationship
    role: ActorRole
    next_meeting: Meeting | None
    open_actions: int
    goals_open: int
    goals_achieved: int


async def cards(*, session: AsyncSession, actor: User, now: datetime) -> list[PairCard]:
    out = []
    for relationship, role, _ in await for_actor(session=session, actor=actor):
        upcoming = await session.scalar(
            select(Meeting)
            .where(
                Meeting.relationship_id == relationship.id,
                Meeting.status == MeetingStatus.SCHEDULED,
                Meeting.starts_at > now,
            )
            .order_by(Meeting.starts_at)
            .limit(1)
        )
        actions = await session.scalar(
            select(func.count(ActionItem.id)).where(
                ActionItem.relationship_id == relationship.id,
                ActionItem.status == ActionStatus.OPEN,
            )
        )
        goals = Counter(
            status
            for (status,) in (
                await session.execute(
                    select(Goal.status).where(
                        Goal.relationship_id == relationship.id, Goal.parent_id.is_(None)
                    )
                )
            ).all()
        )
        out.append(
            PairCard(
                relationship,
                role,
                upcoming,
                int(actions or 0),
                goals[GoalStatus.OPEN],
                goals[GoalStatus.ACHIEVED],
            )
        )
    return out


async def program_health(
    *, session: AsyncSession, program_ids: list[int]
) -> dict[int, Counter[str]]:
    """Relationships per health, per program (one grouped query)."""
    out: dict[int, Counter[str]] = {pid: Counter() for pid in program_ids}
    if not program_ids:
        return out
    rows = (
        await session.execute(
            select(RelationshipHealth.program_id, RelationshipHealth.health, func.count())
            .join(Relationship, Relationship.id == RelationshipHealth.relationship_id)
            .where(
                RelationshipHealth.program_id.in_(program_ids),
                Relationship.status.in_(LIVE),
            )
            .group_by(RelationshipHealth.program_id, RelationshipHealth.health)
        )
    ).all()
    for pid, health, n in rows:
        out[pid][health] = n
    return out
