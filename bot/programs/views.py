"""The program form (create and edit), the program list, and program notices."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time

from slack_sdk.models.blocks import (
    Block,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot import blocks as ui
from bot.errors import InvalidInput
from bot.forms import FormState, whole
from bot.ids import Action, Callback
from bot.ids import ProgramField as F
from bot.programs import service as svc
from bot.programs.channels import ChannelAccess
from infra.hours import WEEKDAYS, WorkingHours
from infra.text import channel_link, escape, escape_truncated, human_list, mention
from storage.enums import Cadence
from storage.models import Program

LIST_MAX = 20


def program_form(draft: svc.ProgramDraft, *, program_id: int | None = None) -> View:
    """The modal that creates a program (``program_id`` None) or edits one."""
    blocks: list[Block] = [
        ui.text_field(
            F.NAME,
            "Program name",
            initial=draft.name,
            max_length=svc.NAME_MAX,
            placeholder="e.g. Engineering mentoring, spring cohort",
        ),
        ui.text_field(
            F.DESCRIPTION,
            "Description",
            initial=draft.description,
            multiline=True,
            max_length=svc.DESCRIPTION_MAX,
            placeholder="Who it is for and what people can expect",
            optional=True,
        ),
        ui.input_block(
            F.MANAGERS,
            "Program managers",
            UserMultiSelectElement(
                action_id=Action.FIELD,
                initial_users=list(draft.manager_ids) or None,
                max_selected_items=svc.MANAGERS_MAX,
            ),
            hint="Managers match people, get alerts and read the weekly digest. "
            "They never see agendas or notes.",
        ),
        ui.channel_field(
            F.DIGEST_CHANNEL,
            "Manager digest channel",
            initial=draft.digest_channel_id,
            private=True,
            hint="Alerts and the weekly digest go here. Pick a channel only managers read.",
        ),
        ui.channel_field(
            F.CELEBRATIONS,
            "Celebrations channel",
            initial=draft.celebration_channel_id,
            private=False,
            hint="Mentees who choose to can share an achieved goal here. Leave empty for none.",
            optional=True,
        ),
        ui.select_field(
            F.CADENCE,
            "Meeting cadence",
            ui.options((c.value, c.label) for c in Cadence),
            initial=draft.cadence,
        ),
        ui.number_field(
            F.LENGTH,
            "Relationship length (months)",
            initial=draft.relationship_months,
            min_value=svc.MONTHS_MIN,
            max_value=svc.MONTHS_MAX,
        ),
        ui.number_field(
            F.AGENDA_LEAD,
            "Ask for the agenda (hours before each meeting)",
            initial=draft.agenda_lead_hours,
            min_value=svc.AGENDA_LEAD_MIN,
            max_value=svc.AGENDA_LEAD_MAX,
            hint="Moved back into the mentee's working hours: with 24, a Monday 09:00 meeting "
            "is prompted on Friday.",
        ),
        ui.number_field(
            F.CAPTURE_LEAD,
            "Ask what was agreed (hours after each meeting)",
            initial=draft.capture_lead_hours,
            min_value=svc.CAPTURE_LEAD_MIN,
            max_value=svc.CAPTURE_LEAD_MAX,
        ),
        ui.select_field(
            F.DIGEST_DAY,
            "Weekly digest on",
            ui.options((str(i), d) for i, d in enumerate(WEEKDAYS)),
            initial=str(draft.digest_weekday),
        ),
        ui.time_field(F.DIGEST_TIME, "at", draft.digest_time, hint="In the program's time zone."),
        ui.number_field(
            F.CHECKIN_FIRST,
            "First check-in (days after the match)",
            initial=draft.checkin_first_days,
            min_value="7",
            max_value="120",
        ),
        ui.number_field(
            F.CHECKIN_EVERY,
            "Then a check-in every (days)",
            initial=draft.checkin_every_days,
            min_value="14",
            max_value="180",
            hint="Each person privately: how is it going, 1 to 5.",
        ),
        ui.time_field(
            F.NUDGE_START,
            "Nudges may arrive from",
            draft.hours.start,
            hint="In each person's own time zone.",
        ),
        ui.time_field(F.NUDGE_END, "Nudges may arrive until", draft.hours.end),
        ui.days_field(F.NUDGE_DAYS, "On these days", draft.hours.days),
        ui.text_field(
            F.TIMEZONE,
            "Program time zone",
            initial=draft.timezone,
            max_length=64,
            hint="For the weekly digest, e.g. Europe/London. Nudges follow each person's own.",
        ),
        ui.text_field(
            F.SKILLS,
            "Skills people can pick",
            multiline=True,
            initial=", ".join(draft.skills),
            max_length=3000,
            placeholder="SQL, public speaking, budgeting, people management",
            hint="Separate with commas or new lines. Mentees pick what they want to develop, "
            "mentors what they can share; matching uses both.",
        ),
    ]
    editing = program_id is not None
    return ui.form(
        Callback.PROGRAM_FORM,
        "Edit program" if editing else "New program",
        blocks,
        submit="Save" if editing else "Create",
        private_metadata={"program_id": program_id},
    )


def parse_program_form(state: FormState) -> svc.ProgramDraft:
    """Turn submitted values into a draft. Shape problems become field errors here; the
    service validates the meaning."""
    errors: dict[str, str] = {}
    cadence_raw = state.selected(F.CADENCE)
    try:
        cadence = Cadence(cadence_raw or "")
    except ValueError:
        errors[F.CADENCE] = "Choose how often pairs should meet."
        cadence = Cadence.FORTNIGHTLY
    months = _integer(state, F.LENGTH, errors, "Enter a whole number of months.")
    # Left out (an older form still open): keep the defaults
    agenda_lead = _optional_integer(state, F.AGENDA_LEAD, errors, "Enter a whole number of hours.")
    capture_lead = _optional_integer(
        state, F.CAPTURE_LEAD, errors, "Enter a whole number of hours."
    )
    first = _optional_integer(state, F.CHECKIN_FIRST, errors, "Enter a whole number of days.")
    every = _optional_integer(state, F.CHECKIN_EVERY, errors, "Enter a whole number of days.")
    day = state.selected(F.DIGEST_DAY)
    try:
        digest_at = state.time(F.DIGEST_TIME)  # left out (an older form): the default
    except InvalidInput as exc:
        errors.update(exc.fields)
        digest_at = None
    start = _time(state, F.NUDGE_START, errors)
    end = _time(state, F.NUDGE_END, errors)
    days = state.weekdays(F.NUDGE_DAYS)
    if not days:
        errors[F.NUDGE_DAYS] = "Choose at least one day."
    hours = WorkingHours()
    if start and end and days:
        if end <= start:
            errors[F.NUDGE_END] = "The window must end after it starts."
        elif (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute) < 60:
            errors[F.NUDGE_END] = "Leave at least an hour for nudges."
        else:
            hours = WorkingHours(start=start, end=end, days=days)
    if errors:
        raise InvalidInput.for_fields(errors)
    return svc.ProgramDraft(
        name=state.text(F.NAME),
        description=state.text(F.DESCRIPTION),
        manager_ids=tuple(dict.fromkeys(state.users(F.MANAGERS))),
        digest_channel_id=state.conversation(F.DIGEST_CHANNEL),
        cadence=cadence,
        relationship_months=months if months is not None else 0,
        hours=hours,
        timezone=state.text(F.TIMEZONE).strip(),
        skills=svc.parse_skills(state.text(F.SKILLS)),
        celebration_channel_id=state.conversation(F.CELEBRATIONS),
        agenda_lead_hours=agenda_lead if agenda_lead is not None else 24,
        capture_lead_hours=capture_lead if capture_lead is not None else 1,
        digest_weekday=whole(day) or 0,
        digest_time=digest_at or time(9, 0),
        checkin_first_days=first if first is not None else 30,
        checkin_every_days=every if every is not None else 60,
    )


def _optional_integer(
    state: FormState, block: str, errors: dict[str, str], message: str
) -> int | None:
    try:
        return state.integer(block, message=message)
    except InvalidInput as exc:
        errors.update(exc.fields)
        return None


def _integer(state: FormState, block: str, errors: dict[str, str], message: str) -> int | None:
    try:
        value = state.integer(block, message=message)
    except InvalidInput as exc:
        errors.update(exc.fields)
        return None
    if value is None:
        errors[block] = message
    return value


def _time(state: FormState, block: str, errors: dict[str, str]) -> time | None:
    try:
        value = state.time(block)
    except InvalidInput as exc:
        errors.update(exc.fields)
        return None
    if value is None:
        errors[block] = "Choose a time."
    return value


def program_list(summaries: Sequence[svc.ProgramSummary], *, can_create: bool) -> list[Block]:
    """The `/mentor program` answer: every program, with Edit on the ones you manage."""
    blocks: list[Block] = [ui.header("Mentoring programs")]
    if not summaries:
        blocks.append(ui.section("There are no mentoring programs in this workspace yet."))
    for summary in summaries[:LIST_MAX]:
        blocks.append(_program_section(summary))
    if len(summaries) > LIST_MAX:
        blocks.append(ui.context(f"…and {len(summaries) - LIST_MAX} more."))
    footer = [ui.button("Join a program", Action.JOIN_OPEN, style="primary")]
    if can_create:
        footer.append(ui.button("New program", Action.PROGRAM_NEW))
    blocks.append(ui.actions(*footer))
    return blocks


def _program_section(summary: svc.ProgramSummary) -> Block:
    p = summary.program
    managers = human_list([mention(m) for m in summary.manager_ids])
    lines = [f"*{escape(p.name)}*"]
    if p.description:
        lines.append(escape_truncated(p.description, 300))
    lines.append(
        f"{summary.mentees} mentee{'s' * (summary.mentees != 1)} · "
        f"{summary.mentors} mentor{'s' * (summary.mentors != 1)} · "
        f"{p.cadence.label.lower()} meetings · {p.relationship_months} months · "
        f"managed by {managers}"
    )
    accessory = (
        ui.button("Edit", Action.PROGRAM_EDIT, value=str(p.id))
        if summary.managed_by_viewer
        else ui.button("Join", Action.JOIN_OPEN, value=str(p.id))
    )
    return ui.section("\n".join(lines), accessory=accessory)


def program_saved(
    program: Program, *, created: bool, channel_note: str, hours: WorkingHours
) -> list[Block]:
    """DM to the manager who saved the program."""
    verb = "is ready" if created else "was updated"
    blocks: list[Block] = [
        ui.section(f":white_check_mark: *{escape(program.name)}* {verb}."),
        ui.fields_section(
            [
                ("Cadence", program.cadence.label),
                ("Length", f"{program.relationship_months} months"),
                ("Nudges", hours.describe()),
                ("Skills", escape_truncated(", ".join(program.skills), 1000)),
            ]
        ),
        ui.section(channel_note),
    ]
    if created:
        blocks.append(
            ui.context(
                "Next: invite people to run `/mentor join`. "
                "Managers can see who has joined with `/mentor program`."
            )
        )
    return blocks


def manager_added(program: Program, *, added_by: str) -> list[Block]:
    return [
        ui.section(
            f"{mention(added_by)} made you a manager of *{escape(program.name)}*. "
            "You'll match mentors with mentees, get alerts when a pair needs help, and read "
            "the weekly digest. You never see a pair's agendas or notes."
        ),
        ui.context("`/mentor program` lists the programs you manage."),
    ]


def channel_note(access: ChannelAccess | None, channel_id: str) -> str:
    """What the manager should know about the digest channel after saving (``access`` None:
    we don't know whether the bot could join it)."""
    link = channel_link(channel_id) if channel_id else "the digest channel"
    if access is None:
        return (
            f":inbox_tray: Alerts and the digest go to {link}. If it's private, please invite "
            "me: type `/invite @Mentorbot` in that channel."
        )
    notes = {
        ChannelAccess.JOINED: f":inbox_tray: I joined {link}; alerts and the digest go there.",
        ChannelAccess.MEMBER: f":inbox_tray: Alerts and the digest go to {link}.",
        ChannelAccess.NEEDS_INVITE: (
            f":lock: {link} is private, so I can't join it myself. Please invite me: "
            "type `/invite @Mentorbot` in that channel."
        ),
        ChannelAccess.ARCHIVED: f":warning: {link} is archived. Edit the program to pick another.",
        ChannelAccess.NOT_FOUND: (
            ":warning: I can't find that channel. Edit the program to pick another."
        ),
    }
    return notes[access]


def not_in_channel(program_name: str, channel_id: str) -> list[Block]:
    """To a program's managers when the digest channel refused a post."""
    return [
        ui.section(
            f":warning: I couldn't post to {channel_link(channel_id)} for "
            f"*{escape(program_name)}* because I'm not a member. Please invite me: type "
            "`/invite @Mentorbot` in that channel, or pick another channel with `/mentor program`."
        )
    ]
