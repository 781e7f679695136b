"""The booking, the booking form, the agenda prompt, form and message: which buttons each shows,
times as tokens each reader sees in their own zone, and only what the mentee wrote."""

from __future__ import annotations

import json

from bot.ids import Action
from bot.ids import MeetingField as F
from bot.meetings import views
from infra.text import escape
from storage.enums import ActorRole, MeetingStatus
from tests.unit.views import factory as f
from tests.unit.views.read import buttons, dicts, inputs, text, times

MENTEE, MENTOR = ActorRole.MENTEE, ActorRole.MENTOR
ICS = "https://mentorbot.example/ics/42.ics?sig=abc"
LONG = "{date_long_pretty} at {time}"


def test_a_booking_offers_the_agenda_moving_cancelling_and_the_calendar() -> None:
    blocks = views.booking(f.meeting(), event="booked", ics_url=ICS)
    assert buttons(blocks) == [
        ("Write the agenda", Action.AGENDA_WRITE, "42"),
        ("Move", Action.MEETING_RESCHEDULE, "42"),
        ("Cancel", Action.MEETING_CANCEL, "42"),
        ("Add to calendar", Action.MEETING_ICS, None),
    ]
    cancel = dicts(blocks)[1]["elements"][2]
    assert cancel["confirm"]["confirm"]["text"] == "Cancel meeting"
    assert dicts(blocks)[1]["elements"][3]["url"] == ICS
    assert times(blocks) == [(f.MEETING_AT, LONG)]
    said = text(blocks)
    assert "for 45 minutes" in said and escape(f.said("Room 4")) in said
    assert "Booked by <@UMIA>" in said and "(moved)" not in said


def test_a_moved_booking_says_so_and_names_who_booked() -> None:
    blocks = views.booking(
        f.meeting(booked_by_role=MENTOR, place=""), event="rescheduled", ics_url=None
    )
    said = text(blocks)
    assert "Meeting (moved)" in said and "Booked by <@UOMAR>" in said and " · " not in said
    assert Action.MEETING_ICS not in [a for _, a, _ in buttons(blocks)]


def test_a_cancelled_booking_offers_the_next_one() -> None:
    blocks = views.booking(
        f.meeting(status=MeetingStatus.CANCELLED), event="cancelled", ics_url=ICS
    )
    assert buttons(blocks) == [
        ("Book a meeting", Action.MEETING_BOOK, "7"),
        ("Follow up with my mentee", Action.FOLLOW_UP, "7"),
    ]
    assert "~Meeting <!date^" in text(blocks) and "~ was cancelled" in text(blocks)
    assert times(blocks) == [(f.MEETING_AT, LONG)]


def test_the_booking_form_knows_who_it_is_for() -> None:
    mentee = views.meeting_form([(f.pair(), MENTEE)], start=f.MEETING_AT)
    assert "You lead: book the meeting" in text(mentee)
    assert escape(f.omar().real_name) in text(mentee)
    assert json.loads(mentee.private_metadata or "") == {"relationship_id": 7}
    assert inputs(mentee)[F.WHEN]["initial_date_time"] == int(f.MEETING_AT.timestamp())
    assert inputs(mentee)[F.MINUTES]["initial_option"]["value"] == "45"
    mentor = views.meeting_form([(f.pair(), MENTOR)], start=f.MEETING_AT)
    assert "Your mentee usually books" in text(mentor)
    assert escape(f.mia().real_name) in text(mentor)
    several = views.meeting_form([(f.pair(), MENTEE), (f.pair(id=8), MENTOR)], start=f.MEETING_AT)
    assert json.loads(several.private_metadata or "") == {}
    pick = inputs(several)[F.PAIR]
    assert [o["value"] for o in pick["options"]] == ["7", "8"]
    assert pick["initial_option"]["value"] == "7"
    moving = views.meeting_form([(f.pair(), MENTEE)], start=f.MEETING_AT, meeting=f.meeting())
    assert json.loads(moving.private_metadata or "") == {"meeting_id": 42}
    assert moving.title is not None and moving.title.text == "Move the meeting"
    assert moving.submit is not None and moving.submit.text == "Move it"


def test_the_agenda_prompt_and_its_reminder() -> None:
    first = views.agenda_prompt(f.meeting())
    assert times(first) == [(f.MEETING_AT, LONG)]
    assert "Five minutes with GROW" in text(first)
    assert buttons(first) == [("Write agenda", Action.AGENDA_WRITE, "42")]
    reminder = views.agenda_prompt(f.meeting(), reminder=True)
    assert times(reminder) == [(f.MEETING_AT, "{time}")]
    assert "there's no agenda yet" in text(reminder)


def test_the_agenda_shows_what_was_written_and_nothing_empty() -> None:
    agenda = f.agenda(options="", linked_goal=f.goal())
    blocks = views.agenda_message(f.meeting(), agenda)
    said = text(blocks)
    for label in ("*Goal*", "*Reality*", "*Way forward*"):
        assert label in said
    assert "*Options*" not in said
    assert escape(agenda.goal) in said and escape(agenda.way_forward) in said
    assert ":dart: Towards: " + escape(f.goal().what) in said
    assert escape(f.said("Your promotion case")) in said
    assert buttons(blocks) == [("Add to the agenda", Action.AGENDA_ADD, "42")]
    assert dicts(blocks)[-1]["elements"][0]["text"].startswith("<@UOMAR>")
    bare = views.agenda_message(f.meeting(), f.agenda(reality="", way_forward="", mentor_items=[]))
    assert "Added by" not in text(bare) and "Towards" not in text(bare)


def test_the_agenda_form_is_filled_with_the_agenda_and_links_a_goal() -> None:
    form = views.agenda_form(f.meeting(), f.agenda(goal_id=12), [f.goal(), f.goal(12)])
    fields = inputs(form)
    assert fields["goal"]["initial_value"] == f.agenda().goal
    assert "initial_value" not in fields["options"]
    assert fields["goal_id"]["initial_option"]["value"] == "12"
    optional = {
        b["block_id"]: b.get("optional", False) for b in dicts(form) if b["type"] == "input"
    }
    assert optional == {
        "goal": False,
        "reality": True,
        "options": True,
        "way_forward": True,
        "goal_id": True,
    }


def test_the_mentors_addition_is_its_latest_item() -> None:
    agenda = f.agenda(
        mentor_items=[{"text": "First"}, {"text": f.said("Latest")}],
    )
    said = text(views.mentor_items_added(f.meeting(), agenda))
    assert "<@UOMAR> added to the agenda" in said
    assert escape(f.said("Latest")) in said and "First" not in said
    assert buttons(views.agenda_received(f.meeting())) == [
        ("Edit it in a form", Action.AGENDA_WRITE, "42")
    ]
