"""Meetings and GROW agendas through the front door: booking, the calendar file, the agenda
prompt the working day before, the agenda posted to the pair, reminders, moves and cancels."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select

from bot.ids import Action, Callback
from fakeslack import FakeSlack, SlackSender
from infra.clock import ManualClock
from infra.deps import Deps
from storage.enums import ActorRole, MeetingStatus
from storage.models import ActivityEvent, Meeting
from tests.scenario.test_matching_flow import accepted_pair, sweep, text_of
from tests.settle import settled

MONDAY_9 = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)  # 09:00 in Lisbon, Mia's zone


async def book(
    sender: SlackSender, fake: FakeSlack, user: str, values: dict[str, Any]
) -> dict[str, Any]:
    await sender.command(user, "meet")
    form = await fake.wait_for_view(user, callback_id=Callback.MEETING_FORM)
    response = await sender.view_submission(user, form, {**sender.values_of(form), **values})
    return response.json() if response.content else {}


async def events(deps: Deps, kind: str) -> list[ActivityEvent]:
    async with deps.db.transaction() as s:
        rows = await s.scalars(select(ActivityEvent).where(ActivityEvent.kind == kind))
        return list(rows.all())


async def meetings(deps: Deps) -> list[Meeting]:
    async with deps.db.transaction() as s:
        return list((await s.scalars(select(Meeting).order_by(Meeting.id))).all())


def posts(fake: FakeSlack, channel: str, text: str) -> list[Any]:
    return [
        c
        for c in fake.calls_to("chat.postMessage", channel=channel)
        if c.ok and text in text_of(c.args.get("blocks")) + str(c.args.get("text"))
    ]


async def test_booking_is_checked_posted_to_the_pair_and_offered_as_a_calendar_file(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock, http: httpx.AsyncClient
) -> None:
    deps.settings.public_url = "https://mentorbot.example.com"
    channel = await accepted_pair(sender, fake, deps)
    past = await book(sender, fake, "UMIA", {"when": int(clock.now().timestamp()) - 3600})
    assert past["response_action"] == "errors" and "passed" in past["errors"]["when"]
    far = await book(sender, fake, "UMIA", {"when": int(MONDAY_9.timestamp()) + 2 * 365 * 86400})
    assert "within the next year" in far["errors"]["when"]
    assert await meetings(deps) == []

    ok = await book(
        sender,
        fake,
        "UMIA",
        {"when": int(MONDAY_9.timestamp()), "minutes": "45", "place": "Room <!here> 4"},
    )
    assert ok.get("response_action") is None
    [meeting] = await meetings(deps)
    assert meeting.starts_at == MONDAY_9 and meeting.booked_by_role is ActorRole.MENTEE
    [booked] = await events(deps, "meeting_booked")
    assert booked.actor_role is ActorRole.MENTEE

    await sweep(deps)
    [post] = posts(fake, channel, "Meeting")
    text = text_of(post.args["blocks"])
    assert f"<!date^{int(MONDAY_9.timestamp())}^" in text  # each reader's own time zone
    assert "Room &lt;!here&gt; 4" in text
    link = next(
        e["url"]
        for b in post.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == Action.MEETING_ICS
    )
    assert link.startswith("https://mentorbot.example.com/meetings/T0001/")
    path = link.removeprefix("https://mentorbot.example.com")
    calendar = await http.get(path)
    assert calendar.status_code == 200
    assert calendar.headers["content-type"].startswith("text/calendar")
    assert "DTSTART:20260309T090000Z" in calendar.text
    assert "DTEND:20260309T094500Z" in calendar.text
    forged = await http.get(path.replace(f"/{meeting.id}.ics", f"/{meeting.id + 1}.ics"))
    assert forged.status_code == 404

    clash = await book(
        sender, fake, "UOMAR", {"when": int(MONDAY_9.timestamp()) + 900, "minutes": "30"}
    )
    assert "already have a meeting" in clash["errors"]["when"]


async def test_the_agenda_prompt_arrives_the_working_day_before_and_the_agenda_reaches_the_pair(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    channel = await accepted_pair(sender, fake, deps)
    await book(sender, fake, "UMIA", {"when": int(MONDAY_9.timestamp()), "minutes": "45"})
    await sweep(deps)
    clock.set(datetime(2026, 3, 6, 15, 0, tzinfo=UTC))  # Friday 15:00 in Lisbon
    await sweep(deps)
    assert not posts(fake, "UMIA", "Mentees who arrive with an agenda")
    clock.set(datetime(2026, 3, 6, 16, 5, tzinfo=UTC))  # Friday 16:05: the prompt is due
    await sweep(deps)
    [prompt] = posts(fake, "UMIA", "Mentees who arrive with an agenda")
    assert "What do you want from this session?" in text_of(prompt.args["blocks"])
    await sweep(deps)
    assert len(posts(fake, "UMIA", "Mentees who arrive with an agenda")) == 1

    # The mentor can't write it for her.
    await sender.click("UOMAR", Action.AGENDA_WRITE, blocks=prompt.args["blocks"])
    await fake.wait_for("response_url", lambda c: "The mentee writes the agenda" in str(c.args))

    await sender.click("UMIA", Action.AGENDA_WRITE, blocks=prompt.args["blocks"])
    form = await fake.wait_for_view("UMIA", callback_id=Callback.AGENDA_FORM)
    empty = (await sender.view_submission("UMIA", form, {})).json()
    assert "goal" in empty["errors"]
    agenda = {
        "goal": "Decide whether to lead the migration <!channel>",
        "reality": "I've shadowed two leads",
        "options": "",
        "way_forward": "Your view on my plan",
    }
    await sender.view_submission("UMIA", form, agenda)
    await sender.view_submission("UMIA", form, agenda)  # a double submit
    await sweep(deps)
    [posted] = posts(fake, channel, "'s agenda")
    text = text_of(posted.args["blocks"])
    assert "lead the migration &lt;!channel&gt;" in text and "Your view on my plan" in text
    [written] = await events(deps, "agenda_written")
    assert written.actor_role is ActorRole.MENTEE
    assert "migration" not in str(written.data)  # the log never holds agenda text

    clock.set(datetime(2026, 3, 9, 7, 30, tzinfo=UTC))
    await sweep(deps)
    assert not posts(fake, "UMIA", "no agenda yet")  # she wrote one: no reminder
    clock.set(MONDAY_9)
    await sweep(deps)
    assert await events(deps, "no_agenda") == []
    [meeting] = await meetings(deps)
    assert meeting.status is MeetingStatus.HELD


async def test_no_agenda_gets_one_reminder_then_is_recorded(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await accepted_pair(sender, fake, deps)
    wednesday_14 = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)
    await book(sender, fake, "UMIA", {"when": int(wednesday_14.timestamp()), "minutes": "30"})
    await sweep(deps)
    clock.set(datetime(2026, 3, 3, 14, 0, tzinfo=UTC))
    await sweep(deps)
    assert len(posts(fake, "UMIA", "Mentees who arrive with an agenda")) == 1
    clock.set(datetime(2026, 3, 4, 12, 0, tzinfo=UTC))
    await sweep(deps)
    await sweep(deps)
    assert len(posts(fake, "UMIA", "no agenda yet")) == 1
    clock.set(wednesday_14)
    await sweep(deps)
    [missing] = await events(deps, "no_agenda")
    assert missing.actor_role is ActorRole.SYSTEM


async def test_moving_and_cancelling_update_the_booking_and_the_prompts(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    channel = await accepted_pair(sender, fake, deps)
    fake.add_user("T0001", "UEVE", name="eve", real_name="Eve", tz="Europe/London")
    # The mentor books this one: that is the mentor taking the initiative.
    await book(sender, fake, "UOMAR", {"when": int(MONDAY_9.timestamp()), "minutes": "60"})
    [booked] = await events(deps, "meeting_booked")
    assert booked.actor_role is ActorRole.MENTOR
    await sweep(deps)
    [post] = posts(fake, channel, "Meeting")

    # Someone outside the pair presses Move: refused, nothing changes.
    await sender.click("UEVE", Action.MEETING_RESCHEDULE, blocks=post.args["blocks"])
    await fake.wait_for("response_url", lambda c: "Only the mentor and mentee" in str(c.args))

    await sender.click("UMIA", Action.MEETING_RESCHEDULE, blocks=post.args["blocks"])
    form = await fake.wait_for_view("UMIA", callback_id=Callback.MEETING_FORM)
    tuesday = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    await sender.view_submission(
        "UMIA", form, {**sender.values_of(form), "when": int(tuesday.timestamp())}
    )
    await sweep(deps)
    [update] = [
        c
        for c in fake.calls_to("chat.update", channel=channel)
        if "Meeting" in text_of(c.args["blocks"])
    ]
    assert f"<!date^{int(tuesday.timestamp())}^" in text_of(update.args["blocks"])
    assert [
        c for c in fake.calls_to("chat.postMessage", channel=channel) if c.args.get("thread_ts")
    ]

    await sender.click("UMIA", Action.MEETING_CANCEL, blocks=post.args["blocks"])
    await settled(sender.http)
    assert (await meetings(deps))[0].status is MeetingStatus.CANCELLED
    await sweep(deps)
    assert "cancelled" in text_of(fake.calls_to("chat.update", channel=channel)[-1].args["blocks"])
    clock.set(datetime(2026, 3, 9, 16, 30, tzinfo=UTC))
    await sweep(deps)
    assert not posts(fake, "UMIA", "Mentees who arrive with an agenda")
    kinds = [e.kind for e in await events(deps, "meeting_rescheduled")]
    kinds += [e.kind for e in await events(deps, "meeting_cancelled")]
    assert kinds == ["meeting_rescheduled", "meeting_cancelled"]


async def test_the_app_home_offers_to_book_a_meeting(
    sender: SlackSender, fake: FakeSlack, deps: Deps
) -> None:
    await accepted_pair(sender, fake, deps)
    published = len(fake.calls_to("views.publish"))
    await sender.event({"type": "app_home_opened", "user": "UMIA", "tab": "home", "channel": "D1"})
    await fake.wait_for("views.publish", count=published + 1)
    home = fake.home_view("UMIA")
    assert home is not None and "Omar" in text_of(home["blocks"])
    await sender.click("UMIA", Action.MEETING_BOOK, blocks=home["blocks"])
    form = await fake.wait_for_view("UMIA", callback_id=Callback.MEETING_FORM)
    await sender.view_submission(
        "UMIA", form, {**sender.values_of(form), "when": int(MONDAY_9.timestamp())}
    )
    [meeting] = await meetings(deps)
    assert meeting.booked_by_role is ActorRole.MENTEE


async def test_the_mentor_adds_to_the_agenda_as_a_mentor_initiated_step(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    channel = await accepted_pair(sender, fake, deps)
    await book(sender, fake, "UMIA", {"when": int(MONDAY_9.timestamp()), "minutes": "45"})
    await sweep(deps)
    [booking] = posts(fake, channel, "Meeting")
    await sender.click("UMIA", Action.AGENDA_WRITE, blocks=booking.args["blocks"])
    form = await fake.wait_for_view("UMIA", callback_id=Callback.AGENDA_FORM)
    await sender.view_submission("UMIA", form, {"goal": "My promotion case"})
    await sweep(deps)
    [posted] = posts(fake, channel, "'s agenda")

    # The mentee can't use the mentor's button; the mentor can.
    await sender.click("UMIA", Action.AGENDA_ADD, blocks=posted.args["blocks"])
    await fake.wait_for("response_url", lambda c: "It's your agenda" in str(c.args))
    await sender.click("UOMAR", Action.AGENDA_ADD, blocks=posted.args["blocks"])
    add = await fake.wait_for_view("UOMAR", callback_id=Callback.AGENDA_ADD_FORM)
    empty = (await sender.view_submission("UOMAR", add, {"mentor_items": " "})).json()
    assert "mentor_items" in empty["errors"]
    await sender.view_submission("UOMAR", add, {"mentor_items": "Your 1:1s <!everyone>"})
    await sweep(deps)
    [added] = posts(fake, channel, "added to the agenda")
    assert "Your 1:1s &lt;!everyone&gt;" in text_of(added.args["blocks"])
    [event] = await events(deps, "mentor_added_agenda")
    assert event.actor_role is ActorRole.MENTOR and "1:1s" not in str(event.data)
