"""Keep people's time zones (and deactivations) current as Slack reports changes: a person
deactivated leaves their relationships at once, and is erased later unless they come back
(``bot.privacy``)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext

from bot.people.directory import profile_from_slack
from bot.privacy import service as privacy
from handlers.context import deps_of
from storage.repositories import users as user_repo


async def user_change(
    event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
) -> None:
    user = event.get("user")
    if not isinstance(user, dict) or not user.get("id"):
        return
    deps = deps_of(context)
    team_id = str(context.team_id or user.get("team_id") or "")
    async with deps.db.transaction() as session:
        known = await user_repo.get(session=session, team_id=team_id, slack_user_id=user["id"])
        if known is None:
            return  # not someone we track; nothing to refresh
        was_deleted = known.deleted
        now = deps.clock.now()
        person = await user_repo.save_profile(
            session=session, profile=profile_from_slack(team_id, user), now=now
        )
        await privacy.user_changed(
            session=session, now=now, settings=deps.settings, user=person, was_deleted=was_deleted
        )
    deps.kick()  # a deactivation's farewell notices go at once
