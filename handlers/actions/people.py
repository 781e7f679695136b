"""Settings and Resume buttons."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.people import service as people
from bot.people.views import resumed
from handlers import openers
from handlers.context import acting_user, deps_of
from handlers.payloads import ActionRequest


async def open_settings(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    req = ActionRequest.parse(body)
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
    await openers.open_settings_form(deps, client, actor=actor, trigger_id=req.trigger_id)


async def resume(
    ack: AsyncAck,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    await ack()
    req = ActionRequest.parse(body)
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
    async with deps.db.transaction() as session:
        released = await people.resume(session=session, clock=deps.clock, user=actor)
    if body.get("response_url"):
        await respond(
            text="Nudges resumed",
            blocks=[b.to_dict() for b in resumed(released)],
            replace_original=True,
        )
