"""Thin Slack listeners, grouped by surface. Each group exposes ``register(app)``."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers import actions, commands, errors, events, middleware, submissions
from infra.deps import Deps


def register(app: AsyncApp, deps: Deps) -> None:
    middleware.register(app, deps)
    errors.register(app)
    commands.register(app)
    actions.register(app)
    submissions.register(app)
    events.register(app)
