"""Who people are: ``users.info``, cached in the users table.

This is the one place that combines a Slack lookup with persistence. It never holds a
database session while waiting on Slack.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import NotFound
from infra.clock import Clock
from infra.db import Database
from infra.slack import slack_error_code
from infra.text import from_slack, mentioned_users
from storage.models import User
from storage.repositories import users as user_repo
from storage.repositories.users import Profile

log = logging.getLogger(__name__)

FRESH_FOR = timedelta(hours=12)


def profile_from_slack(team_id: str, user: dict[str, Any]) -> Profile:
    """Map a ``users.info`` user object onto what we keep."""
    profile = user.get("profile") or {}
    return Profile(
        team_id=team_id,
        slack_user_id=str(user["id"]),
        name=str(user.get("name") or ""),
        real_name=str(user.get("real_name") or profile.get("real_name") or ""),
        tz=str(user.get("tz") or "UTC"),
        is_admin=bool(user.get("is_admin")),
        is_owner=bool(user.get("is_owner")),
        is_bot=bool(user.get("is_bot")) or user.get("id") == "USLACKBOT",
        deleted=bool(user.get("deleted")),
    )


async def lookup_user(
    *,
    db: Database,
    client: AsyncWebClient,
    clock: Clock,
    team_id: str,
    user_id: str,
    fresh_for: timedelta = FRESH_FOR,
) -> User:
    """The user, refreshed from Slack when the cached row is older than ``fresh_for``."""
    async with db.transaction() as session:
        user = await user_repo.get(session=session, team_id=team_id, slack_user_id=user_id)
    now = clock.now()
    if user is not None and user.refreshed_at is not None and now - user.refreshed_at < fresh_for:
        return user
    try:
        response = await client.users_info(user=user_id)
    except SlackApiError as exc:
        if user is not None:
            # Slack is having a moment; a stale profile beats failing the request.
            log.warning("users.info failed; using cached profile", extra={"error": str(exc)})
            return user
        if slack_error_code(exc) == "user_not_found":
            raise NotFound("I couldn't find that person in this workspace.") from exc
        raise
    profile = profile_from_slack(team_id, response["user"])
    async with db.transaction() as session:
        return await user_repo.save_profile(session=session, profile=profile, now=now)


MAX_NAMED = 10  # mentions in one message whose names are looked up; the rest read "@someone"


async def typed_text(
    *, db: Database, client: AsyncWebClient, clock: Clock, team_id: str, slack_text: str
) -> str:
    """What a person typed in a message, from its text as Slack delivers it (see
    :func:`infra.text.from_slack`), with the people they mentioned named."""
    names: dict[str, str] = {}
    for user_id in mentioned_users(slack_text)[:MAX_NAMED]:
        try:
            user = await lookup_user(
                db=db, client=client, clock=clock, team_id=team_id, user_id=user_id
            )
        except (NotFound, SlackApiError):
            continue  # not someone Slack can tell us about: "@someone"
        names[user_id] = user.display
    return from_slack(slack_text, names)
