"""Events API: the App Home and direct messages."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.events import home, messages


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(home.home_opened)
    app.event("message")(messages.direct_message)
