"""Program services against the real database."""

import pytest

from bot import access
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.ids import ProgramField as F
from bot.programs import service as svc
from infra.clock import ManualClock
from infra.db import Database
from tests.service.helpers import make_program, person, program_draft


async def test_admin_creates_a_program_with_managers(db: Database, clock: ManualClock) -> None:
    async with db.transaction() as s:
        admin = await person(s, clock, "UADMIN", admin=True)
        program = await make_program(s, clock, admin, manager_ids=("UADMIN", "UNEWBIE"))
    async with db.transaction() as s:
        [summary] = await svc.summaries(session=s, viewer=admin)
    assert summary.program.id == program.id
    assert summary.manager_ids == ("UADMIN", "UNEWBIE")
    assert summary.managed_by_viewer
    assert program.skills == ["SQL", "Public speaking", "Budgeting", "People management"]


async def test_non_admin_cannot_create_but_a_manager_can(db: Database, clock: ManualClock) -> None:
    async with db.transaction() as s:
        admin = await person(s, clock, "UADMIN", admin=True)
        bob = await person(s, clock, "UBOB")
        with pytest.raises(NotAllowed):
            await make_program(s, clock, bob)
        await make_program(s, clock, admin, manager_ids=("UADMIN", "UBOB"))
    async with db.transaction() as s:
        second = await make_program(s, clock, bob, name="Sales mentoring")
    assert second.name == "Sales mentoring"


async def test_names_are_unique_per_workspace_ignoring_case(
    db: Database, clock: ManualClock
) -> None:
    async with db.transaction() as s:
        admin = await person(s, clock, "UADMIN", admin=True)
        await make_program(s, clock, admin)
    with pytest.raises(InvalidInput) as err:
        async with db.transaction() as s:
            await make_program(s, clock, admin, name="  engineering   MENTORING ")
    assert F.NAME in err.value.fields
    # Another workspace may use the same name.
    async with db.transaction() as s:
        other = await person(s, clock, "UADMIN2", team_id="T0002", admin=True)
        await make_program(s, clock, other)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, F.NAME),
        ({"name": "x" * 81}, F.NAME),
        ({"description": "x" * 1001}, F.DESCRIPTION),
        ({"manager_ids": ()}, F.MANAGERS),
        ({"manager_ids": tuple(f"U{i:04d}" for i in range(11))}, F.MANAGERS),
        ({"manager_ids": ("not-a-user",)}, F.MANAGERS),
        ({"digest_channel_id": None}, F.DIGEST_CHANNEL),
        ({"digest_channel_id": "D123"}, F.DIGEST_CHANNEL),
        ({"relationship_months": 0}, F.LENGTH),
        ({"relationship_months": 25}, F.LENGTH),
        ({"timezone": "Mars/Olympus"}, F.TIMEZONE),
        ({"timezone": ""}, F.TIMEZONE),
        ({"skills": ()}, F.SKILLS),
        ({"skills": tuple(f"skill {i}" for i in range(101))}, F.SKILLS),
        ({"skills": ("x" * 51,)}, F.SKILLS),
    ],
)
def test_validation_names_the_field(changes: dict, field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        svc.validate(program_draft(**changes))
    assert set(err.value.fields) == {field}


async def test_bots_cannot_manage(db: Database, clock: ManualClock) -> None:
    async with db.transaction() as s:
        admin = await person(s, clock, "UADMIN", admin=True)
        await person(s, clock, "UROBOT", bot=True)
    with pytest.raises(InvalidInput) as err:
        async with db.transaction() as s:
            await make_program(s, clock, admin, manager_ids=("UADMIN", "UROBOT"))
    assert F.MANAGERS in err.value.fields
    async with db.transaction() as s:
        assert await svc.summaries(session=s, viewer=admin) == []


async def test_only_managers_edit_and_new_managers_are_reported(
    db: Database, clock: ManualClock
) -> None:
    async with db.transaction() as s:
        admin = await person(s, clock, "UADMIN", admin=True)
        eve = await person(s, clock, "UEVE")
        program = await make_program(s, clock, admin)
    with pytest.raises(NotAllowed):
        async with db.transaction() as s:
            await svc.update_program(
                session=s, clock=clock, actor=eve, program_id=program.id, draft=program_draft()
            )
    clock.advance(hours=1)
    async with db.transaction() as s:
        updated, added = await svc.update_program(
            session=s,
            clock=clock,
            actor=admin,
            program_id=program.id,
            draft=program_draft(name="Eng mentoring", manager_ids=("UADMIN", "UEVE")),
        )
    assert added == {"UEVE"}
    assert updated.name == "Eng mentoring"
    assert updated.updated_at == clock.now()


async def test_another_workspace_cannot_touch_a_program(db: Database, clock: ManualClock) -> None:
    async with db.transaction() as s:
        admin = await person(s, clock, "UADMIN", admin=True)
        program = await make_program(s, clock, admin)
        stranger = await person(s, clock, "UADMIN", team_id="T0002", admin=True)
    with pytest.raises(NotFound):
        async with db.transaction() as s:
            await access.require_manager(session=s, actor=stranger, program_id=program.id)


def test_parse_skills_splits_and_dedupes() -> None:
    assert svc.parse_skills("SQL, sql,\nPublic  speaking;budgeting, ,") == (
        "SQL",
        "Public speaking",
        "budgeting",
    )
