"""After the meeting: the capture prompt and form, the summary the pair sees (with Confirm and
Suggest a change), what the bot understood from a typed reply, "Did you meet?", and actions:
due reminders and the `/mentor actions` list with Done buttons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from slack_sdk.models.blocks import (
    Block,
    DatePickerElement,
    DateTimePickerElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot import blocks as ui
from bot.blocks import when
from bot.capture import service as svc
from bot.forms import FormState, whole
from bot.ids import Action, BlockPrefix, Callback
from bot.ids import CaptureField as F
from bot.meetings import service as meeting_svc
from infra.text import escape, escape_truncated, mention
from storage.enums import ActionStatus, ActorRole, MeetingOutcome
from storage.models import ActionItem, Meeting, MeetingNotes, Relationship, User

MESSAGE_BLOCKS_MAX = 50
REPLY_HINT = (
    "Or just reply in this thread: one takeaway per line, and each action on a line starting "
    'with a dash, like "- call Sam by Friday" (or "- mentor: send the article by Tuesday").'
)


def _day(day: date | None) -> str:
    return day.strftime("%a %d %b") if day else "no date"


def _owner(relationship: Relationship, role: ActorRole) -> User:
    return relationship.mentor if role is ActorRole.MENTOR else relationship.mentee


def capture_prompt(meeting: Meeting, *, reminder: bool = False) -> list[Block]:
    mentor = escape(meeting.pair.mentor.display)
    lead = (
        f":hourglass_flowing_sand: You haven't captured what you and *{mentor}* agreed on "
        f"{when(meeting.starts_at, style='{date_long_pretty}')} yet. Two minutes now saves "
        "the next meeting."
        if reminder
        else f":memo: How did your meeting with *{mentor}* go? Capture what you agreed while "
        "it's fresh: your takeaways and who does what by when."
    )
    return [
        ui.section(lead),
        ui.actions(
            ui.button(
                "Capture what we agreed",
                Action.CAPTURE_WRITE,
                value=str(meeting.id),
                style="primary",
            ),
            ui.button("Book the next meeting", Action.MEETING_BOOK, value=str(meeting.pair.id)),
        ),
        ui.context(REPLY_HINT),
    ]


def capture_form(
    meeting: Meeting, role: ActorRole, notes: MeetingNotes | None, actions: Sequence[ActionItem]
) -> View:
    pair = meeting.pair
    owners = ui.options(
        (
            (ActorRole.MENTEE.value, f"{pair.mentee.display} (mentee)"[:75]),
            (ActorRole.MENTOR.value, f"{pair.mentor.display} (mentor)"[:75]),
        )
    )
    blocks: list[Block] = [
        ui.section(
            f"Your meeting {when(meeting.starts_at)}. It's posted to your conversation for "
            + ("your mentor to confirm." if role is ActorRole.MENTEE else "your mentee.")
        ),
        ui.text_field(
            F.TAKEAWAYS,
            "Key takeaways",
            multiline=True,
            max_length=svc.TAKEAWAYS_MAX,
            initial=notes.takeaways if notes and notes.takeaways else None,
            placeholder="What did you learn or decide?",
            optional=True,
        ),
    ]
    for n in range(1, svc.MAX_ACTIONS + 1):
        current = actions[n - 1] if n <= len(actions) else None
        owner = current.owner_role.value if current else ActorRole.MENTEE.value
        blocks += [
            ui.text_field(
                F.action(n, "what"),
                f"Action {n}",
                max_length=svc.ACTION_MAX,
                initial=current.text if current else None,
                placeholder="What exactly will be done?",
                optional=True,
            ),
            ui.input_block(
                F.action(n, "owner"),
                "Whose",
                StaticSelectElement(
                    action_id=Action.FIELD,
                    options=owners,
                    initial_option=next(o for o in owners if o.value == owner),
                ),
                optional=True,
            ),
            ui.input_block(
                F.action(n, "due"),
                "Due",
                DatePickerElement(
                    action_id=Action.FIELD,
                    initial_date=current.due_on.isoformat() if current and current.due_on else None,
                ),
                optional=True,
            ),
        ]
    durations = ui.options((str(m), f"{m} minutes") for m in meeting_svc.DURATIONS)
    blocks += [
        ui.input_block(
            F.NEXT_WHEN,
            "Next meeting (optional)",
            DateTimePickerElement(action_id=Action.FIELD),
            hint="Pick a time and it's booked for you both, in the same place.",
            optional=True,
        ),
        ui.input_block(
            F.NEXT_MINUTES,
            "For",
            StaticSelectElement(
                action_id=Action.FIELD,
                options=durations,
                initial_option=next(
                    (o for o in durations if o.value == str(meeting.minutes)), durations[0]
                ),
            ),
            optional=True,
        ),
    ]
    return ui.form(
        Callback.CAPTURE_FORM,
        "What we agreed",
        blocks,
        submit="Share",
        private_metadata={"meeting_id": meeting.id},
    )


def parse_capture_form(state: FormState) -> svc.CaptureDraft:
    actions: list[svc.ActionDraft] = []
    for n in range(1, svc.MAX_ACTIONS + 1):
        what = state.text(F.action(n, "what"))
        if not what.strip():
            continue
        owner_raw = state.selected(F.action(n, "owner")) or ActorRole.MENTEE.value
        due_raw = state.raw(F.action(n, "due")).get("selected_date")
        try:
            due = date.fromisoformat(due_raw) if isinstance(due_raw, str) else None
        except ValueError:
            due = None
        owner = ActorRole.MENTOR if owner_raw == ActorRole.MENTOR.value else ActorRole.MENTEE
        actions.append(svc.ActionDraft(what, owner, due))
    picked = state.raw(F.NEXT_WHEN).get("selected_date_time")
    next_at = (
        datetime.fromtimestamp(int(picked), tz=UTC)
        if isinstance(picked, int | str) and str(picked).isdigit()
        else None
    )
    minutes = state.selected(F.NEXT_MINUTES)
    return svc.CaptureDraft(
        takeaways=state.text(F.TAKEAWAYS),
        actions=tuple(actions),
        next_starts_at=next_at,
        next_minutes=whole(minutes),
    )


def _action_line(relationship: Relationship, item: ActionItem) -> str:
    owner = _owner(relationship, item.owner_role)
    done = "~" if item.status is ActionStatus.DONE else ""
    due = f" · due {_day(item.due_on)}" if item.due_on else ""
    return f"• {done}{escape(item.text)}{done} · {escape(owner.display)}{due}"


def summary(meeting: Meeting, notes: MeetingNotes, actions: Sequence[ActionItem]) -> list[Block]:
    """The notes as the pair sees them. The one who didn't write them confirms."""
    pair = meeting.pair
    author = _owner(pair, notes.author_role)
    other = pair.mentee if notes.author_role is ActorRole.MENTOR else pair.mentor
    blocks: list[Block] = [
        ui.section(
            f":memo: *What we agreed* on {when(meeting.starts_at, style='{date_long_pretty}')}, "
            f"captured by {escape(author.display)}"
        )
    ]
    if notes.takeaways:
        blocks += ui.long_text("Takeaways", escape(notes.takeaways))
    if actions:
        blocks += ui.long_text("Actions", "\n".join(_action_line(pair, a) for a in actions))
    if notes.confirmed_at is not None:
        blocks.append(ui.context(f":white_check_mark: Confirmed by {escape(other.display)}."))
    else:
        blocks.append(
            ui.actions(
                ui.button(
                    "Confirm", Action.CAPTURE_CONFIRM, value=str(meeting.id), style="primary"
                ),
                ui.button("Suggest a change", Action.CAPTURE_SUGGEST, value=str(meeting.id)),
            )
        )
        blocks.append(
            ui.context(f"{mention(other.slack_user_id)}, is this what you agreed? Confirm it.")
        )
    return blocks


def change_suggested(meeting: Meeting, notes: MeetingNotes) -> list[Block]:
    pair = meeting.pair
    author = _owner(pair, notes.author_role)
    suggester = pair.mentee if notes.author_role is ActorRole.MENTOR else pair.mentor
    return [
        ui.section(
            f":pencil2: {escape(suggester.display)} suggests a change to the notes:\n"
            f">{escape_truncated(notes.change_request, svc.CHANGE_MAX)}"
        ),
        ui.actions(ui.button("Edit the notes", Action.CAPTURE_WRITE, value=str(meeting.id))),
        ui.context(f"{mention(author.slack_user_id)}, you wrote them: update them if you agree."),
    ]


def understood(meeting: Meeting, draft: svc.CaptureDraft, dropped: int) -> list[Block]:
    """The bot's reading of a typed capture, so nothing is silently misread."""
    pair = meeting.pair
    blocks: list[Block] = [ui.section(":white_check_mark: Got it. Here's what I understood:")]
    if draft.takeaways:
        blocks += ui.long_text("Takeaways", escape(draft.takeaways))
    if draft.actions:
        blocks += ui.long_text(
            "Actions",
            "\n".join(
                f"• {escape(a.text)} · {escape(_owner(pair, a.owner).display)}"
                f" · {('due ' + _day(a.due_on)) if a.due_on else 'no due date'}"
                for a in draft.actions
            ),
        )
    if dropped:
        blocks.append(
            ui.context(f"I kept the first {svc.MAX_ACTIONS} actions and left out {dropped}.")
        )
    blocks += [
        ui.actions(ui.button("Edit", Action.CAPTURE_WRITE, value=str(meeting.id))),
        ui.context(
            f"It's posted to your conversation for {escape(pair.mentor.display)} to confirm."
        ),
    ]
    return blocks


def suggest_form(meeting: Meeting) -> View:
    field = ui.text_field(
        F.CHANGE, "What would you change?", multiline=True, max_length=svc.CHANGE_MAX
    )
    return ui.form(
        Callback.CAPTURE_SUGGEST_FORM,
        "Suggest a change",
        [field],
        submit="Send",
        private_metadata={"meeting_id": meeting.id},
    )


def meeting_check(meeting: Meeting, *, to: ActorRole) -> list[Block]:
    pair = meeting.pair
    other = pair.mentor if to is ActorRole.MENTEE else pair.mentee
    value = str(meeting.id)
    return [
        ui.section(
            f":wave: Did you meet *{escape(other.display)}* "
            f"{when(meeting.starts_at)}? Nothing was captured, so I'm checking."
        ),
        ui.actions(
            ui.button("Yes, we met", Action.MEETING_MET, value=value),
            ui.button("We rescheduled", Action.MEETING_RESCHEDULED, value=value),
            ui.button("It was cancelled", Action.MEETING_CANCELLED, value=value),
        ),
    ]


def outcome_noted(meeting: Meeting, outcome: MeetingOutcome, *, first: bool) -> list[Block]:
    said = {
        MeetingOutcome.MET: "you met",
        MeetingOutcome.RESCHEDULED: "it was rescheduled",
        MeetingOutcome.CANCELLED: "it was cancelled",
    }[outcome]
    lead = f"Thanks: noted that {said}." if first else f"Already answered: {said}."
    if outcome is MeetingOutcome.MET:
        return [
            ui.section(f"{lead} Capture what you agreed so it isn't lost."),
            ui.actions(ui.button("Capture it", Action.CAPTURE_WRITE, value=str(meeting.id))),
        ]
    return [
        ui.section(f"{lead} Book the next one when you're ready."),
        ui.actions(
            ui.button("Book a meeting", Action.MEETING_BOOK, value=str(meeting.relationship_id))
        ),
    ]


def action_due_text(item: ActionItem, *, today: date) -> str:
    if item.due_on is None or item.due_on >= today:
        return "Due today"
    return f"Due {_day(item.due_on)} and still open"


def action_due(item: ActionItem, *, today: date) -> list[Block]:
    """The owner's reminder, on the day it is due (in their own time zone), or later when
    their working hours or a pause held it past that day."""
    pair = item.pair
    other = pair.mentee if item.owner_role is ActorRole.MENTOR else pair.mentor
    due = action_due_text(item, today=today)
    return [
        ui.section(
            f":alarm_clock: {due}, agreed with *{escape(other.display)}*:\n"
            f">{escape_truncated(item.text, 300)}"
        ),
        ui.actions(ui.button("Done", Action.ACTION_DONE, value=str(item.id), style="primary")),
    ]


def action_done(item: ActionItem) -> list[Block]:
    return [ui.section(f":white_check_mark: Done: ~{escape_truncated(item.text, 300)}~")]


def actions_list(
    pairs: Sequence[tuple[Relationship, ActorRole, list[ActionItem]]], *, today: date
) -> list[Block]:
    if not pairs:
        return [ui.section("You don't have a mentoring partner yet.")]
    blocks: list[Block] = []
    for relationship, role, items in pairs:
        other = relationship.mentor if role is ActorRole.MENTEE else relationship.mentee
        blocks.append(ui.header(f"Actions with {other.display}"))
        if not items:
            blocks.append(ui.section("Nothing open. Agreed actions from your meetings show here."))
        for item in items:
            late = item.due_on is not None and item.due_on < today
            flag = " :warning: *overdue*" if late else ""
            blocks.append(
                ui.section(
                    _action_line(relationship, item) + flag,
                    block_id=BlockPrefix.ACTIONS_LIST.of(item.id),
                    accessory=ui.button("Done", Action.ACTION_DONE, value=str(item.id)),
                )
            )
    return ui.fit(
        blocks, MESSAGE_BLOCKS_MAX, overflow_note="More open actions than fit: finish a few!"
    )
