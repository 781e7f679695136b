"""After the meeting, through the front door: the capture prompt an hour after the end (in
working hours), the form and the typed reply, the mentor's confirmation or suggested change,
"did you meet?", and actions with their due reminders, Done buttons and overdue tracking."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from bot.ids import Action, Callback
from fakeslack import FakeSlack, SlackSender
from infra.clock import ManualClock
from infra.deps import Deps
from mentorbot.jobs import build_sweeper
from storage.enums import ActionStatus, ActorRole, MeetingOutcome
from storage.models import ActionItem, Agenda, MeetingNotes
from tests.scenario.flows import delivered, open_modal
from tests.scenario.test_goals import ephemeral
from tests.scenario.test_matching_flow import accepted_pair, sweep, text_of
from tests.scenario.test_meetings import book, events, meetings, posts
from tests.settle import settled

# Wednesday 4 March 2026, 14:00 UTC (14:00 in Lisbon, Mia's zone; 09:00 for Omar in New York)
WEDNESDAY_14 = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)
PROMPT = "How did your meeting with"


async def held_meeting(sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock) -> str:
    channel = await accepted_pair(sender, fake, deps)
    await book(sender, fake, "UMIA", {"when": int(WEDNESDAY_14.timestamp()), "minutes": "30"})
    await sweep(deps)
    clock.set(WEDNESDAY_14)
    await sweep(deps)
    return channel


async def capture_prompt(fake: FakeSlack, deps: Deps, clock: ManualClock) -> Any:
    clock.set(datetime(2026, 3, 4, 15, 29, tzinfo=UTC))
    await sweep(deps)
    assert not posts(fake, "UMIA", PROMPT)  # not before an hour after the end
    clock.set(datetime(2026, 3, 4, 15, 31, tzinfo=UTC))
    await sweep(deps)
    await sweep(deps)
    [prompt] = posts(fake, "UMIA", PROMPT)
    return prompt


async def notes_and_actions(deps: Deps) -> tuple[list[MeetingNotes], list[ActionItem]]:
    async with deps.db.transaction() as s:
        notes = list((await s.scalars(select(MeetingNotes))).all())
        actions = list((await s.scalars(select(ActionItem).order_by(ActionItem.id))).all())
        return notes, actions


async def reply(
    sender: SlackSender, prompt: Any, text: str, *, event_id: str, retry: int | None = None
) -> None:
    response = await sender.message(
        "UMIA",
        text,
        channel_id=prompt.response["channel"],
        thread_ts=prompt.response["ts"],
        ts="1772640000.000200",
        event_id=event_id,
        retry_num=retry,
    )
    assert response.status_code == 200


async def test_the_mentee_captures_in_the_form_and_the_mentor_confirms(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    channel = await held_meeting(sender, fake, deps, clock)
    prompt = await capture_prompt(fake, deps, clock)

    await sender.click("UMIA", Action.CAPTURE_WRITE, blocks=prompt.args["blocks"])
    form = await fake.wait_for_view("UMIA", callback_id=Callback.CAPTURE_FORM)
    empty = (await sender.view_submission("UMIA", form, {})).json()
    assert "at least one action" in empty["errors"]["takeaways"]
    past = (
        await sender.view_submission(
            "UMIA", form, {"action_1_what": "Call Sam", "action_1_due": "2026-03-01"}
        )
    ).json()
    assert "passed" in past["errors"]["action_1_due"]
    clash = (
        await sender.view_submission(
            "UMIA",
            form,
            {"takeaways": "x", "next_when": int(datetime(2026, 3, 1, tzinfo=UTC).timestamp())},
        )
    ).json()
    assert "passed" in clash["errors"]["next_when"]
    assert await notes_and_actions(deps) == ([], [])

    next_meeting = datetime(2026, 3, 18, 14, 0, tzinfo=UTC)
    values = {
        "takeaways": "Lead with the why <!here>",
        "action_1_what": "Call Sam about the workshop",
        "action_1_owner": "mentee",
        "action_1_due": "2026-03-06",
        "action_2_what": "Send the leadership article",
        "action_2_owner": "mentor",
        "action_2_due": "2026-03-05",
        "next_when": int(next_meeting.timestamp()),
        "next_minutes": "45",
    }
    await sender.view_submission("UMIA", form, values)
    await sender.view_submission("UMIA", form, values)  # a double submit books nothing twice
    [notes], actions = await notes_and_actions(deps)
    assert notes.author_role is ActorRole.MENTEE
    assert [(a.text, a.owner_role, a.due_on) for a in actions] == [
        ("Call Sam about the workshop", ActorRole.MENTEE, date(2026, 3, 6)),
        ("Send the leadership article", ActorRole.MENTOR, date(2026, 3, 5)),
    ]
    assert [m.starts_at for m in await meetings(deps)] == [WEDNESDAY_14, next_meeting]
    [captured] = await events(deps, "notes_captured")
    assert captured.actor_role is ActorRole.MENTEE and "Sam" not in str(captured.data)

    await sweep(deps)
    [summary] = posts(fake, channel, "What we agreed")
    text = text_of(summary.args["blocks"])
    assert "Lead with the why &lt;!here&gt;" in text and "Send the leadership article" in text
    # The author can't confirm their own notes; the mentor can.
    await sender.click("UMIA", Action.CAPTURE_CONFIRM, blocks=summary.args["blocks"])
    await fake.wait_for("response_url", lambda c: "your partner confirms" in str(c.args))
    await sender.click("UOMAR", Action.CAPTURE_CONFIRM, blocks=summary.args["blocks"])
    await fake.wait_for("response_url", lambda c: "Confirmed by Omar" in str(c.args))
    [confirmed] = await events(deps, "notes_confirmed")
    assert confirmed.actor_role is ActorRole.MENTOR

    # No reminder and no "did you meet?" once it's captured.
    clock.set(datetime(2026, 3, 9, 10, 0, tzinfo=UTC))
    await sweep(deps)
    assert not posts(fake, "UMIA", "haven't captured")
    assert not posts(fake, "UMIA", "Did you meet")


def _understood(call: Any) -> bool:
    return "Here's what I understood" in text_of(call.args.get("blocks"))


async def test_a_typed_reply_is_read_confirmed_and_stored_once(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    channel = await held_meeting(sender, fake, deps, clock)
    prompt = await capture_prompt(fake, deps, clock)
    text = (
        "Clearer on my promotion case\n- call Sam by Friday\n- mentor: intro to Priya by tomorrow"
    )
    await reply(sender, prompt, text, event_id="Ev0CAPTURE1")
    [understood] = await delivered(deps, fake, "chat.postMessage", _understood)
    await reply(sender, prompt, text, event_id="Ev0CAPTURE1", retry=1)  # Slack's retry
    await settled(sender.http)  # handled once: no second reading, no second reply planned
    await build_sweeper(deps).sweep()
    assert [c for c in fake.calls_to("chat.postMessage") if _understood(c)] == [understood]
    [notes], actions = await notes_and_actions(deps)
    assert notes.source == "reply" and notes.takeaways == "Clearer on my promotion case"
    assert [(a.text, a.owner_role, a.due_on) for a in actions] == [
        ("Call Sam", ActorRole.MENTEE, date(2026, 3, 6)),
        ("Intro to Priya", ActorRole.MENTOR, date(2026, 3, 5)),
    ]
    assert understood.args["thread_ts"] == prompt.response["ts"]
    assert "Call Sam · Mia · due Fri 06 Mar" in text_of(understood.args["blocks"])
    await sweep(deps)
    assert len(posts(fake, channel, "What we agreed")) == 1


async def test_an_agenda_can_be_typed_in_the_prompts_thread_and_other_messages_get_help(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    channel = await accepted_pair(sender, fake, deps)
    await book(sender, fake, "UMIA", {"when": int(WEDNESDAY_14.timestamp()), "minutes": "30"})
    await sweep(deps)
    clock.set(datetime(2026, 3, 3, 14, 0, tzinfo=UTC))
    await sweep(deps)
    [prompt] = posts(fake, "UMIA", "Mentees who arrive with an agenda")
    await reply(
        sender,
        prompt,
        "Goal: decide on the tech lead role <@UADMIN>\nReality: two offers",
        event_id="Ev0AGENDA1",
    )
    await delivered(deps, fake, "chat.postMessage", lambda c: "that's your agenda" in str(c.args))
    async with deps.db.transaction() as s:
        [agenda] = (await s.scalars(select(Agenda))).all()
        assert agenda.source == "reply" and agenda.reality == "two offers"
    await sweep(deps)
    [posted] = posts(fake, channel, "'s agenda")
    assert "tech lead role &lt;@UADMIN&gt;" in text_of(posted.args["blocks"])

    # A message that isn't a reply to a prompt gets help.
    await sender.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": prompt.response["channel"],
            "user": "UMIA",
            "text": "hello?",
            "ts": "1772640000.000900",
        }
    )
    await delivered(
        deps, fake, "chat.postMessage", lambda c: c.args.get("thread_ts") == "1772640000.000900"
    )


async def test_a_mentor_who_writes_the_notes_is_recorded(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    channel = await held_meeting(sender, fake, deps, clock)
    prompt = await capture_prompt(fake, deps, clock)
    await sender.click("UOMAR", Action.CAPTURE_WRITE, blocks=prompt.args["blocks"])
    form = await fake.wait_for_view("UOMAR", callback_id=Callback.CAPTURE_FORM)
    await sender.view_submission("UOMAR", form, {"takeaways": "She should own the plan"})
    [wrote] = await events(deps, "mentor_wrote_notes")
    assert wrote.actor_role is ActorRole.MENTOR
    await sweep(deps)
    [summary] = posts(fake, channel, "What we agreed")
    # The mentee suggests a change; it lands in the summary's thread for the author.
    await sender.click("UMIA", Action.CAPTURE_SUGGEST, blocks=summary.args["blocks"])
    suggest = await fake.wait_for_view("UMIA", callback_id=Callback.CAPTURE_SUGGEST_FORM)
    await sender.view_submission("UMIA", suggest, {"change": "We agreed *I* own it"})
    await sweep(deps)
    [change] = posts(fake, channel, "suggests a change")
    assert change.args["thread_ts"] == summary.response["ts"]


async def test_nothing_captured_gets_one_reminder_then_did_you_meet(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await held_meeting(sender, fake, deps, clock)
    await capture_prompt(fake, deps, clock)
    clock.set(datetime(2026, 3, 6, 14, 31, tzinfo=UTC))  # 48 h after the end
    await sweep(deps)
    await sweep(deps)
    assert len(posts(fake, "UMIA", "haven't captured")) == 1
    clock.set(datetime(2026, 3, 9, 9, 0, tzinfo=UTC))  # Monday, after the weekend
    await sweep(deps)
    [asked_mia] = posts(fake, "UMIA", "Did you meet")
    assert not posts(fake, "UOMAR", "Did you meet")  # 04:00 in New York: later
    clock.set(datetime(2026, 3, 9, 14, 0, tzinfo=UTC))
    await sweep(deps)
    [asked_omar] = posts(fake, "UOMAR", "Did you meet")

    await sender.click("UMIA", Action.MEETING_RESCHEDULED, blocks=asked_mia.args["blocks"])
    await fake.wait_for("response_url", lambda c: "noted that it was rescheduled" in str(c.args))
    await sender.click("UOMAR", Action.MEETING_MET, blocks=asked_omar.args["blocks"])
    await fake.wait_for("response_url", lambda c: "Already answered" in str(c.args))
    [meeting] = await meetings(deps)
    assert meeting.outcome is MeetingOutcome.RESCHEDULED
    assert meeting.outcome_by_role is ActorRole.MENTEE
    # A forged outcome for a meeting of someone else's is refused.
    fake.add_user("T0001", "UEVE", name="eve", real_name="Eve", tz="Europe/London")
    await sender.click("UEVE", Action.MEETING_MET, blocks=asked_mia.args["blocks"])
    await fake.wait_for("response_url", lambda c: "Only the mentor and mentee" in str(c.args))


async def test_actions_are_reminded_when_due_ticked_off_and_tracked_when_overdue(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await held_meeting(sender, fake, deps, clock)
    prompt = await capture_prompt(fake, deps, clock)
    await reply(
        sender,
        prompt,
        "- call Sam by Friday\n- mentor: intro to Priya by Thursday",
        event_id="Ev0ACTIONS",
    )
    await delivered(deps, fake, "chat.postMessage", _understood)
    # Thursday: Omar's action is due; he hears in his own working hours (New York).
    clock.set(datetime(2026, 3, 5, 12, 0, tzinfo=UTC))  # 07:00 in New York
    await sweep(deps)
    assert not posts(fake, "UOMAR", "Due today")
    clock.set(datetime(2026, 3, 5, 14, 5, tzinfo=UTC))  # 09:05 in New York
    await sweep(deps)
    [due] = posts(fake, "UOMAR", "Due today")
    assert "Intro to Priya" in text_of(due.args["blocks"])
    await sender.click("UMIA", Action.ACTION_DONE, blocks=due.args["blocks"])  # either may
    await fake.wait_for("response_url", lambda c: "Done: ~Intro to Priya~" in str(c.args))
    [done] = await events(deps, "action_done")
    assert done.actor_role is ActorRole.MENTEE and done.data["on_time"] is True

    # Friday: Mia's is due; she hasn't done it by Saturday, so it's overdue.
    clock.set(datetime(2026, 3, 6, 9, 5, tzinfo=UTC))
    await sweep(deps)
    assert len(posts(fake, "UMIA", "Due today")) == 1
    clock.set(datetime(2026, 3, 7, 0, 5, tzinfo=UTC))
    await sweep(deps)
    [overdue] = await events(deps, "action_overdue")
    assert overdue.actor_role is ActorRole.SYSTEM and overdue.data["owner"] == "mentee"

    shown = await ephemeral(sender, fake, "UMIA", "actions")
    text = text_of(shown["blocks"])
    assert "Call Sam" in text and "overdue" in text and "Priya" not in text
    await sender.click("UMIA", Action.ACTION_DONE, blocks=shown["blocks"])
    await fake.wait_for("response_url", lambda c: "Nothing open" in str(c.args))
    _, actions = await notes_and_actions(deps)
    assert all(a.status is ActionStatus.DONE for a in actions)
    late = (await events(deps, "action_done"))[-1]
    assert late.data["on_time"] is False

    # Someone outside the pair can't tick an action off.
    fake.add_user("T0001", "UEVE", name="eve", real_name="Eve", tz="Europe/London")
    await sender.click("UEVE", Action.ACTION_DONE, blocks=due.args["blocks"])
    await fake.wait_for("response_url", lambda c: "Only the mentor and mentee" in str(c.args))


async def test_the_program_sets_how_early_and_how_late_the_prompts_come(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await accepted_pair(sender, fake, deps)
    form = await open_modal(
        sender, fake, "UADMIN", "program edit Engineering mentoring", Callback.PROGRAM_FORM
    )
    values = sender.values_of(form)
    bad = await sender.view_submission("UADMIN", form, {**values, "agenda_lead_hours": "500"})
    assert "168 hours" in bad.json()["errors"]["agenda_lead_hours"]
    await sender.view_submission(
        "UADMIN", form, {**values, "agenda_lead_hours": "48", "capture_lead_hours": "3"}
    )
    thursday_14 = datetime(2026, 3, 5, 14, 0, tzinfo=UTC)
    await book(sender, fake, "UMIA", {"when": int(thursday_14.timestamp()), "minutes": "30"})
    await sweep(deps)
    clock.set(datetime(2026, 3, 3, 13, 55, tzinfo=UTC))
    await sweep(deps)
    assert not posts(fake, "UMIA", "Mentees who arrive with an agenda")
    clock.set(datetime(2026, 3, 3, 14, 1, tzinfo=UTC))  # 48 hours before
    await sweep(deps)
    assert len(posts(fake, "UMIA", "Mentees who arrive with an agenda")) == 1

    clock.set(thursday_14)
    await sweep(deps)
    clock.set(datetime(2026, 3, 5, 17, 31, tzinfo=UTC))  # 3 h after the end: after 17:00
    await sweep(deps)
    assert not posts(fake, "UMIA", PROMPT)  # outside Mia's working hours
    clock.set(datetime(2026, 3, 6, 9, 0, tzinfo=UTC))
    await sweep(deps)
    assert len(posts(fake, "UMIA", PROMPT)) == 1


async def test_an_oversized_typed_reply_is_refused_kindly_and_nothing_is_stored(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    await held_meeting(sender, fake, deps, clock)
    prompt = await capture_prompt(fake, deps, clock)
    # Slack caps a message at 40,000 characters: about that, with an action line.
    await reply(sender, prompt, "T" * 39_000 + "\n- call Sam by Friday", event_id="Ev0HUGE")
    [answer] = await delivered(
        deps, fake, "chat.postMessage", lambda c: c.args.get("thread_ts") == prompt.response["ts"]
    )
    assert "keep replies to 4000 characters" in answer.args["text"]
    assert await notes_and_actions(deps) == ([], [])
