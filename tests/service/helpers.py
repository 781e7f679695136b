"""Building blocks for service tests: real rows in the real test database."""

from __future__ import annotations

from datetime import time

from sqlalchemy.ext.asyncio import AsyncSession

from bot.enrolment.service import EnrolmentDraft, save_enrolment
from bot.programs import service as program_svc
from infra.clock import Clock
from infra.hours import WorkingHours
from scheduling.api import schedule
from scheduling.kinds import Kind
from storage.due_work import Timing
from storage.enums import Cadence, EnrolmentRole
from storage.models import Program, User
from storage.repositories import users as user_repo
from storage.repositories.users import Profile


async def person(
    session: AsyncSession,
    clock: Clock,
    user_id: str,
    *,
    team_id: str = "T0001",
    admin: bool = False,
    tz: str = "Europe/London",
    bot: bool = False,
) -> User:
    profile = Profile(
        team_id=team_id,
        slack_user_id=user_id,
        name=user_id.lower(),
        real_name=f"Person {user_id}",
        tz=tz,
        is_admin=admin,
        is_bot=bot,
    )
    return await user_repo.save_profile(session=session, profile=profile, now=clock.now())


def program_draft(**changes: object) -> program_svc.ProgramDraft:
    values: dict[str, object] = {
        "name": "Engineering mentoring",
        "description": "Grow engineers into leaders.",
        "manager_ids": ("UADMIN",),
        "digest_channel_id": "CLEADS",
        "cadence": Cadence.FORTNIGHTLY,
        "relationship_months": 12,
        "hours": WorkingHours(time(9), time(17), frozenset(range(5))),
        "timezone": "Europe/London",
        "skills": ("SQL", "Public speaking", "Budgeting", "People management"),
    }
    values.update(changes)
    return program_svc.ProgramDraft(**values)  # type: ignore[arg-type]


async def make_program(
    session: AsyncSession, clock: Clock, actor: User, **changes: object
) -> Program:
    changes.setdefault("manager_ids", (actor.slack_user_id,))
    return await program_svc.create_program(
        session=session, clock=clock, actor=actor, draft=program_draft(**changes)
    )


def mentee_draft(program_id: int, **changes: object) -> EnrolmentDraft:
    values: dict[str, object] = {
        "program_id": program_id,
        "role": EnrolmentRole.MENTEE,
        "goals": "Lead a project end to end",
        "target_role": "Tech lead",
        "skills_to_develop": ("SQL", "Public speaking"),
        "department": "Support",
        "seniority": 2,
        "location": "Lisbon",
    }
    values.update(changes)
    return EnrolmentDraft(**values)  # type: ignore[arg-type]


def mentor_draft(program_id: int, **changes: object) -> EnrolmentDraft:
    values: dict[str, object] = {
        "program_id": program_id,
        "role": EnrolmentRole.MENTOR,
        "expertise": ("SQL", "Budgeting"),
        "capacity": 2,
        "department": "Engineering",
        "seniority": 5,
    }
    values.update(changes)
    return EnrolmentDraft(**values)  # type: ignore[arg-type]


async def mentee_with_a_nudge_due_now(session: AsyncSession, clock: Clock) -> None:
    """A program with one enrolled mentee (UMENTEE) whose preparation nudge is due at once:
    the smallest real work a sweep can run and deliver."""
    admin = await person(session, clock, "UADMIN", admin=True)
    program = await make_program(session, clock, admin)
    await enrol_with_a_nudge_due_now(session, clock, program, "UMENTEE", key="due-now")


async def enrol_with_a_nudge_due_now(
    session: AsyncSession, clock: Clock, program: Program, user_id: str, *, key: str
) -> None:
    """Enrol ``user_id`` as a mentee of ``program``, with a preparation nudge (dedup key
    ``key``) due at once."""
    mentee = await person(session, clock, user_id)
    enrolment, _ = await save_enrolment(
        session=session, clock=clock, user=mentee, draft=mentee_draft(program.id)
    )
    await schedule(
        session=session,
        now=clock.now(),
        kind=Kind.MENTEE_PREPARE,
        key=key,
        team_id=mentee.team_id,
        due_at=clock.now(),
        timing=Timing.IMMEDIATE,
        recipient_id=user_id,
        payload={"enrolment_id": enrolment.id},
    )
