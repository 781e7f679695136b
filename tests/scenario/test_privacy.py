"""Data protection through the front door: the audit trail (`/mentor audit`, the report
export recorded as it is built) and `/mentor my-data` (the person's own data in their DM,
never what their partner told the managers privately)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.activity import ActivityKind
from bot.ids import Action
from fakeslack import FakeSlack, SlackSender
from infra.clock import ManualClock
from infra.deps import Deps
from scheduling.api import schedule
from scheduling.kinds import Kind
from storage.due_work import DueWork, Status, Timing
from storage.enums import ActorRole, AuditAction, AuditSubject, RelationshipStatus
from storage.models import (
    ActivityEvent,
    Agenda,
    AuditEntry,
    CheckIn,
    ClosingSurvey,
    Enrolment,
    Meeting,
    Relationship,
    User,
)
from tests.scenario.flows import delivered
from tests.scenario.test_capture import held_meeting
from tests.scenario.test_goals import ephemeral
from tests.scenario.test_matching_flow import cohort, review, review_button, sweep, text_of

# Mia's own, or what the pair shares: in her export.
MINE = ("QUOKKAGOAL", "PANGOLINAGENDA", "WOMBATNOTE")
# What Omar (and Ann, who declined her) told the managers privately: never in hers.
THEIRS = ("OCELOTDECLINE", "IBISENDREASON", "AXOLOTLNOTE", "NARWHALSURVEY", "NARWHALEVENT")


async def audit_entries(deps: Deps) -> list[AuditEntry]:
    async with deps.db.transaction() as s:
        return list((await s.scalars(select(AuditEntry).order_by(AuditEntry.id))).all())


async def test_the_audit_trail_for_admins_in_their_zone_and_refused_to_others(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    fake.add_user(
        "T0001", "UADMIN", name="ada", real_name="Ada Admin", tz="Asia/Tokyo", is_admin=True
    )
    await held_meeting(sender, fake, deps, clock)
    assert [e.action for e in await audit_entries(deps)] == [
        AuditAction.PROGRAM_CREATED,
        AuditAction.MATCH_APPROVED,
    ]
    # The report export is recorded when the sweep builds it, once.
    await sender.command("UADMIN", "report export")
    await delivered(deps, fake, "files.completeUploadExternal", lambda c: c.ok)
    *_, exported = await audit_entries(deps)
    assert (exported.action, exported.actor_slack_id) == (AuditAction.REPORT_EXPORT, "UADMIN")
    assert (exported.subject_kind, exported.details) == (
        AuditSubject.PROGRAM,
        {"rows": 2},
    )  # two pairs
    await sweep(deps)
    assert len(await audit_entries(deps)) == 3

    shown = await ephemeral(sender, fake, "UADMIN", "audit")
    text = text_of(shown["blocks"])
    lines = [line for line in text.splitlines() if "<@UADMIN>" in line]
    assert len(lines) == 3
    assert "exported the relationships report" in lines[0]  # newest first
    assert "created a program" in lines[-1] and "*Engineering mentoring*" in lines[-1]
    # The program was created at 2026-03-02 09:00 UTC: 18:00 in Tokyo.
    assert "Mon 02 Mar 2026 18:00 JST" in lines[-1]
    assert "times in Asia/Tokyo" in text
    assert "`/mentor audit`" in text_of((await ephemeral(sender, fake, "UADMIN", "help"))["blocks"])

    refused = await ephemeral(sender, fake, "UMIA", "audit")
    assert "Only workspace admins and owners can see the audit trail" in str(refused)
    assert "<@UADMIN>" not in str(refused)
    assert "/mentor audit" not in str(await ephemeral(sender, fake, "UMIA", "help"))


async def seed_private_text(deps: Deps, clock: ManualClock) -> None:
    """Mia's own words and the pair's agenda; what Omar and Ann told the managers."""
    now = clock.now()
    async with deps.db.transaction() as s:
        users = {u.slack_user_id: u for u in (await s.scalars(select(User))).all()}
        mia, omar, ann = users["UMIA"], users["UOMAR"], users["UANN"]
        pair = (
            await s.scalars(
                select(Relationship).where(
                    Relationship.mentee_user_id == mia.id, Relationship.mentor_user_id == omar.id
                )
            )
        ).one()
        enrolment = (await s.scalars(select(Enrolment).where(Enrolment.user_id == mia.id))).one()
        enrolment.goals = "Become a QUOKKAGOAL lead"
        meeting = (await s.scalars(select(Meeting))).one()
        s.add(
            Agenda(
                team_id="T0001",
                meeting_id=meeting.id,
                goal="PANGOLINAGENDA",
                author_id=mia.id,
                created_at=now,
                updated_at=now,
            )
        )
        for user, role, note in (
            (mia, ActorRole.MENTEE, "WOMBATNOTE"),
            (omar, ActorRole.MENTOR, "AXOLOTLNOTE"),
        ):
            s.add(
                CheckIn(
                    team_id="T0001",
                    relationship_id=pair.id,
                    user_id=user.id,
                    role=role,
                    round=1,
                    asked_at=now,
                    answered_at=now,
                    score=4,
                    note=note,
                    share_note=True,
                )
            )
        s.add(
            ClosingSurvey(
                team_id="T0001",
                relationship_id=pair.id,
                user_id=omar.id,
                role=ActorRole.MENTOR,
                outcome="NARWHALSURVEY",
                goals_met="partly",
                recommend=False,
                created_at=now,
            )
        )
        s.add(
            ActivityEvent(
                team_id="T0001",
                program_id=pair.program_id,
                relationship_id=pair.id,
                actor_user_id=omar.id,
                actor_role=ActorRole.MENTOR,
                kind=ActivityKind.RELATIONSHIP_CLOSED,
                occurred_at=now,
                data={"outcome": "NARWHALEVENT", "goals_met": "partly"},
            )
        )
        # Ann declined Mia earlier, with a reason for the managers; and ended it, with another.
        s.add(
            Relationship(
                team_id="T0001",
                program_id=pair.program_id,
                mentor_user_id=ann.id,
                mentee_user_id=mia.id,
                status=RelationshipStatus.DECLINED,
                created_at=now - timedelta(days=3),
                updated_at=now,
                declined_at=now,
                decline_reason="OCELOTDECLINE",
                ended_by_role=ActorRole.MENTOR,
                end_reason="IBISENDREASON",
            )
        )


def shared_with(fake: FakeSlack, user: str) -> dict[str, Any]:
    channel = fake.dm_channel("T0001", user)
    return {
        f["filename"].rsplit(".", 1)[1]: f for f in fake.uploaded_files if f["channel"] == channel
    }


async def test_my_data_sends_the_persons_own_data_and_never_the_partners_private_words(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await held_meeting(sender, fake, deps, clock)
    await seed_private_text(deps, clock)
    await sweep(deps)
    before = len(await audit_entries(deps))
    shown = await ephemeral(sender, fake, "UMIA", "my-data")
    assert "on its way to your DMs" in str(shown)
    assert not shared_with(fake, "UMIA")  # built by the sweep, not the listener
    await delivered(deps, fake, "files.completeUploadExternal", lambda c: c.ok, count=2)
    files = shared_with(fake, "UMIA")
    assert set(files) == {"json", "md"}
    raw = files["json"]["content"].decode()
    data = json.loads(raw)
    summary = files["md"]["content"].decode()
    assert data["you"]["slack_user_id"] == "UMIA"
    for marker in MINE:
        assert marker in raw, marker
    assert "QUOKKAGOAL" in summary
    for marker in THEIRS:
        assert marker not in raw and marker not in summary, marker
    [own] = data["your_check_ins"]
    assert (own["note"], own["score"]) == ("WOMBATNOTE", 4)
    assert data["your_closing_surveys"] == []
    statuses = sorted(r["status"] for r in data["relationships"])
    assert statuses == ["declined", "initiation"]
    assert {r["your_role"] for r in data["relationships"]} == {"mentee"}
    [closed] = [e for e in data["activity"] if e["kind"] == "relationship_closed"]
    assert closed["data"] == {} and not closed["by_you"]
    # Recorded: Mia exported her own data. No entry holds anyone's words.
    trail = repr([(e.subject_id, e.details) for e in await audit_entries(deps)])
    assert not [m for m in (*MINE, *THEIRS) if m in trail]
    [entry] = (await audit_entries(deps))[before:]
    assert (entry.action, entry.actor_slack_id) == (AuditAction.MY_DATA_EXPORT, "UMIA")
    assert (entry.subject_kind, entry.subject_id) == (AuditSubject.PERSON, "UMIA")
    assert entry.details["meetings"] == 1

    # Omar naming Mia still gets his own: his note and survey, not hers.
    await sender.command("UOMAR", "my-data <@UMIA>")
    await delivered(deps, fake, "files.completeUploadExternal", lambda c: c.ok, count=4)
    assert len(shared_with(fake, "UMIA")) == 2
    his = shared_with(fake, "UOMAR")["json"]["content"].decode()
    assert json.loads(his)["you"]["slack_user_id"] == "UOMAR"
    assert "AXOLOTLNOTE" in his and "NARWHALSURVEY" in his and "PANGOLINAGENDA" in his
    assert "WOMBATNOTE" not in his and "OCELOTDECLINE" not in his


async def test_a_forged_export_for_someone_else_is_refused_by_the_work(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await held_meeting(sender, fake, deps, clock)
    await sweep(deps)
    async with deps.db.transaction() as s:
        mia = (await s.scalars(select(User).where(User.slack_user_id == "UMIA"))).one()
        # Mia's data, addressed to Omar: not something any command makes, but never sent.
        await schedule(
            session=s,
            now=clock.now(),
            kind=Kind.MY_DATA_EXPORT,
            key="forged",
            team_id="T0001",
            recipient_id="UOMAR",
            due_at=clock.now(),
            timing=Timing.IMMEDIATE,
            payload={"user_id": mia.id},
        )
    before = len(await audit_entries(deps))
    await sweep(deps)
    async with deps.db.transaction() as s:
        work = (await s.scalars(select(DueWork).where(DueWork.dedup_key == "forged"))).one()
    assert work.status is Status.FAILED
    assert not fake.uploaded_files
    assert len(await audit_entries(deps)) == before


async def test_the_match_csv_is_recorded_when_the_sweep_builds_it(
    sender: SlackSender, fake: FakeSlack, deps: Deps
) -> None:
    await cohort(sender, fake)
    view = await review(sender, fake)
    button = review_button(view, Action.MATCH_CSV)
    assert not await audit_entries(deps) or all(
        e.action is not AuditAction.MATCH_CSV for e in await audit_entries(deps)
    )
    await sender.block_action("UADMIN", Action.MATCH_CSV, value=button["value"], view=view)
    await delivered(deps, fake, "files.completeUploadExternal", lambda c: c.ok)
    await sweep(deps)
    [entry] = [e for e in await audit_entries(deps) if e.action is AuditAction.MATCH_CSV]
    [upload] = fake.uploaded_files
    rows = len(upload["content"].decode().strip().splitlines()) - 1
    assert (entry.actor_slack_id, entry.subject_kind) == ("UADMIN", AuditSubject.MATCH_RUN)
    assert entry.details == {"rows": rows} and rows > 0
