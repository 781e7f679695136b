"""Modal submissions (``view_submission``)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.ids import Callback
from handlers.views import enrolment, programs


def register(app: AsyncApp) -> None:
    app.view(Callback.PROGRAM_FORM)(programs.submit_program)
    app.view(Callback.JOIN_FORM)(enrolment.submit_join)
