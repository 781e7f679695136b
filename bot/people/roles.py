"""What a person is in this workspace's mentoring: it decides which commands they see."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import can_create_programs
from storage.enums import EnrolmentStatus
from storage.models import User
from storage.repositories import enrolments as enrolment_repo
from storage.repositories import programs as program_repo


@dataclass(frozen=True)
class Roles:
    can_create_programs: bool = False
    manages: bool = False
    mentor: bool = False
    mentee: bool = False
    admin: bool = False  # a workspace admin or owner

    @property
    def enrolled(self) -> bool:
        return self.mentor or self.mentee


async def roles_of(*, session: AsyncSession, user: User) -> Roles:
    managed = await program_repo.managed_program_ids(
        session=session, team_id=user.team_id, user_id=user.id
    )
    active = [
        e
        for e in await enrolment_repo.for_user(
            session=session, team_id=user.team_id, user_id=user.id
        )
        if e.status is EnrolmentStatus.ACTIVE
    ]
    return Roles(
        can_create_programs=bool(managed) or await can_create_programs(session=session, actor=user),
        manages=bool(managed),
        mentor=any(e.role.mentors for e in active),
        mentee=any(e.role.mentees for e in active),
        admin=(user.is_admin or user.is_owner) and not user.deleted,
    )
