"""Meetings and GROW agendas: the booking form, the booking as the pair sees it, the agenda
prompt and form, and the agenda posted to the pair.

Times in messages use Slack's ``<!date^…>`` token, so each reader sees them in their own
time zone; the fallback text (for clients that can't) is UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    DateTimePickerElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot import blocks as ui
from bot.blocks import when
from bot.forms import FormState, as_id, whole
from bot.ids import Action, Callback
from bot.ids import AgendaField as A
from bot.ids import MeetingField as F
from bot.meetings import service as svc
from infra.text import escape, escape_truncated
from storage.enums import ActorRole, MeetingStatus
from storage.models import Agenda, Goal, Meeting, Relationship

GROW_PROMPTS = (
    (A.GOAL, "Goal", "What do you want from this session?"),
    (A.REALITY, "Reality", "What is happening now, and what have you tried?"),
    (A.OPTIONS, "Options", "What paths do you want to explore?"),
    (A.WAY_FORWARD, "Way forward", "What decision or help do you need?"),
)


# --- Booking -------------------------------------------------------------------------------


def meeting_form(
    pairs: Sequence[tuple[Relationship, ActorRole]],
    *,
    start: datetime,
    minutes: int = 45,
    place: str = "",
    meeting: Meeting | None = None,
) -> View:
    """Book (or, with ``meeting``, move) a meeting. The picker shows the reader's own time."""
    durations = ui.options((str(m), f"{m} minutes") for m in svc.DURATIONS)
    blocks: list[Block] = []
    if meeting is None and len(pairs) > 1:
        choices = ui.options(
            (str(r.id), f"{_other(r, role)} ({r.program.name})"[:75]) for r, role in pairs
        )
        blocks.append(
            ui.input_block(
                F.PAIR,
                "With",
                StaticSelectElement(
                    action_id=Action.FIELD, options=choices, initial_option=choices[0]
                ),
            )
        )
    elif pairs:
        relationship, role = pairs[0]
        lead = (
            "You lead: book the meeting, then bring an agenda."
            if role is ActorRole.MENTEE
            else "Your mentee usually books; booking it yourself is fine too."
        )
        blocks.append(ui.section(f"With *{escape(_other(relationship, role))}*. {lead}"))
    blocks += [
        ui.input_block(
            F.WHEN,
            "When",
            DateTimePickerElement(action_id=Action.FIELD, initial_date_time=int(start.timestamp())),
            hint="In your own time zone. Your partner sees it in theirs.",
        ),
        ui.input_block(
            F.MINUTES,
            "For",
            StaticSelectElement(
                action_id=Action.FIELD,
                options=durations,
                initial_option=next((o for o in durations if o.value == str(minutes)), None),
            ),
        ),
        ui.text_field(
            F.PLACE,
            "Where",
            max_length=svc.PLACE_MAX,
            initial=place,
            placeholder="A video link, a room, or the café by the office",
            optional=True,
        ),
    ]
    metadata: dict[str, Any] = {"meeting_id": meeting.id} if meeting else {}
    if meeting is None and len(pairs) == 1:
        metadata["relationship_id"] = pairs[0][0].id
    return ui.form(
        Callback.MEETING_FORM,
        "Move the meeting" if meeting else "Book a meeting",
        blocks,
        submit="Move it" if meeting else "Book it",
        private_metadata=metadata,
    )


def parse_meeting_form(state: FormState) -> tuple[svc.MeetingDraft, int | None]:
    picked = state.raw(F.WHEN).get("selected_date_time")
    starts = (
        datetime.fromtimestamp(int(picked), tz=UTC)
        if isinstance(picked, int | str) and str(picked).isdigit()
        else None
    )
    minutes_raw = state.selected(F.MINUTES)
    pair_raw = state.selected(F.PAIR)
    draft = svc.MeetingDraft(
        starts_at=starts,
        minutes=whole(minutes_raw),
        place=state.text(F.PLACE),
    )
    return draft, as_id(pair_raw)


def _other(relationship: Relationship, role: ActorRole) -> str:
    other = relationship.mentor if role is ActorRole.MENTEE else relationship.mentee
    return other.display


def booking(meeting: Meeting, *, event: str, ics_url: str | None) -> list[Block]:
    """The booking in the pair's conversation (updated when moved or cancelled)."""
    pair = meeting.pair
    booker = pair.mentor if meeting.booked_by_role is ActorRole.MENTOR else pair.mentee
    place = f" · {escape_truncated(meeting.place, 300)}" if meeting.place else ""
    if meeting.status is MeetingStatus.CANCELLED:
        return [
            ui.section(
                f":x: ~Meeting {when(meeting.starts_at)}~ was cancelled. "
                f"{_mention(pair.mentee.slack_user_id)}, book the next one with `/mentor meet`."
            ),
            ui.actions(
                ui.button("Book a meeting", Action.MEETING_BOOK, value=str(pair.id)),
                ui.button("Follow up with my mentee", Action.FOLLOW_UP, value=str(pair.id)),
            ),
        ]
    moved = " (moved)" if event == "rescheduled" else ""
    blocks: list[Block] = [
        ui.section(
            f":calendar: *Meeting{moved}: {when(meeting.starts_at)}* for {meeting.minutes} "
            f"minutes{place}\nBooked by {_mention(booker.slack_user_id)}."
        ),
    ]
    buttons = [
        ui.button("Write the agenda", Action.AGENDA_WRITE, value=str(meeting.id), style="primary"),
        ui.button("Move", Action.MEETING_RESCHEDULE, value=str(meeting.id)),
        ui.button(
            "Cancel",
            Action.MEETING_CANCEL,
            value=str(meeting.id),
            confirm=ui.confirm(
                "Cancel this meeting?",
                "You'll both be told. You can book another with /mentor meet.",
                yes="Cancel meeting",
                no="Keep it",
            ),
        ),
    ]
    if ics_url:
        buttons.append(ui.button("Add to calendar", Action.MEETING_ICS, url=ics_url))
    blocks.append(ui.actions(*buttons))
    blocks.append(
        ui.context(
            f"{_mention(pair.mentee.slack_user_id)}, you'll get a nudge to write a GROW agenda "
            "the working day before."
        )
    )
    return blocks


def _mention(user_id: str) -> str:
    return f"<@{user_id}>"


# --- The agenda ----------------------------------------------------------------------------


def agenda_prompt(meeting: Meeting, *, reminder: bool = False) -> list[Block]:
    pair = meeting.pair
    lead = (
        f":hourglass_flowing_sand: Your meeting with *{escape(pair.mentor.display)}* starts "
        f"{when(meeting.starts_at, style='{time}')} and there's no agenda yet."
        if reminder
        else f":spiral_note_pad: You meet *{escape(pair.mentor.display)}* "
        f"{when(meeting.starts_at)}. Mentees who arrive with an agenda get the most from "
        "their mentor."
    )
    return [
        ui.section(lead),
        ui.section(
            "Five minutes with GROW is enough:\n"
            + "\n".join(f"• *{label}*: {prompt}" for _, label, prompt in GROW_PROMPTS)
        ),
        ui.actions(
            ui.button("Write agenda", Action.AGENDA_WRITE, value=str(meeting.id), style="primary")
        ),
    ]


def agenda_form(meeting: Meeting, agenda: Agenda | None, goals: Sequence[Goal] = ()) -> View:
    current = {
        A.GOAL: agenda.goal if agenda else "",
        A.REALITY: agenda.reality if agenda else "",
        A.OPTIONS: agenda.options if agenda else "",
        A.WAY_FORWARD: agenda.way_forward if agenda else "",
    }
    blocks: list[Block] = [
        ui.section(
            f"For your meeting with *{escape(meeting.pair.mentor.display)}* "
            f"{when(meeting.starts_at)}. It's posted to your conversation so they can prepare."
        )
    ]
    for block, label, prompt in GROW_PROMPTS:
        blocks.append(
            ui.text_field(
                block,
                label,
                multiline=True,
                max_length=svc.GROW_MAX,
                initial=current[block],
                placeholder=prompt,
                optional=block is not A.GOAL,
            )
        )
    if goals:
        choices = ui.options((str(g.id), g.what[:75]) for g in goals)
        linked = agenda.goal_id if agenda else None
        blocks.append(
            ui.input_block(
                A.GOAL_LINK,
                "Which of your goals does this session serve?",
                StaticSelectElement(
                    action_id=Action.FIELD,
                    options=choices,
                    initial_option=next((o for o in choices if o.value == str(linked)), None),
                ),
                optional=True,
            )
        )
    return ui.form(
        Callback.AGENDA_FORM,
        "Agenda",
        blocks,
        submit="Share with mentor",
        private_metadata={"meeting_id": meeting.id},
    )


def parse_agenda_form(state: FormState) -> tuple[svc.Grow, int | None]:
    goal = state.selected(A.GOAL_LINK)
    grow = svc.Grow(
        goal=state.text(A.GOAL),
        reality=state.text(A.REALITY),
        options=state.text(A.OPTIONS),
        way_forward=state.text(A.WAY_FORWARD),
    )
    return grow, as_id(goal)


def agenda_message(meeting: Meeting, agenda: Agenda) -> list[Block]:
    """The agenda as the pair sees it. Escaped: typed mentions and links stay inert."""
    pair = meeting.pair
    blocks: list[Block] = [
        ui.section(
            f":spiral_note_pad: *{escape(pair.mentee.display)}'s agenda* for "
            f"{when(meeting.starts_at)}"
        )
    ]
    values = {
        A.GOAL: agenda.goal,
        A.REALITY: agenda.reality,
        A.OPTIONS: agenda.options,
        A.WAY_FORWARD: agenda.way_forward,
    }
    if agenda.linked_goal is not None:
        blocks.append(
            ui.context(f":dart: Towards: {escape_truncated(agenda.linked_goal.what, 300)}")
        )
    for block, label, _ in GROW_PROMPTS:
        if values[block]:
            blocks += ui.long_text(label, escape(values[block]))
    if agenda.mentor_items:
        added = "\n".join(f"• {escape(i['text'])}" for i in agenda.mentor_items)
        blocks += ui.long_text(f"Added by {escape(pair.mentor.display)}", added)
    blocks.append(
        ui.actions(ui.button("Add to the agenda", Action.AGENDA_ADD, value=str(meeting.id)))
    )
    blocks.append(
        ui.context(
            f"{_mention(pair.mentor.slack_user_id)}, this is what your mentee wants to cover."
        )
    )
    return blocks


def mentor_items_form(meeting: Meeting) -> View:
    blocks = [
        ui.section(
            f"Your mentee leads the meeting {when(meeting.starts_at)}. Add what you'd "
            "like to cover too."
        ),
        ui.text_field(
            A.MENTOR_ITEMS, "What would you add?", multiline=True, max_length=svc.MENTOR_ITEMS_MAX
        ),
    ]
    return ui.form(
        Callback.AGENDA_ADD_FORM,
        "Add to the agenda",
        blocks,
        submit="Add",
        private_metadata={"meeting_id": meeting.id},
    )


def mentor_items_added(meeting: Meeting, agenda: Agenda) -> list[Block]:
    pair = meeting.pair
    latest = agenda.mentor_items[-1]["text"] if agenda.mentor_items else ""
    return [
        ui.section(
            f":heavy_plus_sign: {_mention(pair.mentor.slack_user_id)} added to the agenda for "
            f"{when(meeting.starts_at)}:\n{escape_truncated(latest, 1000)}"
        )
    ]


def agenda_received(meeting: Meeting) -> list[Block]:
    """The reply to an agenda typed in the prompt's thread."""
    return [
        ui.section(
            f":white_check_mark: Thanks, that's your agenda. It's posted to your conversation "
            f"so *{escape(meeting.pair.mentor.display)}* can prepare."
        ),
        ui.actions(ui.button("Edit it in a form", Action.AGENDA_WRITE, value=str(meeting.id))),
    ]
