"""The decline form's submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.ids import DeclineField
from bot.introductions import service as svc
from handlers.context import begin_view


async def decline(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_view(body, context, client)
    async with deps.db.transaction() as session:
        await svc.decline(
            session=session,
            clock=deps.clock,
            actor=actor,
            relationship_id=req.metadata_id("relationship_id") or 0,
            reason=req.state.text(DeclineField.REASON),
        )
    await ack()
    deps.kick()
