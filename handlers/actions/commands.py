"""The Help button on the App Home."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands.views import help_blocks
from bot.notices import info_modal
from bot.people.roles import roles_of
from handlers.context import acting_user, deps_of
from handlers.payloads import ActionRequest


async def show_help(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    req = ActionRequest.parse(body)
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
    async with deps.db.transaction() as session:
        roles = await roles_of(session=session, user=actor)
    await client.views_open(trigger_id=req.trigger_id, view=info_modal("Help", help_blocks(roles)))
