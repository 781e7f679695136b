"""Time-driven prompts re-check, when they go out, the state they were planned for: the state
may have changed while they waited for their time, the recipient's working hours or a pause.
Through the front door: real requests change the state, sweeps run at chosen instants, and the
fake Slack shows what was (not) sent."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.ids import Action, Callback
from fakeslack import FakeSlack, SlackSender
from infra.clock import ManualClock
from infra.deps import Deps
from scheduling.kinds import Kind
from storage.due_work import DueWork, Status
from storage.enums import RelationshipStatus
from tests.scenario.flows import MENTOR_VALUES, delivered, enrol
from tests.scenario.test_capture import capture_prompt, held_meeting, reply
from tests.scenario.test_engagement import follow_up
from tests.scenario.test_matching_flow import (
    accepted_pair,
    approved,
    cohort,
    intro_blocks,
    relationships,
    review,
    sweep,
    text_of,
)
from tests.scenario.test_meetings import book, posts
from tests.scenario.test_separation import pair


async def ran(deps: Deps, kind: str) -> list[str]:
    """The recipients of the work of ``kind`` that has run (done, whatever it sent)."""
    async with deps.db.transaction() as s:
        found = await s.scalars(
            select(DueWork.recipient_id)
            .where(DueWork.kind == kind, DueWork.status == Status.DONE)
            .order_by(DueWork.id)
        )
        return [str(r) for r in found.all()]


async def accepted_by(deps: Deps, mentor: str) -> None:
    """Wait until ``mentor`` has accepted (an action is handled after its ack)."""
    deadline = asyncio.get_running_loop().time() + 5
    while not any(
        r.mentor.slack_user_id == mentor and r.status is RelationshipStatus.INITIATION
        for r in await relationships(deps.db)
    ):
        assert asyncio.get_running_loop().time() < deadline, f"{mentor} never accepted"
        await asyncio.sleep(0.01)


PREPARE = "While you wait for your mentor"
WAITLIST = "on the waiting list"
NUDGE = "would like to hear how things are going"


async def test_a_mentee_matched_and_accepted_on_the_day_she_joined_is_not_told_she_waits(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    # Everyone joins on Monday 2 March, 09:00 UTC; Mia is matched with Omar, who accepts.
    await accepted_pair(sender, fake, deps)
    # Tuesday 10:00 UTC: the day-after nudges are due, in everyone's working hours.
    clock.set(datetime(2026, 3, 3, 10, 0, tzinfo=UTC))
    await sweep(deps)
    await sweep(deps)
    assert "UMIA" in await ran(deps, Kind.MENTEE_PREPARE)
    assert not posts(fake, "UMIA", PREPARE)  # she has her mentor
    # The mentees still waiting for a mentor's answer, or for a match, still get it.
    assert posts(fake, "UKEN", PREPARE) and posts(fake, "UZOE", PREPARE)


async def test_a_mentee_who_left_before_her_hours_gets_no_waiting_list_notice(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    # Monday 2 March, 12:00 UTC: 17:30 in Kolkata, after Zoe's hours. The matching round
    # leaves her unmatched; her waiting-list notice waits for her morning.
    clock.set(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    await cohort(sender, fake)
    view = await review(sender, fake)
    await sender.view_submission("UADMIN", view, {})
    await sweep(deps)
    assert not posts(fake, "UZOE", WAITLIST)
    matched = {r.mentee.slack_user_id for r in await relationships(deps.db)}
    assert "UZOE" not in matched
    # She leaves the program that evening.
    await sender.command("UZOE", "leave")
    choices = await fake.wait_for("response_url", lambda c: "Leave" in str(c.args))
    await sender.click("UZOE", Action.LEAVE, blocks=choices[-1].args["blocks"])
    await fake.wait_for("response_url", lambda c: "You've left" in str(c.args))
    # Tuesday, 09:30 in Kolkata: nothing tells her she is first in line for a mentor.
    clock.set(datetime(2026, 3, 3, 4, 0, tzinfo=UTC))
    await sweep(deps)
    await sweep(deps)
    assert await ran(deps, Kind.WAITLIST_NOTICE) == ["UZOE"]  # it came round, and
    assert not posts(fake, "UZOE", WAITLIST)  # said nothing


async def test_a_wrap_up_planned_for_the_old_end_says_nothing_after_an_extension(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await accepted_pair(sender, fake, deps)
    relationship = await pair(deps)
    assert relationship.ends_at is not None
    end = relationship.ends_at  # Tuesday 2 March 2027, 09:00 UTC
    # Two weeks before, at 10:00 UTC: Mia (Lisbon) gets her wrap-up; for Omar it is 05:00 in
    # New York, so his waits for his morning.
    clock.set(end - timedelta(days=14) + timedelta(hours=1))
    await sweep(deps)
    [wrap_mia] = posts(fake, "UMIA", "Your mentoring with *Omar* ends")
    assert not posts(fake, "UOMAR", "Your mentoring with *Mia* ends")
    # She proposes two more months; Omar agrees from the request, before his hours.
    await sender.click("UMIA", Action.SEP_EXTEND, blocks=wrap_mia.args["blocks"])
    form = await fake.wait_for_view("UMIA", callback_id=Callback.EXTEND_FORM)
    new_end = (end + timedelta(days=63)).date()
    await sender.view_submission("UMIA", form, {"new_end": new_end.isoformat()})
    await sweep(deps)
    [request] = posts(fake, "UOMAR", "would like to keep going until")
    await sender.click("UOMAR", Action.SEP_AGREE, blocks=request.args["blocks"])
    await fake.wait_for("response_url", lambda c: "Extended" in str(c.args))
    assert (await pair(deps)).status is RelationshipStatus.CULTIVATION
    # 09:00 in New York: Omar's wrap-up for the old end comes round, and says nothing.
    clock.set(end - timedelta(days=14) + timedelta(hours=5))
    await sweep(deps)
    await sweep(deps)
    assert await ran(deps, Kind.WRAP_UP) == ["UMIA", "UOMAR"]
    assert not posts(fake, "UOMAR", "Your mentoring with *Mia* ends")
    assert (await pair(deps)).status is RelationshipStatus.CULTIVATION
    # Two weeks before the new end, both are asked.
    extended = await pair(deps)
    assert extended.ends_at is not None and extended.ends_at.date() == new_end
    clock.set(extended.ends_at - timedelta(days=14) + timedelta(hours=5))
    await sweep(deps)
    assert len(posts(fake, "UMIA", "Your mentoring with *Omar* ends")) == 2
    assert len(posts(fake, "UOMAR", "Your mentoring with *Mia* ends")) == 1
    assert (await pair(deps)).status is RelationshipStatus.SEPARATION


async def test_an_action_reminder_held_past_its_due_day_does_not_say_due_today(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await held_meeting(sender, fake, deps, clock)  # Wednesday 4 March
    prompt = await capture_prompt(fake, deps, clock)
    await reply(sender, prompt, "- call Sam by Saturday", event_id="Ev0SATURDAY")
    await delivered(deps, fake, "chat.postMessage", lambda c: "understood" in str(c.args))

    def reminders() -> list[Any]:  # not the reply in the prompt's thread, which names it too
        return [c for c in posts(fake, "UMIA", "Call Sam") if not c.args.get("thread_ts")]

    # Saturday is outside Mia's working days: her reminder waits for Monday.
    clock.set(datetime(2026, 3, 7, 10, 0, tzinfo=UTC))
    await sweep(deps)
    assert not reminders()
    clock.set(datetime(2026, 3, 9, 9, 5, tzinfo=UTC))  # Monday, 09:05 in Lisbon
    await sweep(deps)
    [reminder] = reminders()
    said = text_of(reminder.args["blocks"]) + str(reminder.args["text"])
    assert "Due today" not in said
    assert "Due Sat 07 Mar and still open" in said


async def test_a_mentee_matched_again_overnight_is_not_told_she_is_back_in_the_pool(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await approved(sender, fake, deps)  # Monday 09:00 UTC: Mia is introduced to Omar
    # Monday 19:00 UTC, after Mia's hours in Lisbon: Omar declines. Her notice waits.
    clock.set(datetime(2026, 3, 2, 19, 0, tzinfo=UTC))
    channel, blocks = intro_blocks(fake, "UMIA")
    await sender.click("UOMAR", Action.INTRO_DECLINE, blocks=blocks, channel_id=channel)
    form = await fake.wait_for_view("UOMAR", callback_id=Callback.DECLINE_FORM)
    await sender.view_submission("UOMAR", form, {"reason": "No time this quarter"})
    await sweep(deps)
    assert not posts(fake, "UMIA", "back in the pool")
    # That evening a new SQL mentor joins, the manager matches again, and Nia accepts Mia.
    fake.add_user("T0001", "UNIA", name="nia", real_name="Nia", tz="America/New_York")
    await enrol(sender, fake, "UNIA", {**MENTOR_VALUES, "expertise": ["SQL"], "capacity": "2"})
    view = await review(sender, fake)
    await sender.view_submission("UADMIN", view, {})
    await sweep(deps)
    channel, blocks = intro_blocks(fake, "UNIA")
    assert "<@UMIA>" in text_of(blocks)
    await sender.click("UNIA", Action.INTRO_ACCEPT, blocks=blocks, channel_id=channel)
    await accepted_by(deps, "UNIA")  # the click is acknowledged first, then handled
    await sweep(deps)
    # Tuesday 09:05 in Lisbon: both notices for Mia come round; only the true one is said.
    clock.set(datetime(2026, 3, 3, 9, 5, tzinfo=UTC))
    await sweep(deps)
    await sweep(deps)
    assert (await ran(deps, Kind.RELATIONSHIP_NOTICE)).count("UMIA") == 2
    assert posts(fake, "UMIA", "Nia accepted")
    assert not posts(fake, "UMIA", "back in the pool")


async def test_a_follow_up_nudge_says_nothing_once_the_mentee_has_taken_the_initiative(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await accepted_pair(sender, fake, deps)
    # Tuesday 19:00 UTC: 14:00 for Omar, who follows up; after hours for Mia in Lisbon.
    clock.set(datetime(2026, 3, 3, 19, 0, tzinfo=UTC))
    await follow_up(sender, fake, "nudge Mia")
    await sweep(deps)
    assert not posts(fake, "UMIA", NUDGE)
    # That evening she books their next meeting herself.
    friday = datetime(2026, 3, 6, 10, 0, tzinfo=UTC)
    await book(sender, fake, "UMIA", {"when": int(friday.timestamp()), "minutes": "30"})
    await sweep(deps)
    # Wednesday, 09:05 in Lisbon: the nudge comes round and has nothing left to ask.
    clock.set(datetime(2026, 3, 4, 9, 5, tzinfo=UTC))
    await sweep(deps)
    assert await ran(deps, Kind.FOLLOW_UP_NUDGE) == ["UMIA"]
    assert not posts(fake, "UMIA", NUDGE)
    # A follow-up she hasn't answered is still passed on, in her hours.
    clock.set(datetime(2026, 3, 5, 15, 0, tzinfo=UTC))
    await follow_up(sender, fake, "nudge Mia")
    await sweep(deps)
    assert len(posts(fake, "UMIA", NUDGE)) == 1
