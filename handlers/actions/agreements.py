"""Sign the mentoring agreement (Draft and Suggest changes open forms: handlers.openers)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.agreements import service as svc
from handlers.context import begin_action


async def sign(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
    async with deps.db.transaction() as session:
        await svc.sign(
            session=session, clock=deps.clock, actor=actor, agreement_id=req.id_of("agreement")
        )
    deps.kick()
