"""Enrolment services against the real database."""

import pytest

from bot.enrolment import service as svc
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.ids import JoinField as F
from bot.people.roles import roles_of
from infra.clock import ManualClock
from infra.db import Database
from storage.enums import EnrolmentRole, EnrolmentStatus
from tests.service.helpers import make_program, mentee_draft, mentor_draft, person


async def _setup(db: Database, clock: ManualClock):
    async with db.transaction() as s:
        admin = await person(s, clock, "UADMIN", admin=True)
        mia = await person(s, clock, "UMIA", tz="Europe/Lisbon")
        program = await make_program(s, clock, admin)
    return admin, mia, program


async def test_join_update_leave_rejoin(db: Database, clock: ManualClock) -> None:
    _, mia, program = await _setup(db, clock)
    async with db.transaction() as s:
        enrolment, new = await svc.save_enrolment(
            session=s, clock=clock, user=mia, draft=mentee_draft(program.id)
        )
    assert new and enrolment.status is EnrolmentStatus.ACTIVE
    async with db.transaction() as s:
        again, new = await svc.save_enrolment(
            session=s,
            clock=clock,
            user=mia,
            draft=mentee_draft(program.id, goals="Speak at a conference"),
        )
    assert not new and again.id == enrolment.id and again.goals == "Speak at a conference"
    async with db.transaction() as s:
        left = await svc.leave_program(session=s, clock=clock, user=mia, enrolment_id=enrolment.id)
        assert left.status is EnrolmentStatus.LEFT
        # Leaving twice is harmless.
        await svc.leave_program(session=s, clock=clock, user=mia, enrolment_id=enrolment.id)
    async with db.transaction() as s:
        rejoined, new = await svc.save_enrolment(
            session=s, clock=clock, user=mia, draft=mentee_draft(program.id)
        )
    assert new and rejoined.id == enrolment.id and rejoined.left_at is None


async def test_skills_are_stored_as_the_program_spells_them(
    db: Database, clock: ManualClock
) -> None:
    _, mia, program = await _setup(db, clock)
    async with db.transaction() as s:
        enrolment, _ = await svc.save_enrolment(
            session=s,
            clock=clock,
            user=mia,
            draft=mentee_draft(
                program.id, skills_to_develop=("sql", "PUBLIC SPEAKING"), expertise=("SQL",)
            ),
        )
    assert enrolment.skills_to_develop == ["SQL", "Public speaking"]
    assert enrolment.expertise == []  # a mentee has no expertise on record


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"role": None}, F.ROLE),
        ({"goals": "  "}, F.GOALS),
        ({"goals": "x" * 1001}, F.GOALS),
        ({"target_role": "x" * 151}, F.TARGET_ROLE),
        ({"skills_to_develop": ()}, F.SKILLS_TO_DEVELOP),
        ({"skills_to_develop": ("Knitting",)}, F.SKILLS_TO_DEVELOP),
        ({"department": ""}, F.DEPARTMENT),
        ({"department": "x" * 81}, F.DEPARTMENT),
        ({"seniority": None}, F.SENIORITY),
        ({"seniority": 9}, F.SENIORITY),
        ({"location": "x" * 81}, F.LOCATION),
        ({"manager_slack_id": "UMIA"}, F.MANAGER),
    ],
)
async def test_mentee_validation(
    db: Database, clock: ManualClock, changes: dict, field: str
) -> None:
    _, mia, program = await _setup(db, clock)
    with pytest.raises(InvalidInput) as err:
        async with db.transaction() as s:
            await svc.save_enrolment(
                session=s, clock=clock, user=mia, draft=mentee_draft(program.id, **changes)
            )
    assert set(err.value.fields) == {field}
    async with db.transaction() as s:
        assert await svc.enrolments_of(session=s, user=mia) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"expertise": ()}, F.EXPERTISE),
        ({"capacity": None}, F.CAPACITY),
        ({"capacity": 0}, F.CAPACITY),
        ({"capacity": 6}, F.CAPACITY),
    ],
)
async def test_mentor_validation(
    db: Database, clock: ManualClock, changes: dict, field: str
) -> None:
    _, mia, program = await _setup(db, clock)
    with pytest.raises(InvalidInput) as err:
        async with db.transaction() as s:
            await svc.save_enrolment(
                session=s, clock=clock, user=mia, draft=mentor_draft(program.id, **changes)
            )
    assert set(err.value.fields) == {field}


async def test_both_roles_need_both_sets_of_answers(db: Database, clock: ManualClock) -> None:
    _, mia, program = await _setup(db, clock)
    with pytest.raises(InvalidInput) as err:
        async with db.transaction() as s:
            await svc.save_enrolment(
                session=s,
                clock=clock,
                user=mia,
                draft=mentee_draft(program.id, role=EnrolmentRole.BOTH),
            )
    assert set(err.value.fields) == {F.EXPERTISE, F.CAPACITY}


async def test_nobody_leaves_for_someone_else(db: Database, clock: ManualClock) -> None:
    admin, mia, program = await _setup(db, clock)
    async with db.transaction() as s:
        enrolment, _ = await svc.save_enrolment(
            session=s, clock=clock, user=mia, draft=mentee_draft(program.id)
        )
    with pytest.raises(NotAllowed):
        async with db.transaction() as s:
            await svc.leave_program(session=s, clock=clock, user=admin, enrolment_id=enrolment.id)


async def test_unknown_or_foreign_program(db: Database, clock: ManualClock) -> None:
    _, mia, program = await _setup(db, clock)
    async with db.transaction() as s:
        stranger = await person(s, clock, "UMIA", team_id="T0002")
    for user, program_id in ((mia, 9999), (stranger, program.id)):
        with pytest.raises(NotFound):
            async with db.transaction() as s:
                await svc.save_enrolment(
                    session=s, clock=clock, user=user, draft=mentee_draft(program_id)
                )


async def test_roles(db: Database, clock: ManualClock) -> None:
    admin, mia, program = await _setup(db, clock)
    async with db.transaction() as s:
        await svc.save_enrolment(session=s, clock=clock, user=mia, draft=mentee_draft(program.id))
        mia_roles = await roles_of(session=s, user=mia)
        admin_roles = await roles_of(session=s, user=admin)
    assert mia_roles.mentee and not mia_roles.mentor and not mia_roles.can_create_programs
    assert admin_roles.manages and admin_roles.can_create_programs and not admin_roles.enrolled
