"""What managers do on the dashboard is what they do in Slack: an alert acknowledged,
snoozed or marked spoken is recorded as the Slack button records it, and its message in the
managers' channel is edited the same way; the match review proposes, locks, drops,
re-solves and approves through the services of `/mentor match`."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from sqlalchemy import select

from bot.enrolment.service import save_enrolment
from bot.ids import Action
from bot.signals import views
from fakeslack import FakeSlack, SlackSender
from infra.clock import ManualClock
from infra.deps import Deps
from scheduling.kinds import Kind
from storage.due_work import DueWork
from storage.enums import MatchRunStatus, RelationshipStatus
from storage.models import Alert, MatchRun, Relationship, User
from tests.conftest import TEAM
from tests.dashboard.browser import sign_in
from tests.dashboard.world import EVIDENCE, World
from tests.scenario.flows import delivered
from tests.service.helpers import mentee_draft, mentor_draft, person


async def alert(deps: Deps, alert_id: int) -> Alert:
    async with deps.db.transaction() as session:
        return await session.get_one(Alert, alert_id)


async def test_acknowledging_records_what_slack_records_and_edits_the_message(
    web: httpx.AsyncClient,
    fake: FakeSlack,
    deps: Deps,
    world: World,
    sender: SlackSender,
    clock: ManualClock,
) -> None:
    # In Slack, the other program's manager presses Acknowledge on their alert.
    [other_post] = [
        c
        for c in fake.calls_to("chat.postMessage")
        if c.ok and c.response and c.response["ts"] != world.alert_ts
    ]
    await sender.click(
        world.other_manager, Action.ALERT_ACK, blocks=other_post.args["blocks"], channel_id="CLEADS"
    )
    await fake.wait_for("response_url", lambda c: "Acknowledged by <@UOTHERMGR>" in str(c.args))
    # On the dashboard, this program's manager presses Acknowledge on theirs.
    csrf = await sign_in(web, fake, TEAM, world.manager)
    page = f"/dashboard/programs/{world.program.id}/at-risk"
    pressed = await web.post(
        f"/dashboard/programs/{world.program.id}/alerts/{world.alert_id}",
        data={"csrf": csrf, "what": "acknowledge"},
    )
    assert pressed.status_code == 303 and pressed.headers["location"].startswith(page)
    web_alert, slack_alert = (
        await alert(deps, world.alert_id),
        await alert(deps, world.other_alert_id),
    )
    async with deps.db.transaction() as session:
        users = {u.id: u for u in (await session.scalars(select(User))).all()}
    # The same record, whichever way it was pressed.
    for handled, by in ((web_alert, world.manager), (slack_alert, world.other_manager)):
        assert handled.state == "acknowledged" and handled.snoozed_until is None
        assert handled.handled_by is not None and users[handled.handled_by].slack_user_id == by
        assert handled.handled_at == clock.now()
    # The message in the managers' channel is edited, through the outbox, as Slack's own
    # button replaces it: handled, by whom, and no buttons left.
    [edit] = await delivered(deps, fake, "chat.update", lambda c: c.ok)
    assert edit.args["channel"] == "CLEADS" and edit.args["ts"] == world.alert_ts
    async with deps.db.transaction() as session:
        fresh = await session.get_one(Alert, world.alert_id)
        expected = [b.to_dict() for b in views.alert_message(fresh, users[fresh.handled_by or 0])]
    assert edit.args["blocks"] == expected
    [message] = [m for m in fake.messages("CLEADS") if m["ts"] == world.alert_ts]
    assert "Acknowledged by <@UMANAGER>" in str(message["blocks"])
    assert not [b for b in message["blocks"] if b["type"] == "actions"]
    # And the page says so.
    shown = await web.get(pressed.headers["location"])
    assert "Acknowledged" in shown.text and "by Person UMANAGER" in shown.text
    assert "Snooze 2 weeks" not in shown.text  # handled: no buttons left, as in Slack
    assert "its message in Slack says so" in shown.text


async def test_snooze_and_spoken_are_recorded_and_shown(
    web: httpx.AsyncClient, fake: FakeSlack, deps: Deps, world: World, clock: ManualClock
) -> None:
    csrf = await sign_in(web, fake, TEAM, world.manager)
    path = f"/dashboard/programs/{world.program.id}/alerts/{world.alert_id}"
    assert (await web.post(path, data={"csrf": csrf, "what": "snooze"})).status_code == 303
    snoozed = await alert(deps, world.alert_id)
    assert snoozed.state == "snoozed" and snoozed.snoozed_until == clock.now() + timedelta(weeks=2)
    page = await web.get(f"/dashboard/programs/{world.program.id}/at-risk")
    assert "Snoozed" in page.text and "until 15 Jun 2026" in page.text
    clock.advance(timedelta(hours=1))
    assert (await web.post(path, data={"csrf": csrf, "what": "spoken"})).status_code == 303
    assert (await alert(deps, world.alert_id)).state == "spoken"
    edits = await delivered(deps, fake, "chat.update", lambda c: c.ok, count=2)
    assert "Spoken with them by <@UMANAGER>" in str(edits[-1].args["blocks"])
    unknown = await web.post(path, data={"csrf": csrf, "what": "delete"})
    assert unknown.status_code == 400
    assert (await alert(deps, world.alert_id)).state == "spoken"


async def test_the_pairs_at_risk_page_gives_the_evidence_in_plain_words(
    web: httpx.AsyncClient, fake: FakeSlack, world: World
) -> None:
    await sign_in(web, fake, TEAM, world.manager)
    page = await web.get(f"/dashboard/programs/{world.program.id}/at-risk")
    assert "At risk" in page.text and "21 days without a meeting" in page.text
    assert "The mentor is doing the chasing" in page.text and "Not handled yet" in page.text
    assert EVIDENCE in page.text and "Began 18 May 2026" in page.text
    # The healthy pair isn't listed.
    assert page.text.count('class="pair ') == 1


async def test_the_match_review_runs_on_the_services_of_mentor_match(
    web: httpx.AsyncClient, fake: FakeSlack, deps: Deps, world: World, clock: ManualClock
) -> None:
    async with deps.db.transaction() as session:
        for n in (1, 2):
            mentee = await person(session, clock, f"UNEWMEE{n}")
            mentor = await person(session, clock, f"UNEWMOR{n}")
            await save_enrolment(
                session=session, clock=clock, user=mentee, draft=mentee_draft(world.program.id)
            )
            await save_enrolment(
                session=session, clock=clock, user=mentor, draft=mentor_draft(world.program.id)
            )
    csrf = await sign_in(web, fake, TEAM, world.manager)
    review = f"/dashboard/programs/{world.program.id}/matches"
    empty = await web.get(review)
    assert "No proposal is waiting for review" in empty.text
    assert (await web.post(review, data={"csrf": csrf})).status_code == 303
    page = await web.get(review)
    assert "Approve all" in page.text
    pairs = re.findall(r'/matches/(\d+)/pairs/(\d+)"', page.text)
    assert len({p for _, p in pairs}) >= 2
    run_id, first = pairs[0]
    second = next(p for _, p in pairs if p != first)
    lock = await web.post(f"{review}/{run_id}/pairs/{first}", data={"csrf": csrf, "what": "lock"})
    drop = await web.post(f"{review}/{run_id}/pairs/{second}", data={"csrf": csrf, "what": "drop"})
    assert lock.status_code == drop.status_code == 303
    assert "locked" in (await web.get(review)).text
    assert (await web.post(f"{review}/{run_id}/resolve", data={"csrf": csrf})).status_code == 303
    approved = await web.post(f"{review}/{run_id}/approve", data={"csrf": csrf})
    assert approved.status_code == 200 and "Matches approved" in approved.text
    async with deps.db.transaction() as session:
        run = await session.get_one(MatchRun, int(run_id))
        assert run.status is MatchRunStatus.APPROVED
        created = (
            await session.scalars(select(Relationship).where(Relationship.proposal_id.is_not(None)))
        ).all()
        assert created and all(r.status is RelationshipStatus.AWAITING_MENTOR for r in created)
        intros = (
            await session.scalars(select(DueWork).where(DueWork.kind == Kind.INTRO_SEND))
        ).all()
        assert len(intros) == len(created)
    # Approving again (a double click) creates nothing more.
    again = await web.post(f"{review}/{run_id}/approve", data={"csrf": csrf})
    assert "already approved" in again.text
