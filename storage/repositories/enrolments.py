"""Enrolments: a person's place in a program."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import EnrolmentStatus
from storage.models import Enrolment, Program


async def get(*, session: AsyncSession, team_id: str, enrolment_id: int) -> Enrolment | None:
    return await session.scalar(
        select(Enrolment).where(Enrolment.id == enrolment_id, Enrolment.team_id == team_id)
    )


async def find(
    *, session: AsyncSession, team_id: str, program_id: int, user_id: int
) -> Enrolment | None:
    return await session.scalar(
        select(Enrolment).where(
            Enrolment.team_id == team_id,
            Enrolment.program_id == program_id,
            Enrolment.user_id == user_id,
        )
    )


async def for_user(
    *, session: AsyncSession, team_id: str, user_id: int, include_left: bool = False
) -> Sequence[Enrolment]:
    stmt = (
        select(Enrolment)
        .join(Program, Program.id == Enrolment.program_id)
        .where(Enrolment.team_id == team_id, Enrolment.user_id == user_id)
        .order_by(Program.name_key)
    )
    if not include_left:
        stmt = stmt.where(Enrolment.status != EnrolmentStatus.LEFT)
    return (await session.scalars(stmt)).all()


async def in_program(
    *, session: AsyncSession, team_id: str, program_id: int
) -> Sequence[Enrolment]:
    return (
        await session.scalars(
            select(Enrolment).where(
                Enrolment.team_id == team_id, Enrolment.program_id == program_id
            )
        )
    ).all()
