"""Separation: the wrap-up question, extending (both agree), the closing survey, ending early,
and what each person (and, privately, the managers) is told."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import (
    Block,
    DatePickerElement,
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot import blocks as ui
from bot.blocks import when
from bot.forms import FormState
from bot.ids import Action, Callback
from bot.ids import SeparationField as F
from bot.separation import service as svc
from infra.text import escape, escape_truncated, mention
from storage.enums import ActorRole
from storage.models import Relationship


def _other(relationship: Relationship, role: ActorRole) -> str:
    other = relationship.mentor if role is ActorRole.MENTEE else relationship.mentee
    return escape(other.display)


def wrap_up(relationship: Relationship, to: ActorRole) -> list[Block]:
    ends = (
        when(relationship.ends_at, style="{date_long_pretty}") if relationship.ends_at else "soon"
    )
    ask = (
        "Were your goals met? Take stock together at your next meeting."
        if to is ActorRole.MENTEE
        else "Did your mentee get where they wanted? Take stock together at your next meeting."
    )
    value = str(relationship.id)
    return [
        ui.section(
            f":hourglass: Your mentoring with *{_other(relationship, to)}* ends {ends}. {ask}"
        ),
        ui.actions(
            ui.button("Extend", Action.SEP_EXTEND, value=value),
            ui.button("Close", Action.SEP_CLOSE, value=value, style="primary"),
        ),
        ui.context("Extending needs you both to agree. Closing asks three quick questions."),
    ]


def extend_form(relationship: Relationship, current: date) -> View:
    return View(
        type="modal",
        callback_id=Callback.EXTEND_FORM,
        title=ui.title("Extend"),
        submit=ui.plain("Propose"),
        close=ui.plain("Cancel"),
        private_metadata=ui.metadata(relationship_id=relationship.id),
        blocks=[
            ui.section(f"It ends on {current:%a %d %b %Y} now. Your partner is asked to agree."),
            ui.input_block(F.NEW_END, "New end date", DatePickerElement(action_id=Action.FIELD)),
        ],
    )


def parse_extend(state: FormState) -> date | None:
    raw = state.raw(F.NEW_END).get("selected_date")
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def extension_request(relationship: Relationship, to: ActorRole) -> list[Block]:
    until = relationship.extend_to
    value = str(relationship.id)
    return [
        ui.section(
            f":calendar: *{_other(relationship, to)}* would like to keep going until "
            f"*{until:%a %d %b %Y}*. Do you agree?"
            if until
            else "An extension was proposed."
        ),
        ui.actions(
            ui.button("Agree", Action.SEP_AGREE, value=value, style="primary"),
            ui.button("Decline", Action.SEP_DECLINE, value=value),
        ),
    ]


def extension_answered(relationship: Relationship, *, agreed: bool) -> list[Block]:
    if agreed and relationship.ends_at:
        ends = when(relationship.ends_at, style="{date_long_pretty}")
        return [ui.section(f":white_check_mark: Extended: your mentoring now runs until {ends}.")]
    return [ui.section("The extension was declined. You can still close well: press *Close*.")]


def close_form(relationship: Relationship, role: ActorRole) -> View:
    outcomes = ui.options(svc.OUTCOMES.items())
    goals = ui.options(svc.GOALS_MET.items())
    recommend = ui.options((("yes", "Yes"), ("no", "No")))
    blocks: list[Block] = [
        ui.input_block(
            F.OUTCOME,
            "How did it go overall?",
            StaticSelectElement(action_id=Action.FIELD, options=outcomes),
        ),
        ui.input_block(
            F.GOALS_MET,
            "Were the goals met?",
            RadioButtonsElement(action_id=Action.FIELD, options=goals),
        ),
        ui.input_block(
            F.RECOMMEND,
            "Would you recommend mentoring here to a colleague?",
            RadioButtonsElement(action_id=Action.FIELD, options=recommend),
        ),
    ]
    if role is ActorRole.MENTEE:
        blocks.append(
            ui.text_field(
                F.THANKS,
                f"A thank-you for {relationship.mentor.display}"[:150],
                multiline=True,
                max_length=svc.THANKS_MAX,
                placeholder="What difference did their time make?",
                hint="Posted to your mentoring conversation. Your answers above go to the "
                "program managers only.",
                optional=True,
            )
        )
    return ui.form(
        Callback.CLOSE_FORM,
        "Close well",
        blocks,
        submit="Close",
        close="Not yet",
        private_metadata={"relationship_id": relationship.id},
    )


def parse_close(state: FormState) -> tuple[str | None, str | None, bool | None, str]:
    recommend = state.selected(F.RECOMMEND)
    return (
        state.selected(F.OUTCOME),
        state.selected(F.GOALS_MET),
        None if recommend is None else recommend == "yes",
        state.text(F.THANKS),
    )


def end_form(pairs: Sequence[tuple[Relationship, ActorRole]]) -> View:
    blocks: list[Block] = []
    if len(pairs) > 1:
        choices = ui.options(
            (str(r.id), f"{(r.mentor if role is ActorRole.MENTEE else r.mentee).display}"[:75])
            for r, role in pairs
        )
        blocks.append(
            ui.input_block(
                F.PAIR,
                "Which mentoring relationship?",
                StaticSelectElement(action_id=Action.FIELD, options=choices),
            )
        )
    else:
        relationship, role = pairs[0]
        blocks.append(
            ui.section(
                f"This ends your mentoring with *{_other(relationship, role)}* now. They'll be "
                "told kindly; your reason goes to the program managers only."
            )
        )
    blocks.append(
        ui.text_field(F.REASON, "Why are you ending it?", multiline=True, max_length=svc.REASON_MAX)
    )
    metadata = {"relationship_id": pairs[0][0].id} if len(pairs) == 1 else {}
    return ui.form(
        Callback.END_FORM,
        "End early",
        blocks,
        submit="End it",
        private_metadata=metadata,
    )


def closed(relationship: Relationship, thanks: str) -> list[Block]:
    blocks: list[Block] = [
        ui.section(
            f":mortar_board: {mention(relationship.mentee.slack_user_id)} and "
            f"{mention(relationship.mentor.slack_user_id)} have closed their mentoring. "
            "Thank you both for the time and care you put in."
        )
    ]
    if thanks:
        blocks.append(
            ui.section(
                f"*From {escape(relationship.mentee.display)}:*\n"
                f"{escape_truncated(thanks, svc.THANKS_MAX + 500)}"
            )
        )
    return blocks


def survey_invite(relationship: Relationship, to: ActorRole) -> list[Block]:
    return [
        ui.section(
            f"Your mentoring with *{_other(relationship, to)}* is closed. Three quick questions "
            "help the program managers make the next round better."
        ),
        ui.actions(ui.button("Answer", Action.SEP_CLOSE, value=str(relationship.id))),
    ]


def ended_early_kindly(relationship: Relationship, to: ActorRole) -> list[Block]:
    return [
        ui.section(
            f"Your mentoring relationship with *{_other(relationship, to)}* has ended early. "
            "Relationships end for all sorts of reasons, and it's nobody's failure. Thank you "
            "for the time you gave. You can join again with `/mentor join`."
        )
    ]


def ended_early_managers(relationship: Relationship) -> list[Block]:
    who = (
        relationship.mentee
        if relationship.ended_by_role is ActorRole.MENTEE
        else relationship.mentor
    )
    return [
        ui.section(
            f":warning: {mention(who.slack_user_id)} ended the mentoring relationship of "
            f"{mention(relationship.mentee.slack_user_id)} (mentee) and "
            f"{mention(relationship.mentor.slack_user_id)} (mentor) early, on their own. "
            f"· {escape(relationship.program.name)}"
        ),
        ui.section(f"*Their reason*\n{escape_truncated(relationship.end_reason, 1000)}"),
        ui.context("Only the program's managers see this."),
    ]


def partner_left(relationship: Relationship, to: ActorRole) -> list[Block]:
    """To the partner of someone who left the program: kind, and without detail."""
    return [
        ui.section(
            f"Your mentoring relationship with *{_other(relationship, to)}* has ended: they "
            "are no longer taking part in the program. It's nobody's failure. Thank you for "
            "the time you gave. You can join again with `/mentor join`."
        )
    ]


def left_managers(relationship: Relationship) -> list[Block]:
    """To the managers: who left, and that the pair ended. No reason exists to show."""
    who = (
        relationship.mentee
        if relationship.ended_by_role is ActorRole.MENTEE
        else relationship.mentor
    )
    return [
        ui.section(
            f"{mention(who.slack_user_id)} left the program, so the mentoring relationship of "
            f"{mention(relationship.mentee.slack_user_id)} (mentee) and "
            f"{mention(relationship.mentor.slack_user_id)} (mentor) has ended. "
            f"· {escape(relationship.program.name)}"
        ),
        ui.context("Only the program's managers see this."),
    ]
