"""Button and select clicks (``block_actions``)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.ids import Action
from handlers.actions import enrolment, help, programs, settings
from handlers.guard import guarded


def register(app: AsyncApp) -> None:
    app.action(Action.PROGRAM_NEW)(guarded(programs.new_program))
    app.action(Action.PROGRAM_EDIT)(guarded(programs.edit_program))
    app.action(Action.JOIN_OPEN)(guarded(enrolment.open_join))
    app.action(Action.JOIN_PROGRAM)(guarded(enrolment.join_form_changed))
    app.action(Action.JOIN_ROLE)(guarded(enrolment.join_form_changed))
    app.action(Action.PROFILE_EDIT)(guarded(enrolment.edit_profile))
    app.action(Action.LEAVE)(guarded(enrolment.leave))
    app.action(Action.HELP)(guarded(help.show_help))
    app.action(Action.SETTINGS_OPEN)(guarded(settings.open_settings))
    app.action(Action.RESUME)(guarded(settings.resume))
