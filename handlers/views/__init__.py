"""Modal submissions (``view_submission``)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.ids import Callback
from handlers.guard import guarded
from handlers.views import enrolment, programs, settings


def register(app: AsyncApp) -> None:
    app.view(Callback.PROGRAM_FORM)(guarded(programs.submit_program))
    app.view(Callback.JOIN_FORM)(guarded(enrolment.submit_join))
    app.view(Callback.SETTINGS_FORM)(guarded(settings.submit_settings))
