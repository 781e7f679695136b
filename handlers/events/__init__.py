"""Events API: the App Home and direct messages."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.events import home, messages, users
from handlers.guard import guarded


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(guarded(home.home_opened))
    app.event("message")(guarded(messages.direct_message))
    app.event("user_change")(guarded(users.user_change))
