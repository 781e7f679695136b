"""Events API: the App Home, direct messages, profile changes and the app leaving a workspace."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.events import home, messages, users, workspaces
from handlers.guard import guarded


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(guarded(home.home_opened))
    app.event("message")(guarded(messages.direct_message))
    app.event("user_change")(guarded(users.user_change))
    app.event("app_uninstalled")(guarded(workspaces.app_uninstalled))
    app.event("tokens_revoked")(guarded(workspaces.tokens_revoked))
