"""Helpers every listener uses: its dependencies, and who is acting."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.directory import FRESH_FOR, lookup_user
from storage.models import User

DEPS_KEY = "mentorbot_deps"


def deps_of(context: Any) -> Deps:
    deps = context[DEPS_KEY]
    assert isinstance(deps, Deps)
    return deps


async def acting_user(
    deps: Deps,
    client: AsyncWebClient,
    *,
    team_id: str,
    user_id: str,
    fresh_for: timedelta = FRESH_FOR,
) -> User:
    return await lookup_user(
        db=deps.db,
        client=client,
        clock=deps.clock,
        team_id=team_id,
        user_id=user_id,
        fresh_for=fresh_for,
    )
