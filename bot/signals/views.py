"""Engagement: the managers' alert (with its buttons), the mentee's accountability DM, the
mentor's follow-up nudge, and the mentee's update to the pair."""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot import blocks as ui
from bot.blocks import when
from bot.ids import Action, Callback, UpdateField
from bot.signals import followups
from bot.signals import rules as sig
from bot.signals.episodes import NEXT_STEPS
from infra.text import escape, escape_truncated, mention
from storage.models import Alert, Relationship, User

TITLES = {
    sig.Kind.MENTOR_CHASING: "The mentor is doing the chasing",
    sig.Kind.MENTEE_SILENT: "The mentee has gone quiet",
}
HANDLED = {
    "acknowledged": "Acknowledged",
    "snoozed": "Snoozed for 2 weeks",
    "spoken": "Spoken with them",
}


def _buttons(relationship: Relationship) -> list[Block]:
    return [
        ui.actions(
            ui.button(
                "Book a meeting",
                Action.MEETING_BOOK,
                value=str(relationship.id),
                style="primary",
            ),
            ui.button("Send my mentor an update", Action.MENTEE_UPDATE, value=str(relationship.id)),
        )
    ]


def alert_message(alert: Alert, handler: User | None = None) -> list[Block]:
    """For the program's digest channel: the pair, the signal, its evidence, since when, and a
    suggested next step. Counts and dates only: never agenda or notes text."""
    pair = alert.pair
    kind = sig.Kind(alert.signal)
    blocks: list[Block] = [
        ui.section(
            f":rotating_light: *{TITLES[kind]}*: {mention(pair.mentee.slack_user_id)} "
            f"(mentee) and {mention(pair.mentor.slack_user_id)} (mentor) · "
            f"{escape(pair.program.name)}"
        ),
        ui.section(f"*Evidence*\n{escape_truncated(alert.evidence, 2500)}"),
        ui.context(
            f"Began {when(alert.since, style='{date_long_pretty}')} · `{kind.value}` · at risk"
        ),
        ui.section(f"*Suggested next step*\n{NEXT_STEPS[kind]}"),
    ]
    if alert.state == "open" or handler is None:
        blocks.append(
            ui.actions(
                ui.button("Acknowledge", Action.ALERT_ACK, value=str(alert.id), style="primary"),
                ui.button("Snooze 2 weeks", Action.ALERT_SNOOZE, value=str(alert.id)),
                ui.button("I've spoken with them", Action.ALERT_SPOKEN, value=str(alert.id)),
            )
        )
    else:
        at = when(alert.handled_at, style="{date_short_pretty}") if alert.handled_at else ""
        blocks.append(
            ui.context(
                f":white_check_mark: {HANDLED.get(alert.state, alert.state)} by "
                f"{mention(handler.slack_user_id)} {at}".rstrip()
            )
        )
    return blocks


def accountability(relationship: Relationship, kind: sig.Kind) -> list[Block]:
    """Private and constructive: the mentee leads, and here is the easy next step."""
    mentor = escape(relationship.mentor.display)
    lead = (
        f"Your mentoring with *{mentor}* works best when you lead it, and lately {mentor} has "
        "been the one reaching out."
        if kind is sig.Kind.MENTOR_CHASING
        else f"It's been a while since you and *{mentor}* last connected."
    )
    return [
        ui.section(
            f":seedling: {lead} A short update or your next session keeps things moving. "
            "What's one thing you'd like their help with next?"
        ),
        *_buttons(relationship),
    ]


def follow_up_nudge(relationship: Relationship) -> list[Block]:
    mentor = escape(relationship.mentor.display)
    return [
        ui.section(
            f":wave: {mentor} would like to hear how things are going. Book your next "
            "session, or send them a quick update?"
        ),
        *_buttons(relationship),
    ]


def follow_up_sent(relationship: Relationship, *, planned: bool) -> list[Block]:
    mentee = escape(relationship.mentee.display)
    if not planned:
        return [ui.section(f"You followed up with {mentee} in the last day already.")]
    return [
        ui.section(
            f":white_check_mark: I'll nudge {mentee} in their working hours to book your next "
            "session or send you an update. I won't say you asked me to chase."
        )
    ]


def update_form(relationship: Relationship) -> View:
    field = ui.text_field(
        UpdateField.TEXT,
        f"What would you like {relationship.mentor.display} to know?"[:150],
        multiline=True,
        max_length=followups.UPDATE_MAX,
        placeholder="Where you are on your goals, and what's next",
        hint="Posted to your mentoring conversation.",
    )
    return ui.form(
        Callback.UPDATE_FORM,
        "Update your mentor",
        [field],
        submit="Send",
        private_metadata={"relationship_id": relationship.id},
    )


def mentee_update(relationship: Relationship, text: str) -> list[Block]:
    return [
        ui.section(
            f":incoming_envelope: *Update from {escape(relationship.mentee.display)}*\n"
            f"{escape_truncated(text, 2800)}"
        ),
        ui.context(f"{mention(relationship.mentor.slack_user_id)}, reply here when you can."),
    ]
