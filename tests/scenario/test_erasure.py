"""Privacy, proven on a quarter of activity (tests/service/quarter.py): a person erased (at
their own request through `/mentor forget-me`, or by a workspace admin) leaves no trace of
their Slack id, names or words in any column of any table, while the other workspace is
untouched and the managers' counts stay as they were; an erasure is idempotent and resumes
after a crash half-way; nobody can erase somebody else. A workspace that uninstalled is
purged after its grace period unless it comes back; a deactivated person leaves at once and
is erased later unless reactivated; old conversations are forgotten by the housekeeping."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from bot.digest import service as digest_svc
from bot.ids import Action
from bot.insights import service as insights
from bot.privacy import erasure
from bot.privacy import service as privacy
from bot.workspaces import service as workspaces
from fakeslack import FakeSlack, SlackSender
from infra.clock import ManualClock
from infra.deps import Deps
from scheduling import housekeeping
from scheduling.kinds import Kind
from storage.due_work import DueWork, Status
from storage.enums import AuditAction, EnrolmentStatus, RelationshipStatus
from storage.models import Agenda, AuditEntry, Enrolment, Meeting, Relationship, User
from tests.service.quarter import Quarter, found, program_of, quarter, rows_of_team, sweep
from tests.settle import settled

# Mia (UMENTEE) is erased; what only she wrote carries "umentee-secret".
MIA = ("UMENTEE", "Mia Mentee", "umentee-secret")


async def acme(deps: Deps, clock: ManualClock) -> Quarter:
    """Acme's quarter: Mia with Omar, and Olly with Pal, in one program run by Ada."""
    return await quarter(
        deps,
        clock,
        team_id="T0001",
        admin_id="UADMIN",
        pairs=(("UMENTEE", "UMENTOR"), ("UOTHER", "UPAL")),
    )


async def globex(deps: Deps, clock: ManualClock) -> Quarter:
    """Another workspace's quarter, over the same weeks."""
    clock.set(clock.now() - timedelta(weeks=12))
    return await quarter(
        deps,
        clock,
        team_id="T0002",
        admin_id="UGLOBEX",
        pairs=(("UGINA", "UGARY"),),
        program="Globex guild",
    )


async def both(deps: Deps, clock: ManualClock) -> tuple[Quarter, Quarter]:
    return await acme(deps, clock), await globex(deps, clock)


async def counts(deps: Deps, q: Quarter, now: datetime) -> dict[str, Any]:
    """What the managers see of the program as of ``now``: its insights and the digest of
    the week before."""
    async with deps.db.transaction() as s:
        program = await program_of(deps, q.program_id)
        seen = await insights.program_insights(session=s, program_id=q.program_id, now=now)
        period = digest_svc.week_so_far(now - timedelta(days=7), program.timezone)
        digest = await digest_svc.build(session=s, program=program, period=period, now=now)
    return {"insights": asdict(seen), "digest": json.loads(json.dumps(asdict(digest), default=str))}


def history(seen: dict[str, Any]) -> dict[str, Any]:
    """The counts of what happened (not of who is in a pair now, which an ending changes)."""
    i = seen["insights"]
    return {
        "weeks": i["weeks"],
        "goals_achieved": i["goals_achieved"],
        "average_checkin": i["average_checkin"],
        "funnel": {k: v for k, v in i["funnel"].items() if k not in ("ended_early",)},
    }


async def erase_until_done(deps: Deps, clock: ManualClock, runs: int = 30) -> None:
    """Sweep (a minute apart: the erasure waits for the farewell notices) until no erasure
    is left to run."""
    for _ in range(runs):
        await sweep(deps, times=1)
        async with deps.db.transaction() as s:
            left = await s.scalar(
                select(DueWork.id).where(
                    DueWork.kind == Kind.ERASE_PERSON,
                    DueWork.status.in_((Status.PENDING, Status.RUNNING)),
                    DueWork.due_at <= clock.now() + timedelta(minutes=5),
                )
            )
        if left is None:
            return
        clock.advance(minutes=1)
    raise AssertionError("the erasure did not finish")


async def last_reply(fake: FakeSlack, before: int) -> dict[str, Any]:
    calls = await fake.wait_for("response_url", lambda c: True, count=before + 1)
    return dict(calls[-1].args)


def button_values(reply: dict[str, Any], action_id: str) -> list[str]:
    return [
        e.get("value", "")
        for b in reply.get("blocks") or []
        for e in b.get("elements") or []
        if e.get("action_id") == action_id
    ]


async def relationship_status(deps: Deps, relationship_id: int) -> RelationshipStatus:
    async with deps.db.transaction() as s:
        row = await s.get(Relationship, relationship_id)
        assert row is not None
        return row.status


async def test_forget_me_erases_every_trace_and_nothing_else(
    deps: Deps, clock: ManualClock, fake: FakeSlack, sender: SlackSender
) -> None:
    a, g = await both(deps, clock)
    assert await found(deps, MIA)  # the scan sees her before
    globex_before = await rows_of_team(deps, "T0002")
    at = clock.now()
    before = await counts(deps, a, at)

    # The command says exactly what happens, with a button only she can use.
    replies = len(fake.calls_to("response_url"))
    await sender.command("UMENTEE", "forget-me")
    shown = await last_reply(fake, replies)
    text = json.dumps(shown["blocks"])
    for promise in ("end now", "without detail", "left the program", "anonymous id", "undone"):
        assert promise in text
    [value] = button_values(shown, Action.FORGET_ME)
    assert value == "UMENTEE"

    # Olly forging her button (her id in the value) erases nobody.
    replies = len(fake.calls_to("response_url"))
    await sender.block_action("UOTHER", Action.FORGET_ME, value="UMENTEE")
    refused = await last_reply(fake, replies)
    assert "someone else" in json.dumps(refused)
    await settled(sender.http)
    assert (
        await relationship_status(deps, a.relationships["UMENTEE"])
        is RelationshipStatus.CULTIVATION
    )
    assert (
        await relationship_status(deps, a.relationships["UOTHER"]) is RelationshipStatus.CULTIVATION
    )

    # She presses it: her pair ends at once, kindly, and the managers hear she left.
    replies = len(fake.calls_to("response_url"))
    await sender.block_action("UMENTEE", Action.FORGET_ME, value="UMENTEE")
    assert "being erased" in json.dumps(await last_reply(fake, replies))
    await settled(sender.http)
    assert await relationship_status(deps, a.relationships["UMENTEE"]) is RelationshipStatus.CLOSED
    async with deps.db.transaction() as s:
        pending = (
            await s.scalars(
                select(DueWork.kind).where(
                    DueWork.relationship_id == a.relationships["UMENTEE"],
                    DueWork.status == Status.PENDING,
                )
            )
        ).all()
        assert set(pending) <= {Kind.SEPARATION_NOTICE}  # the farewell, nothing else
        assert not (
            await s.scalars(
                select(DueWork.id).where(
                    DueWork.recipient_id == "UMENTEE", DueWork.status == Status.PENDING
                )
            )
        ).all()
    ended = await counts(deps, a, at)
    await erase_until_done(deps, clock)
    told = [c for c in fake.calls_to("chat.postMessage") if c.args.get("channel") == "UMENTOR"]
    assert any("no longer taking part" in json.dumps(c.args) for c in told)
    managers = [c for c in fake.calls_to("chat.postMessage") if c.args.get("channel") == "CLEADS"]
    assert any("left the program" in json.dumps(c.args) for c in managers)

    # Nothing of hers anywhere; Omar's own private words and the other pair's are kept.
    assert await found(deps, MIA) == []
    assert await found(deps, ("umentor-secret-101", "uother-secret", "upal-secret"))
    async with deps.db.transaction() as s:
        mia = await s.scalar(select(User).where(User.team_id == "T0001", User.name == ""))
        assert mia is not None and mia.slack_user_id.startswith("erased-") and mia.deleted
        enrolment = await s.scalar(select(Enrolment).where(Enrolment.user_id == mia.id))
        assert enrolment is not None and enrolment.status is EnrolmentStatus.LEFT
    # The other workspace is untouched, and the managers' counts are what they were.
    assert await rows_of_team(deps, "T0002") == globex_before
    after = await counts(deps, a, at)
    assert after == ended
    assert history(after) == history(before)
    assert g.team_id == "T0002"


async def test_an_erasure_runs_in_batches_survives_a_crash_and_runs_twice_harmlessly(
    deps: Deps, clock: ManualClock, fake: FakeSlack
) -> None:
    a = await acme(deps, clock)
    mia = a.people["UMENTEE"]
    async with deps.db.transaction() as s:
        await privacy.forget(session=s, clock=clock, actor=mia, subject=mia, why="asked")
    async with deps.db.transaction() as s:  # the erasure's own run is left for later
        await s.execute(
            DueWork.__table__.update()  # type: ignore[attr-defined]
            .where(DueWork.__table__.c.kind == Kind.ERASE_PERSON)  # type: ignore[attr-defined]
            .values(status=Status.CANCELLED)
        )
    await sweep(deps)  # the farewell notices go

    class Crash(Exception):
        pass

    # A run that dies after its first batch leaves nothing half-written.
    before_crash = await found(deps, MIA)
    with pytest.raises(Crash):
        async with deps.db.transaction() as s:
            user = await s.get(User, mia.id)
            assert user is not None
            progress = await erasure.erase_batch(session=s, now=clock.now(), user=user, limit=7)
            assert not progress.finished
            raise Crash
    assert await found(deps, MIA) == before_crash

    # Runs of seven rows each resume where the last stopped, until she is gone.
    runs = 0
    while True:
        runs += 1
        async with deps.db.transaction() as s:
            user = await s.get(User, mia.id)
            assert user is not None
            progress = await erasure.erase_batch(session=s, now=clock.now(), user=user, limit=7)
        if progress.finished:
            break
        assert runs < 200
    assert runs > 5  # it really was done in batches
    assert await found(deps, MIA) == []

    # Erasing again (the job run twice, a double press) changes nothing.
    from tests.service.helpers import everything

    done = await everything(deps.db)
    async with deps.db.transaction() as s:
        user = await s.get(User, mia.id)
        assert user is not None
        assert (await erasure.erase_batch(session=s, now=clock.now(), user=user)).finished
    async with deps.db.transaction() as s:
        schedule_again = await s.get(User, mia.id)
        assert schedule_again is not None
        await privacy.forget(
            session=s, clock=clock, actor=schedule_again, subject=schedule_again, why="asked"
        )
    await erase_until_done(deps, clock)
    again = await everything(deps.db)
    changed = [name for name in done if name != "due_work" and done[name] != again[name]]
    assert changed == []
    assert await found(deps, MIA) == []


async def test_only_workspace_admins_erase_someone_else(
    deps: Deps, clock: ManualClock, fake: FakeSlack, sender: SlackSender
) -> None:
    a = await acme(deps, clock)
    # Olly is no admin: the command and a forged admin button are refused, kindly.
    replies = len(fake.calls_to("response_url"))
    await sender.command("UOTHER", "admin forget @mia")
    assert "Only workspace admins" in json.dumps(await last_reply(fake, replies))
    replies = len(fake.calls_to("response_url"))
    await sender.block_action("UOTHER", Action.ADMIN_FORGET, value="UMENTEE")
    assert "Only workspace admins" in json.dumps(await last_reply(fake, replies))
    await settled(sender.http)
    assert (
        await relationship_status(deps, a.relationships["UMENTEE"])
        is RelationshipStatus.CULTIVATION
    )
    # Ada is: she names Mia by her handle (as Slack last told us: Mia used the app lately)
    # and confirms.
    replies = len(fake.calls_to("response_url"))
    await sender.command("UMENTEE", "help")
    await last_reply(fake, replies)
    replies = len(fake.calls_to("response_url"))
    await sender.command("UADMIN", "admin forget @mia")
    shown = await last_reply(fake, replies)
    assert button_values(shown, Action.ADMIN_FORGET) == ["UMENTEE"]
    replies = len(fake.calls_to("response_url"))
    await sender.block_action("UADMIN", Action.ADMIN_FORGET, value="UMENTEE")
    assert "being erased" in json.dumps(await last_reply(fake, replies))
    await settled(sender.http)
    await erase_until_done(deps, clock)
    assert await found(deps, MIA) == []
    # The audit trail says an admin erased someone: who did it, never who it was.
    async with deps.db.transaction() as s:
        [entry] = (
            await s.scalars(
                select(AuditEntry).where(AuditEntry.action == AuditAction.ADMIN_ERASURE)
            )
        ).all()
    assert entry.actor_slack_id == "UADMIN" and entry.subject_id.startswith("erased-")
    # Someone of another workspace can't be named, even by an admin.
    replies = len(fake.calls_to("response_url"))
    await sender.block_action("UADMIN", Action.ADMIN_FORGET, value="UGINA")
    assert "keeps nothing" in json.dumps(await last_reply(fake, replies))


async def primary_keys(deps: Deps, team_id: str) -> dict[str, set[str]]:
    rows = await rows_of_team(deps, team_id)
    return {
        table: {
            json.dumps({k: v for k, v in json.loads(r).items() if k in ("id", "event_id")})
            for r in found_rows
        }
        for table, found_rows in rows.items()
    }


async def test_an_uninstalled_workspace_is_purged_after_its_grace_unless_it_returns(
    deps: Deps, clock: ManualClock, fake: FakeSlack, sender: SlackSender
) -> None:
    await both(deps, clock)
    globex_before = await primary_keys(deps, "T0002")
    assert await rows_of_team(deps, "T0001")

    await sender.event({"type": "app_uninstalled"})
    await settled(sender.http)
    async with deps.db.transaction() as s:
        [purge] = (
            await s.scalars(select(DueWork).where(DueWork.kind == Kind.PURGE_WORKSPACE))
        ).all()
        assert purge.due_at == clock.now() + timedelta(days=30)
    await sender.event({"type": "app_uninstalled"})  # Slack's retry keeps the deadline
    await settled(sender.http)

    # Back within the grace: the purge is called off, and nothing is lost.
    clock.advance(days=20)
    await workspaces.reinstalled(deps, team_id="T0001")
    clock.advance(days=20)
    await sweep(deps)
    assert await rows_of_team(deps, "T0001")
    assert await found(deps, ("umentee-secret",))

    # Gone again, for good: after the grace not one row of the workspace is left.
    await sender.event({"type": "app_uninstalled"})
    await settled(sender.http)
    clock.advance(days=31)
    for _ in range(20):
        await sweep(deps, times=1)
    assert await rows_of_team(deps, "T0001") == {}
    assert await found(deps, ("umentee", "umentor", "uother", "upal-secret")) == []
    globex_after = await primary_keys(deps, "T0002")
    for table, keys in globex_before.items():
        if table != "due_work":
            assert keys <= globex_after.get(table, set()), table


async def test_a_deactivated_person_leaves_at_once_and_is_erased_later_unless_back(
    deps: Deps, clock: ManualClock, fake: FakeSlack, sender: SlackSender
) -> None:
    a = await acme(deps, clock)
    gone = {**fake.workspaces["T0001"].users["UMENTEE"], "deleted": True}
    back = {**fake.workspaces["T0001"].users["UMENTEE"], "deleted": False}
    await sender.event({"type": "user_change", "user": gone})
    await settled(sender.http)
    assert await relationship_status(deps, a.relationships["UMENTEE"]) is RelationshipStatus.CLOSED
    async with deps.db.transaction() as s:
        [later] = (
            await s.scalars(
                select(DueWork).where(
                    DueWork.kind == Kind.ERASE_PERSON, DueWork.status == Status.PENDING
                )
            )
        ).all()
        assert later.due_at == clock.now() + relativedelta(months=24)
    # Reactivated: the erasure is called off.
    await sender.event({"type": "user_change", "user": back})
    await settled(sender.http)
    clock.advance(days=800)
    await sweep(deps)
    assert await found(deps, ("umentee-secret",))
    # Deactivated again, and not back: erased after the retention period.
    await sender.event({"type": "user_change", "user": gone})
    await settled(sender.http)
    await sweep(deps)
    assert await found(deps, ("umentee-secret",))
    clock.advance(days=731)
    await erase_until_done(deps, clock)
    assert await found(deps, MIA) == []


async def test_housekeeping_forgets_old_conversations_and_keeps_the_counts(
    deps: Deps, clock: ManualClock, fake: FakeSlack
) -> None:
    a = await acme(deps, clock)
    # Olly's pair closes now; Mia's goes on.
    async with deps.db.transaction() as s:
        olly = await s.get(Relationship, a.relationships["UOTHER"])
        assert olly is not None
        olly.status, olly.ended_at = RelationshipStatus.CLOSED, clock.now()
    at = clock.now()
    before = history(await counts(deps, a, at))
    clock.advance(days=365 * 2 + 40)
    async with deps.db.transaction() as s:
        assert await housekeeping.forget_old_conversations(s, clock.now(), months=0) == 0
        await housekeeping.plan(s, clock.now())
    await sweep(deps)
    assert await found(deps, ("uother-secret-1",)) != []  # his profile stays
    async with deps.db.transaction() as s:
        agendas = (
            await s.execute(
                select(Meeting.relationship_id, Agenda.goal).join(
                    Agenda, Agenda.meeting_id == Meeting.id
                )
            )
        ).all()
    assert {goal for rel, goal in agendas if rel == a.relationships["UOTHER"]} == {""}
    assert all(goal for rel, goal in agendas if rel == a.relationships["UMENTEE"])
    assert history(await counts(deps, a, at)) == before
