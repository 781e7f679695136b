"""Button and select clicks (``block_actions``)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.ids import Action
from handlers.actions import enrolment, help, programs


def register(app: AsyncApp) -> None:
    app.action(Action.PROGRAM_NEW)(programs.new_program)
    app.action(Action.PROGRAM_EDIT)(programs.edit_program)
    app.action(Action.JOIN_OPEN)(enrolment.open_join)
    app.action(Action.JOIN_PROGRAM)(enrolment.join_form_changed)
    app.action(Action.JOIN_ROLE)(enrolment.join_form_changed)
    app.action(Action.PROFILE_EDIT)(enrolment.edit_profile)
    app.action(Action.LEAVE)(enrolment.leave)
    app.action(Action.HELP)(help.show_help)
