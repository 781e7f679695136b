"""The nudge settings form's submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import people
from bot.views.settings import parse_settings_form, settings_saved
from handlers.context import acting_user, deps_of
from handlers.payloads import ViewRequest


async def submit_settings(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req = ViewRequest.parse(body)
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
    hours = parse_settings_form(req.state)
    async with deps.db.transaction() as session:
        await people.set_working_hours(session=session, user=actor, hours=hours)
    await ack()
    await client.chat_postMessage(
        channel=actor.slack_user_id, text="Nudge settings saved", blocks=settings_saved(hours)
    )
