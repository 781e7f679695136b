"""Relationships, match runs and agreements."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import OPEN_RELATIONSHIP_STATUSES, MatchRunStatus, RelationshipStatus
from storage.models import Agreement, MatchRun, Relationship

OPEN = tuple(OPEN_RELATIONSHIP_STATUSES)


async def get(*, session: AsyncSession, team_id: str, relationship_id: int) -> Relationship | None:
    """The relationship, only if it belongs to ``team_id``."""
    return await session.scalar(
        select(Relationship).where(
            Relationship.id == relationship_id, Relationship.team_id == team_id
        )
    )


async def for_user(
    *, session: AsyncSession, team_id: str, user_id: int, open_only: bool = True
) -> Sequence[Relationship]:
    stmt = select(Relationship).where(
        Relationship.team_id == team_id,
        (Relationship.mentor_user_id == user_id) | (Relationship.mentee_user_id == user_id),
    )
    if open_only:
        stmt = stmt.where(Relationship.status.in_(OPEN))
    return (await session.scalars(stmt.order_by(Relationship.id))).all()


async def has_had_a_mentor(*, session: AsyncSession, team_id: str, enrolment_id: int) -> bool:
    """Whether a mentor ever accepted the mentee of this enrolment: she is no longer waiting
    for one."""
    found = await session.scalar(
        select(Relationship.id)
        .where(
            Relationship.team_id == team_id,
            Relationship.mentee_enrolment_id == enrolment_id,
            Relationship.accepted_at.is_not(None),
        )
        .limit(1)
    )
    return found is not None


async def pairs_in_program(
    *, session: AsyncSession, team_id: str, program_id: int
) -> set[tuple[int, int]]:
    """(mentee user id, mentor user id) of every relationship the program has had."""
    rows = await session.execute(
        select(Relationship.mentee_user_id, Relationship.mentor_user_id).where(
            Relationship.team_id == team_id, Relationship.program_id == program_id
        )
    )
    return {(a, b) for a, b in rows.all()}


async def open_counts(
    *, session: AsyncSession, team_id: str, program_id: int
) -> tuple[dict[int, int], dict[int, int]]:
    """Open relationships per mentor user id and per mentee user id, in the program."""
    base = select(func.count()).where(
        Relationship.team_id == team_id,
        Relationship.program_id == program_id,
        Relationship.status.in_(OPEN),
    )
    mentors = await session.execute(
        base.add_columns(Relationship.mentor_user_id).group_by(Relationship.mentor_user_id)
    )
    mentees = await session.execute(
        base.add_columns(Relationship.mentee_user_id).group_by(Relationship.mentee_user_id)
    )
    return (
        {uid: int(n) for n, uid in mentors.all()},
        {uid: int(n) for n, uid in mentees.all()},
    )


async def by_status(
    *, session: AsyncSession, team_id: str, program_id: int, statuses: Sequence[RelationshipStatus]
) -> Sequence[Relationship]:
    return (
        await session.scalars(
            select(Relationship).where(
                Relationship.team_id == team_id,
                Relationship.program_id == program_id,
                Relationship.status.in_(statuses),
            )
        )
    ).all()


async def run(*, session: AsyncSession, team_id: str, run_id: int) -> MatchRun | None:
    return await session.scalar(
        select(MatchRun).where(MatchRun.id == run_id, MatchRun.team_id == team_id)
    )


async def current_agreement(*, session: AsyncSession, relationship_id: int) -> Agreement | None:
    return await session.scalar(
        select(Agreement)
        .where(Agreement.relationship_id == relationship_id, Agreement.superseded_at.is_(None))
        .order_by(Agreement.version.desc())
        .limit(1)
    )


async def agreement(*, session: AsyncSession, team_id: str, agreement_id: int) -> Agreement | None:
    return await session.scalar(
        select(Agreement).where(Agreement.id == agreement_id, Agreement.team_id == team_id)
    )


async def draft_runs(*, session: AsyncSession, team_id: str, program_id: int) -> Sequence[MatchRun]:
    return (
        await session.scalars(
            select(MatchRun).where(
                MatchRun.team_id == team_id,
                MatchRun.program_id == program_id,
                MatchRun.status == MatchRunStatus.DRAFT,
            )
        )
    ).all()
