"""`/mentor settings`, `/mentor pause` and `/mentor resume`."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import Block, CheckboxesElement
from slack_sdk.models.views import View

from bot import blocks as ui
from bot.errors import InvalidInput
from bot.forms import FormState
from bot.ids import Action, Callback
from bot.ids import SettingsField as F
from infra.hours import WorkingHours
from infra.text import escape
from infra.windows import zone

USE_PROGRAM = "program"


def settings_form(*, tz: str, own: WorkingHours | None, fallback: WorkingHours) -> View:
    """Your own nudge window. Leaving "use my program's hours" ticked removes it."""
    shown = own or fallback
    use_program = ui.option(USE_PROGRAM, "Use my program's hours")
    blocks: list[Block] = [
        ui.section(
            "I only nudge you inside your working hours, in your Slack time zone "
            f"(*{escape(tz)}*). Set your own hours here if your program's don't suit you."
        ),
        ui.input_block(
            F.USE_PROGRAM,
            "Program hours",
            CheckboxesElement(
                action_id=Action.FIELD,
                options=[use_program],
                initial_options=[use_program] if own is None else None,
            ),
            optional=True,
            hint=f"Your program's hours: {fallback.describe()}.",
        ),
        ui.time_field(F.START, "My hours start", shown.start),
        ui.time_field(F.END, "My hours end", shown.end),
        ui.days_field(F.DAYS, "My working days", shown.days),
    ]
    return ui.form(Callback.SETTINGS_FORM, "Nudge settings", blocks, submit="Save")


def parse_settings_form(state: FormState) -> WorkingHours | None:
    """None means "use the program's hours"."""
    if USE_PROGRAM in state.selected_many(F.USE_PROGRAM):
        return None
    start, end = state.time(F.START), state.time(F.END)
    days = state.weekdays(F.DAYS)
    errors: dict[str, str] = {}
    if start is None:
        errors[F.START] = "Choose a time."
    if end is None:
        errors[F.END] = "Choose a time."
    if not days:
        errors[F.DAYS] = "Choose at least one day."
    if start is not None and end is not None and end <= start:
        errors[F.END] = "Your hours must end after they start."
    if errors:
        raise InvalidInput.for_fields(errors)
    assert start is not None and end is not None
    return WorkingHours(start=start, end=end, days=days)


def settings_saved(hours: WorkingHours | None) -> list[Block]:
    if hours is None:
        return [ui.section(":white_check_mark: I'll nudge you in your program's working hours.")]
    return [ui.section(f":white_check_mark: I'll nudge you {hours.describe()}, your time.")]


def paused(until: datetime, tz: str) -> list[Block]:
    local = until.astimezone(zone(tz))
    return [
        ui.section(
            f":zzz: Nudges are paused until *{local:%A %d %B %Y}*. Urgent messages, like a "
            "meeting that's about to start, still reach you."
        ),
        ui.actions(ui.button("Resume now", Action.RESUME)),
    ]


def resumed(released: int) -> list[Block]:
    held = f" {released} held nudge{'s' * (released != 1)} will arrive shortly." if released else ""
    return [ui.section(f":wave: Welcome back: nudges are on again.{held}")]
