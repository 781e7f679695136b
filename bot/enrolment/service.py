"""Enrolment: people join programs as mentees, mentors or both, keep their profile up to
date, and can leave."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.activity import ActivityKind
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.forms import check_length
from bot.ids import JoinField as F
from infra.clock import Clock
from scheduling.api import schedule
from scheduling.kinds import Kind
from storage.due_work import Delivery
from storage.enums import ActorRole, DepartmentPreference, EnrolmentRole, EnrolmentStatus
from storage.models import ActivityEvent, Enrolment, Program, User
from storage.repositories import enrolments as enrolment_repo
from storage.repositories import programs as program_repo

GOALS_MAX = 1000
TARGET_ROLE_MAX = 150
DEPARTMENT_MAX = 80
CURRENT_ROLE_MAX = 150
LOCATION_MAX = 80
SKILLS_PICK_MAX = 10
CAPACITY_MIN, CAPACITY_MAX = 1, 5

# The day after a mentee joins, they are nudged to get clear on what they want.
PREPARE_AFTER = timedelta(days=1)

SENIORITY_LEVELS: dict[int, str] = {
    1: "Entry level",
    2: "Junior",
    3: "Mid-level",
    4: "Senior",
    5: "Lead / Staff",
    6: "Manager / Principal",
    7: "Director",
    8: "Executive",
}


@dataclass(frozen=True)
class EnrolmentDraft:
    """What the join form collects, already parsed into Python types."""

    program_id: int
    role: EnrolmentRole | None
    goals: str = ""
    target_role: str = ""
    skills_to_develop: tuple[str, ...] = ()
    expertise: tuple[str, ...] = ()
    capacity: int | None = None
    department: str = ""
    current_role: str = ""
    seniority: int | None = None
    location: str = ""
    manager_slack_id: str | None = None
    department_preference: DepartmentPreference = DepartmentPreference.DIFFERENT


def validate(draft: EnrolmentDraft, *, program: Program, user: User) -> None:
    """Raise :class:`InvalidInput` with one message per bad field."""
    errors: dict[str, str] = {}
    offered = {s.casefold() for s in program.skills}
    if draft.role is None:
        errors[F.ROLE] = "Choose whether you join as a mentee, a mentor or both."
    if draft.role is not None and draft.role.mentees:
        if not draft.goals.strip():
            errors[F.GOALS] = "Say what you want to achieve: your mentor starts from this."
        else:
            check_length(F.GOALS, draft.goals, GOALS_MAX, errors)
        check_length(F.TARGET_ROLE, draft.target_role, TARGET_ROLE_MAX, errors)
        _check_skills(errors, F.SKILLS_TO_DEVELOP, draft.skills_to_develop, offered, "develop")
    if draft.role is not None and draft.role.mentors:
        _check_skills(errors, F.EXPERTISE, draft.expertise, offered, "share")
        if draft.capacity is None or not CAPACITY_MIN <= draft.capacity <= CAPACITY_MAX:
            errors[F.CAPACITY] = (
                f"Choose how many mentees you can take on, from {CAPACITY_MIN} to {CAPACITY_MAX}."
            )
    department = draft.department.strip()
    if not department:
        errors[F.DEPARTMENT] = "Say which department or team you work in."
    else:
        check_length(F.DEPARTMENT, department, DEPARTMENT_MAX, errors)
    check_length(F.CURRENT_ROLE, draft.current_role.strip(), CURRENT_ROLE_MAX, errors)
    if draft.seniority not in SENIORITY_LEVELS:
        errors[F.SENIORITY] = "Choose your level."
    check_length(F.LOCATION, draft.location.strip(), LOCATION_MAX, errors)
    if draft.manager_slack_id is not None and draft.manager_slack_id == user.slack_user_id:
        errors[F.MANAGER] = "Choose the person you report to, not yourself."
    if errors:
        raise InvalidInput.for_fields(errors)


def _check_skills(
    errors: dict[str, str], key: str, picked: Sequence[str], offered: set[str], verb: str
) -> None:
    if not picked:
        errors[key] = f"Pick at least one skill you want to {verb}."
    elif len(picked) > SKILLS_PICK_MAX:
        errors[key] = f"Pick at most {SKILLS_PICK_MAX} skills."
    elif any(s.casefold() not in offered for s in picked):
        errors[key] = "Pick skills from the program's list."


async def open_program(*, session: AsyncSession, team_id: str, program_id: int) -> Program:
    program = await program_repo.get(session=session, team_id=team_id, program_id=program_id)
    if program is None or program.archived_at is not None:
        raise NotFound("That program is not open for enrolment.")
    return program


async def save_enrolment(
    *, session: AsyncSession, clock: Clock, user: User, draft: EnrolmentDraft
) -> tuple[Enrolment, bool]:
    """Join a program, or update an existing enrolment. Returns (enrolment, newly_joined)."""
    program = await open_program(session=session, team_id=user.team_id, program_id=draft.program_id)
    validate(draft, program=program, user=user)
    assert draft.role is not None
    now = clock.now()
    enrolment = await enrolment_repo.find(
        session=session, team_id=user.team_id, program_id=program.id, user_id=user.id
    )
    newly_joined = enrolment is None or enrolment.status is EnrolmentStatus.LEFT
    if enrolment is None:
        enrolment = Enrolment(
            team_id=user.team_id, program_id=program.id, user_id=user.id, joined_at=now
        )
        session.add(enrolment)
    elif enrolment.status is EnrolmentStatus.LEFT:
        enrolment.joined_at = now
    enrolment.status = EnrolmentStatus.ACTIVE
    enrolment.left_at = None
    enrolment.role = draft.role
    # Keep only what the role uses, spelled as the program spells it.
    canonical = {s.casefold(): s for s in program.skills}
    mentee, mentor = draft.role.mentees, draft.role.mentors
    enrolment.goals = draft.goals.strip() if mentee else ""
    enrolment.target_role = draft.target_role.strip() if mentee else ""
    enrolment.skills_to_develop = (
        [canonical[s.casefold()] for s in draft.skills_to_develop] if mentee else []
    )
    enrolment.expertise = [canonical[s.casefold()] for s in draft.expertise] if mentor else []
    enrolment.capacity = (draft.capacity or 0) if mentor else 0
    enrolment.department = " ".join(draft.department.split())
    enrolment.current_role = " ".join(draft.current_role.split())
    enrolment.seniority = draft.seniority or 0
    enrolment.location = draft.location.strip()
    enrolment.manager_slack_id = draft.manager_slack_id
    enrolment.department_preference = draft.department_preference
    enrolment.updated_at = now
    await session.flush()
    # Load what callers render (a new row has no relationships loaded yet).
    await session.refresh(enrolment, attribute_names=["program", "user"])
    if newly_joined and draft.role.mentees:
        await schedule(
            session=session,
            now=now,
            kind=Kind.MENTEE_PREPARE,
            key=f"mentee-prepare:enrolment:{enrolment.id}:{int(now.timestamp())}",
            team_id=user.team_id,
            program_id=program.id,
            recipient_id=user.slack_user_id,
            due_at=now + PREPARE_AFTER,
            delivery=Delivery.WORKING_HOURS,
            payload={"enrolment_id": enrolment.id},
        )
    session.add(
        ActivityEvent(
            team_id=user.team_id,
            program_id=program.id,
            actor_user_id=user.id,
            actor_role=ActorRole.MENTEE if draft.role.mentees else ActorRole.MENTOR,
            kind=ActivityKind.ENROLLED if newly_joined else ActivityKind.PROFILE_UPDATED,
            occurred_at=now,
            data={"role": draft.role.value},
        )
    )
    return enrolment, newly_joined


async def own_enrolment(
    *, session: AsyncSession, user: User, enrolment_id: int | None, doing: str
) -> Enrolment:
    """``user``'s own enrolment: nobody else may edit it or leave it. ``doing`` finishes the
    refusal "You can only …"."""
    enrolment = (
        await enrolment_repo.get(session=session, team_id=user.team_id, enrolment_id=enrolment_id)
        if enrolment_id is not None
        else None
    )
    if enrolment is None or enrolment.user_id != user.id:
        raise NotAllowed(f"You can only {doing}.")
    return enrolment


async def leave_program(
    *, session: AsyncSession, clock: Clock, user: User, enrolment_id: int | None
) -> Enrolment:
    """Withdraw ``user`` from a program. Only the enrolled person may do this."""
    enrolment = await own_enrolment(
        session=session,
        user=user,
        enrolment_id=enrolment_id,
        doing="leave programs you are part of",
    )
    if enrolment.status is EnrolmentStatus.LEFT:
        return enrolment
    now = clock.now()
    enrolment.status = EnrolmentStatus.LEFT
    enrolment.left_at = now
    enrolment.updated_at = now
    session.add(
        ActivityEvent(
            team_id=user.team_id,
            program_id=enrolment.program_id,
            actor_user_id=user.id,
            actor_role=ActorRole.MENTEE if enrolment.role.mentees else ActorRole.MENTOR,
            kind=ActivityKind.LEFT_PROGRAM,
            occurred_at=now,
            data={},
        )
    )
    await session.flush()
    return enrolment


async def enrolments_of(*, session: AsyncSession, user: User) -> Sequence[Enrolment]:
    return await enrolment_repo.for_user(session=session, team_id=user.team_id, user_id=user.id)


def draft_of(enrolment: Enrolment) -> EnrolmentDraft:
    return EnrolmentDraft(
        program_id=enrolment.program_id,
        role=enrolment.role,
        goals=enrolment.goals,
        target_role=enrolment.target_role,
        skills_to_develop=tuple(enrolment.skills_to_develop),
        expertise=tuple(enrolment.expertise),
        capacity=enrolment.capacity or None,
        department=enrolment.department,
        current_role=enrolment.current_role,
        seniority=enrolment.seniority or None,
        location=enrolment.location,
        manager_slack_id=enrolment.manager_slack_id,
        department_preference=enrolment.department_preference,
    )
