"""Replies to what people do (a form saved, a CSV asked for, a reply typed in a DM thread) are
due work, scheduled with the change they report: when Slack fails the first attempt (a 5xx,
a timeout, a 5xx after it stored the post) the sweep tries again, looks first, and each
message arrives exactly once."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable

from sqlalchemy import select

from bot.ids import Action, Callback
from fakeslack import FakeSlack, SlackSender
from infra.clock import ManualClock
from infra.deps import Deps
from mentorbot.jobs import build_sweeper
from scheduling.kinds import REPLIES, Kind
from storage.due_work import DueWork, Status
from tests.scenario.flows import MENTEE_VALUES, create_program, enrol, settle
from tests.scenario.test_capture import capture_prompt, held_meeting, reply
from tests.scenario.test_matching_flow import cohort, review, review_button

REPLIES_AND_FILES = (*REPLIES, Kind.REPORT_EXPORT, Kind.MATCH_CSV)
CLIENT_TIMEOUT = 0.3  # the sweep's client gives up after this; a "timeout" answers later


async def scheduled(
    deps: Deps, kind: Kind, ready: Callable[[DueWork], bool] = lambda row: True
) -> DueWork:
    """The reply of ``kind``, once the request (handled after its acknowledgement) has
    scheduled it as ``ready`` says."""
    deadline = time.monotonic() + 5
    while True:
        async with deps.db.transaction() as s:
            found = [r for r in await s.scalars(select(DueWork).where(DueWork.kind == kind))]
        if found and all(ready(r) for r in found):
            return found[-1]
        assert time.monotonic() < deadline, f"no {kind} was scheduled"
        await asyncio.sleep(0.02)


async def first_attempt_fails(deps: Deps, clock: ManualClock, *kinds: Kind) -> None:
    """Sweep once now (Slack fails it: the rows are counted as retried and wait), then
    at each retry's time until everything is done."""
    sweeper = build_sweeper(deps)
    report = await sweeper.sweep()
    assert sum(report.kinds[k].retried for k in kinds) == len(kinds), report.lines()
    async with deps.db.transaction() as s:
        waiting = (await s.scalars(select(DueWork).where(DueWork.kind.in_(kinds)))).all()
    assert all(r.status is Status.PENDING and r.last_error for r in waiting)
    await settle(deps, clock, sweeper, REPLIES_AND_FILES)
    async with deps.db.transaction() as s:
        rows = (await s.scalars(select(DueWork).where(DueWork.kind.in_(REPLIES_AND_FILES)))).all()
    assert {r.dedup_key: r.status for r in rows} == {r.dedup_key: Status.DONE for r in rows}


def texts(fake: FakeSlack, user: str) -> list[str]:
    return [m["text"] for m in fake.messages(user)]


async def test_program_replies_arrive_once_though_slack_stored_them_and_answered_500(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    """The manager who saves the program and the manager they add are each told once,
    though Slack stored both DMs and answered 500: the retry finds them in the DMs."""
    await create_program(sender, fake, managers=["UADMIN", "UMENTOR"])
    await scheduled(deps, Kind.MANAGER_ADDED)
    # Told how joining the digest channel went (after the acknowledgement): due now.
    await scheduled(deps, Kind.PROGRAM_SAVED, lambda row: bool(row.payload.get("access")))
    fake.fail("chat.postMessage", status=500, stored=True, times=2)
    await first_attempt_fails(deps, clock, Kind.PROGRAM_SAVED, Kind.MANAGER_ADDED)
    assert texts(fake, "UADMIN") == ["Engineering mentoring saved"]
    assert "I joined <#CLEADS>" in str(fake.messages("UADMIN")[0]["blocks"])
    assert texts(fake, "UMENTOR") == ["You're now a manager of Engineering mentoring"]
    assert len(fake.calls_to("conversations.history")) == 2  # it looked before sending again


async def test_join_and_settings_replies_arrive_once_after_a_timeout_and_a_503(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await create_program(sender, fake)
    await settle(deps, clock, build_sweeper(deps), (Kind.PROGRAM_SAVED,))
    # The join form: Slack takes the DM but answers after the sweep's client gave up.
    deps.settings = deps.settings.model_copy(update={"slack_timeout_seconds": CLIENT_TIMEOUT})
    await enrol(sender, fake, "UMENTEE", MENTEE_VALUES)
    await scheduled(deps, Kind.ENROLMENT_SAVED)
    fake.fail("chat.postMessage", delay=2 * CLIENT_TIMEOUT)
    sweeper = build_sweeper(deps)
    assert (await sweeper.sweep()).kinds[Kind.ENROLMENT_SAVED].retried == 1
    await fake.wait_for("chat.postMessage", lambda c: c.ok)  # Slack did post it, late
    await settle(deps, clock, sweeper, REPLIES_AND_FILES)
    assert texts(fake, "UMENTEE") == ["You're in Engineering mentoring"]
    # The settings form: a plain 503 (nothing stored), then it goes.
    await sender.command("UMENTEE", "settings")
    view = await fake.wait_for_view("UMENTEE", callback_id=Callback.SETTINGS_FORM)
    own = {"use_program_hours": [], "own_start": "10:00", "own_end": "12:00", "own_days": ["2"]}
    await sender.view_submission("UMENTEE", view, {**sender.values_of(view), **own})
    await scheduled(deps, Kind.SETTINGS_SAVED)
    fake.fail("chat.postMessage", status=503)
    await first_attempt_fails(deps, clock, Kind.SETTINGS_SAVED)
    assert texts(fake, "UMENTEE") == ["You're in Engineering mentoring", "Nudge settings saved"]
    assert "10:00–12:00, Wednesday" in str(fake.messages("UMENTEE")[-1]["blocks"])


async def test_the_report_export_is_built_by_the_work_and_shared_once_after_a_500(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await held_meeting(sender, fake, deps, clock)
    await settle(deps, clock, build_sweeper(deps), REPLIES_AND_FILES)
    await sender.command("UADMIN", "report export")
    await fake.wait_for("response_url", lambda c: "on its way to your DMs" in str(c.args))
    await scheduled(deps, Kind.REPORT_EXPORT)
    assert not fake.uploaded_files  # built and shared by the sweep, not the listener
    fake.fail("files.completeUploadExternal", status=500, stored=True)
    await first_attempt_fails(deps, clock, Kind.REPORT_EXPORT)
    [report] = fake.uploaded_files
    assert report["channel"] == fake.dm_channel("T0001", "UADMIN")
    content = report["content"].decode()
    assert "meetings_held" in content and "Mia,Omar,initiation" in content
    [shared] = [m for m in fake.messages("UADMIN") if m.get("files")]
    assert shared["files"][0]["title"] == "Mentoring report · Engineering mentoring"


async def test_the_match_csv_is_shared_once_after_a_503(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await cohort(sender, fake)
    view = await review(sender, fake)
    button = review_button(view, Action.MATCH_CSV)
    await settle(deps, clock, build_sweeper(deps), REPLIES_AND_FILES)
    await sender.block_action("UADMIN", Action.MATCH_CSV, value=button["value"], view=view)
    await scheduled(deps, Kind.MATCH_CSV)
    fake.fail("files.completeUploadExternal", status=503)
    await first_attempt_fails(deps, clock, Kind.MATCH_CSV)
    [upload] = fake.uploaded_files
    assert upload["content"].decode().startswith("mentee,mentor,score,status,reasons")
    assert Counter(f["channel"] for f in fake.uploaded_files) == {
        fake.dm_channel("T0001", "UADMIN"): 1
    }


async def test_a_typed_reply_is_answered_once_though_slack_stored_the_answer_and_failed(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    channel = await held_meeting(sender, fake, deps, clock)
    prompt = await capture_prompt(fake, deps, clock)
    await settle(deps, clock, build_sweeper(deps), REPLIES_AND_FILES)
    await reply(sender, prompt, "Clearer now\n- call Sam by Friday", event_id="Ev0STORED")
    await scheduled(deps, Kind.DM_REPLY)
    # Both posts of the sweep fail after Slack stored them: the answer in Mia's thread, and
    # the summary to the pair's conversation.
    fake.fail("chat.postMessage", status=500, stored=True, times=2)
    sweeper = build_sweeper(deps)
    report = await sweeper.sweep()
    assert report.kinds[Kind.DM_REPLY].retried == 1
    assert report.kinds[Kind.CAPTURE_POST].retried == 1
    await settle(deps, clock, sweeper, (Kind.DM_REPLY, Kind.CAPTURE_POST))
    thread = prompt.response["ts"]
    answers = [m for m in fake.messages("UMIA") if m.get("thread_ts") == thread != m["ts"]]
    assert [m["text"] for m in answers] == ["Got it"]
    assert "Call Sam" in str(answers[0]["blocks"])
    assert len([m for m in fake.messages(channel) if "What we agreed" in str(m)]) == 1


async def test_the_program_saved_reply_still_goes_when_joining_the_channel_fails(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    """The reply to the program form is scheduled with the save, due a minute later; joining
    the digest channel after the acknowledgement only brings it forward with the outcome. If
    that step fails (Slack down), the reply goes anyway, a minute later, without it."""
    fake.fail("conversations.join", status=503, times=3)  # the first try and both retries
    await create_program(sender, fake)
    await fake.wait_for("conversations.join", count=3)
    await fake.wait_for("chat.postMessage", lambda c: "went wrong" in str(c.args))  # apology
    sweeper = build_sweeper(deps)
    await sweeper.sweep()
    assert "Engineering mentoring saved" not in texts(fake, "UADMIN")  # not due yet
    row = await scheduled(deps, Kind.PROGRAM_SAVED)
    assert row.payload["access"] is None and row.due_at > clock.now()
    await settle(deps, clock, sweeper, REPLIES_AND_FILES)
    [saved] = [m for m in fake.messages("UADMIN") if m["text"] == "Engineering mentoring saved"]
    assert "If it's private, please invite me" in str(saved["blocks"])
