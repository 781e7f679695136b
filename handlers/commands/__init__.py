"""The `/mentor` slash command."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.commands.mentor import handle_mentor
from handlers.guard import guarded


def register(app: AsyncApp) -> None:
    app.command("/mentor")(guarded(handle_mentor))
