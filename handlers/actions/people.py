"""The Resume button (Nudge settings opens a form: handlers.openers)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.people import service as people
from bot.people.views import resumed
from handlers.context import begin_action


async def resume(
    ack: AsyncAck,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    _, deps, actor = await begin_action(ack, body, context, client)
    async with deps.db.transaction() as session:
        released = await people.resume(session=session, clock=deps.clock, user=actor)
    if body.get("response_url"):
        await respond(
            text="Nudges resumed",
            blocks=[b.to_dict() for b in resumed(released)],
            replace_original=True,
        )
