"""Who may touch what. Every service checks here, whatever ids a payload names: a pair's
agendas, notes and agreement are for its mentee and mentor only, a program's settings and
signals for its managers only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import NotAllowed, NotFound
from infra.text import escape
from storage.enums import ActorRole
from storage.models import Program, Relationship, User
from storage.repositories import programs as program_repo
from storage.repositories import relationships as rel_repo
from storage.repositories import users as user_repo


@dataclass(frozen=True)
class Membership:
    relationship: Relationship
    role: ActorRole  # MENTEE or MENTOR


async def membership(*, session: AsyncSession, actor: User, relationship_id: int) -> Membership:
    """The relationship and the actor's part in it. Anyone else is refused, whatever id
    a payload names: agendas, notes and agreements are private to the pair."""
    relationship = await rel_repo.get(
        session=session, team_id=actor.team_id, relationship_id=relationship_id
    )
    if relationship is None:
        raise NotFound("That mentoring relationship doesn't exist.")
    if relationship.mentor_user_id == actor.id:
        return Membership(relationship, ActorRole.MENTOR)
    if relationship.mentee_user_id == actor.id:
        return Membership(relationship, ActorRole.MENTEE)
    raise NotAllowed("Only the mentor and mentee of that relationship can do this.")


async def can_create_programs(*, session: AsyncSession, actor: User) -> bool:
    """Workspace admins and owners, and anyone who already manages a program."""
    if actor.is_admin or actor.is_owner:
        return True
    managed = await program_repo.managed_program_ids(
        session=session, team_id=actor.team_id, user_id=actor.id
    )
    return bool(managed)


async def require_can_create(*, session: AsyncSession, actor: User) -> None:
    if not await can_create_programs(session=session, actor=actor):
        raise NotAllowed(
            "Only workspace admins and owners, and people who already manage a mentoring "
            "program, can create programs. Ask one of them to create it or to add you as a "
            "manager."
        )


async def require_manager(*, session: AsyncSession, actor: User, program_id: int) -> Program:
    """The program, if ``actor`` manages it; otherwise :class:`NotAllowed`/:class:`NotFound`."""
    program = await program_repo.get(session=session, team_id=actor.team_id, program_id=program_id)
    if program is None:
        raise NotFound("That program no longer exists.")
    if not await program_repo.is_manager(
        session=session, team_id=actor.team_id, program_id=program.id, user_id=actor.id
    ):
        raise NotAllowed(f"Only the managers of {escape(program.name)} can change it.")
    return program


async def may_see(*, session: AsyncSession, team_id: str, user_id: str, program_id: int) -> bool:
    """Whether Slack user ``user_id`` of ``team_id`` may see the manager's view of a program
    (its counts and signals): its managers and the workspace's admins and owners. A program
    of another workspace, or one that doesn't exist, is seen by nobody."""
    program = await program_repo.get(session=session, team_id=team_id, program_id=program_id)
    actor = await user_repo.get(session=session, team_id=team_id, slack_user_id=user_id)
    if program is None or actor is None or actor.deleted:
        return False
    if actor.is_admin or actor.is_owner:
        return True
    return await program_repo.is_manager(
        session=session, team_id=team_id, program_id=program.id, user_id=actor.id
    )
