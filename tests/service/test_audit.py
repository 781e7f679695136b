"""The audit trail against the real database: what record() accepts, and one entry per
audited action, written with the action (a refused action leaves none)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.audit import service as audit
from bot.audit.service import AuditAction, AuditSubject, Subject
from bot.audit.views import audit_trail
from bot.enrolment.service import save_enrolment
from bot.errors import NotAllowed, NotFound
from bot.matching import review
from bot.programs import service as program_svc
from bot.signals import alerts
from infra.clock import ManualClock
from infra.db import Database
from storage.models import Alert, AuditEntry
from tests.service.helpers import (
    accepted_pair,
    make_program,
    mentee_draft,
    mentor_draft,
    person,
    program_draft,
    refusal,
)

PRIVATE = "ZANZIBAR-PRIVATE"  # a marker seeded in private text; never in the trail


async def entries(db: Database) -> list[AuditEntry]:
    async with db.transaction() as s:
        return list((await s.scalars(select(AuditEntry).order_by(AuditEntry.id))).all())


def shape(entry: AuditEntry) -> tuple[str, AuditAction, AuditSubject, str]:
    return entry.actor_slack_id, entry.action, entry.subject_kind, entry.subject_id


async def test_record_writes_who_what_when_where_and_refuses_free_text(
    db: Database, clock: ManualClock
) -> None:
    async with db.transaction() as s:
        admin = await person(s, clock, "UADMIN", admin=True)
        await audit.record(
            session=s,
            clock=clock,
            actor=admin,
            action=AuditAction.DASHBOARD_SIGN_IN,
            subject=Subject.workspace("T0001"),
            team_id="T0001",
            details={"method": "slack_openid", "fields": ["name", "cadence"], "n": 3},
        )
        for bad in (
            {"note": "I spoke with them about their burnout"},  # prose: has spaces
            {"fields": ["ok", "not ok"]},
            {"nested": {"a": 1}},
            {"bad key": 1},
        ):
            with pytest.raises(ValueError):
                await audit.record(
                    session=s,
                    now=clock.now(),
                    actor=admin,
                    action=AuditAction.ADMIN_ERASURE,
                    subject=Subject.person("UMIA"),
                    details=bad,
                )
        with pytest.raises(ValueError):  # another workspace's entry can't be written as ours
            await audit.record(
                session=s,
                now=clock.now(),
                actor=admin,
                action=AuditAction.ADMIN_ERASURE,
                subject=Subject.person("UMIA"),
                team_id="T0002",
            )
    [entry] = await entries(db)
    assert (entry.team_id, entry.at, entry.actor_user_id) == ("T0001", clock.now(), admin.id)
    assert shape(entry) == (
        "UADMIN",
        AuditAction.DASHBOARD_SIGN_IN,
        AuditSubject.WORKSPACE,
        "T0001",
    )
    assert entry.details == {"method": "slack_openid", "fields": ["name", "cadence"], "n": 3}


async def test_program_create_edit_and_managers_each_leave_one_entry(
    db: Database, clock: ManualClock
) -> None:
    async with db.transaction() as s:
        admin = await person(s, clock, "UADMIN", admin=True)
        bob = await person(s, clock, "UBOB")
        program = await make_program(s, clock, admin, description=PRIVATE)
    [created] = await entries(db)
    assert shape(created) == (
        "UADMIN",
        AuditAction.PROGRAM_CREATED,
        AuditSubject.PROGRAM,
        str(program.id),
    )
    assert (created.program_id, created.details) == (program.id, {"managers": 1})

    clock.advance(minutes=1)
    async with db.transaction() as s:  # the same settings again: nothing changed, no entry
        await program_svc.update_program(
            session=s,
            clock=clock,
            actor=admin,
            program_id=program.id,
            draft=program_draft(manager_ids=("UADMIN",), description=PRIVATE),
        )
    assert len(await entries(db)) == 1

    async with db.transaction() as s:
        await program_svc.update_program(
            session=s,
            clock=clock,
            actor=admin,
            program_id=program.id,
            draft=program_draft(
                manager_ids=("UADMIN", "UBOB"),
                description=f"{PRIVATE} again",
                relationship_months=6,
            ),
        )
    _, edited, managers = await entries(db)
    assert shape(edited)[1:] == (AuditAction.PROGRAM_EDITED, AuditSubject.PROGRAM, str(program.id))
    assert edited.details == {"fields": ["description", "relationship_months"]}
    assert managers.action is AuditAction.PROGRAM_MANAGERS_CHANGED
    assert managers.details == {"added": 1, "removed": 0}

    # Refused: Bob manages nothing yet in another program; a stranger edits nothing.
    async with db.transaction() as s:
        eve = await person(s, clock, "UEVE")
    await refusal(
        db,
        NotAllowed,
        lambda s: program_svc.update_program(
            session=s, clock=clock, actor=eve, program_id=program.id, draft=program_draft()
        ),
    )
    await refusal(db, NotAllowed, lambda s: make_program(s, clock, eve, name="Eve's"))
    assert len(await entries(db)) == 3
    assert all(PRIVATE not in repr((e.details, e.subject_id)) for e in await entries(db))
    assert bob.id  # Bob became a manager through the edit


async def test_alert_handling_leaves_one_entry_per_press_about_the_pair(
    db: Database, clock: ManualClock
) -> None:
    pair = await accepted_pair(db, clock)
    async with db.transaction() as s:
        alert = Alert(
            team_id="T0001",
            program_id=pair.program.id,
            relationship_id=pair.relationship_id,
            signal="mentor_chasing",
            severity=3,
            evidence="3 follow-ups in 10 days",
            since=clock.now(),
            opened_at=clock.now(),
        )
        s.add(alert)
    before = len(await entries(db))
    for what, action in (
        ("acknowledge", AuditAction.ALERT_ACKNOWLEDGED),
        ("snooze", AuditAction.ALERT_SNOOZED),
        ("spoken", AuditAction.ALERT_SPOKEN),
    ):
        async with db.transaction() as s:
            await alerts.handle(
                session=s, clock=clock, actor=pair.admin, alert_id=alert.id, what=what
            )
        last = (await entries(db))[-1]
        assert shape(last) == (
            pair.admin.slack_user_id,
            action,
            AuditSubject.RELATIONSHIP,
            str(pair.relationship_id),
        )
        assert last.details == {"alert": alert.id, "signal": "mentor_chasing"}
    assert len(await entries(db)) == before + 3
    # The mentee, a stranger and a bad choice are refused and leave no entry.
    await refusal(
        db,
        NotAllowed,
        lambda s: alerts.handle(
            session=s, clock=clock, actor=pair.mentee, alert_id=alert.id, what="acknowledge"
        ),
    )
    await refusal(
        db,
        NotFound,
        lambda s: alerts.handle(
            session=s, clock=clock, actor=pair.admin, alert_id=alert.id, what="delete"
        ),
    )


async def test_match_approval_leaves_one_entry_however_often_it_is_pressed(
    db: Database, clock: ManualClock
) -> None:
    async with db.transaction() as s:
        admin = await person(s, clock, "UADMIN", admin=True)
        program = await make_program(s, clock, admin)
        for uid in ("UMIA", "UKEN"):
            mentee = await person(s, clock, uid)
            await save_enrolment(
                session=s, clock=clock, user=mentee, draft=mentee_draft(program.id, goals=PRIVATE)
            )
        mentor = await person(s, clock, "UOMAR")
        await save_enrolment(
            session=s, clock=clock, user=mentor, draft=mentor_draft(program.id, capacity=1)
        )
        eve = await person(s, clock, "UEVE")
    run_id = await review.start_run(db=db, clock=clock, actor=admin, program_id=program.id)
    before = len(await entries(db))
    await refusal(
        db, NotAllowed, lambda s: review.approve(session=s, clock=clock, actor=eve, run_id=run_id)
    )
    for _ in range(2):
        async with db.transaction() as s:
            await review.approve(session=s, clock=clock, actor=admin, run_id=run_id)
    [approved] = (await entries(db))[before:]
    assert shape(approved) == (
        "UADMIN",
        AuditAction.MATCH_APPROVED,
        AuditSubject.MATCH_RUN,
        str(run_id),
    )
    assert (approved.program_id, approved.details) == (program.id, {"pairs": 1, "waitlisted": 1})
    assert PRIVATE not in repr(approved.details)


async def test_the_trail_is_for_admins_newest_first_in_their_zone(
    db: Database, clock: ManualClock
) -> None:
    async with db.transaction() as s:
        admin = await person(s, clock, "UADMIN", admin=True, tz="America/New_York")
        program = await make_program(s, clock, admin, name="Sales <b>&")
        other = await person(s, clock, "UOTHER", team_id="T0002", admin=True)
        await make_program(s, clock, other, name="Elsewhere")
        mia = await person(s, clock, "UMIA")
    clock.advance(timedelta(hours=2))
    async with db.transaction() as s:
        await program_svc.update_program(
            session=s,
            clock=clock,
            actor=admin,
            program_id=program.id,
            draft=replace(
                program_draft(manager_ids=("UADMIN",)),
                name="Sales <b>&",
                cadence=program.cadence.WEEKLY,
            ),
        )
    async with db.transaction() as s:
        trail = await audit.for_viewer(session=s, actor=admin)
    assert [e.action for e in trail.entries] == [
        AuditAction.PROGRAM_EDITED,
        AuditAction.PROGRAM_CREATED,
    ]
    assert trail.programs == {program.id: "Sales <b>&"}  # the other workspace's stays out
    text = str(
        [b.to_dict() for b in audit_trail(trail.entries, tz=admin.tz, programs=trail.programs)]
    )
    assert "Sales &lt;b&gt;&amp;" in text and "<b>" not in text
    # The test clock starts at 2026-03-02 09:00 UTC: 04:00 in New York (EST), then 06:00.
    assert text.index("06:00 EST") < text.index("04:00 EST")
    async with db.transaction() as s:
        with pytest.raises(NotAllowed):
            await audit.for_viewer(session=s, actor=mia)
