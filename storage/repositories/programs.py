"""Programs and their managers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.enums import EnrolmentRole, EnrolmentStatus
from storage.models import Enrolment, Program, ProgramManager

# Programs read here come with their managers (not loaded by default: storage/models/programs.py).
_WITH_MANAGERS = selectinload(Program.managers)


async def get(*, session: AsyncSession, team_id: str, program_id: int) -> Program | None:
    """The program, only if it belongs to ``team_id`` (ids from payloads are never trusted)."""
    return await session.scalar(
        select(Program)
        .where(Program.id == program_id, Program.team_id == team_id)
        .options(_WITH_MANAGERS)
    )


async def by_name(*, session: AsyncSession, team_id: str, name: str) -> Program | None:
    return await session.scalar(
        select(Program)
        .where(Program.team_id == team_id, Program.name_key == name_key(name))
        .options(_WITH_MANAGERS)
    )


async def active(*, session: AsyncSession, team_id: str) -> Sequence[Program]:
    rows = await session.scalars(
        select(Program)
        .options(_WITH_MANAGERS)
        .where(Program.team_id == team_id, Program.archived_at.is_(None))
        .order_by(Program.name_key)
    )
    return rows.all()


async def is_manager(*, session: AsyncSession, team_id: str, program_id: int, user_id: int) -> bool:
    return bool(
        await session.scalar(
            select(
                exists().where(
                    ProgramManager.team_id == team_id,
                    ProgramManager.program_id == program_id,
                    ProgramManager.user_id == user_id,
                )
            )
        )
    )


async def managed_program_ids(*, session: AsyncSession, team_id: str, user_id: int) -> set[int]:
    rows = await session.scalars(
        select(ProgramManager.program_id).where(
            ProgramManager.team_id == team_id, ProgramManager.user_id == user_id
        )
    )
    return set(rows)


async def enrolment_counts(*, session: AsyncSession, team_id: str) -> dict[int, tuple[int, int]]:
    """Active (mentees, mentors) per program, in one query."""
    mentees = func.sum(
        case((Enrolment.role.in_([EnrolmentRole.MENTEE, EnrolmentRole.BOTH]), 1), else_=0)
    )
    mentors = func.sum(
        case((Enrolment.role.in_([EnrolmentRole.MENTOR, EnrolmentRole.BOTH]), 1), else_=0)
    )
    rows = await session.execute(
        select(Enrolment.program_id, mentees, mentors)
        .where(Enrolment.team_id == team_id, Enrolment.status == EnrolmentStatus.ACTIVE)
        .group_by(Enrolment.program_id)
    )
    return {pid: (int(a or 0), int(b or 0)) for pid, a, b in rows.all()}


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()
