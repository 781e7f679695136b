"""Check-ins: the private question, its form and the thanks."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    RadioButtonsElement,
)
from slack_sdk.models.views import View

from bot import blocks as ui
from bot.checkins import service as svc
from bot.forms import FormState, whole
from bot.ids import Action, Callback
from bot.ids import CheckinField as F
from infra.text import escape
from storage.enums import ActorRole
from storage.models import CheckIn, Relationship


def question(relationship: Relationship, row: CheckIn) -> list[Block]:
    other = relationship.mentor if row.role is ActorRole.MENTEE else relationship.mentee
    return [
        ui.section(
            f":bar_chart: *How is your mentoring with {escape(other.display)} going?* "
            "One click and an optional note. Your answer is private: "
            f"{escape(other.display)} never sees it."
        ),
        ui.actions(ui.button("Answer", Action.CHECKIN_OPEN, value=str(row.id), style="primary")),
    ]


def form(relationship: Relationship, row: CheckIn) -> View:
    scale = ui.options((str(k), v) for k, v in svc.SCALE.items())
    return View(
        type="modal",
        callback_id=Callback.CHECKIN_FORM,
        title=ui.title("Check-in"),
        submit=ui.plain("Send"),
        close=ui.plain("Cancel"),
        private_metadata=ui.metadata(checkin_id=row.id),
        blocks=[
            ui.input_block(
                F.SCORE,
                "How is it going?",
                RadioButtonsElement(action_id=Action.FIELD, options=scale),
            ),
            ui.text_field(
                F.NOTE,
                "Anything the program manager should know?",
                multiline=True,
                max_length=svc.NOTE_MAX,
                optional=True,
            ),
            ui.input_block(
                F.SHARE,
                "Sharing",
                CheckboxesElement(
                    action_id=Action.FIELD,
                    options=[ui.option("yes", "Share my note with the program managers")],
                ),
                hint="Managers always see the score, never who in the pair gave it to the other. "
                "Your note stays private unless you tick this.",
                optional=True,
            ),
        ],
    )


def parse(state: FormState) -> tuple[int | None, str, bool]:
    raw = state.selected(F.SCORE)
    return (
        whole(raw),
        state.text(F.NOTE),
        "yes" in state.selected_many(F.SHARE),
    )
