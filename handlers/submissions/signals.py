"""The mentee's update to their mentor."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.checkins import service as checkins
from bot.checkins.views import parse as parse_checkin
from bot.ids import UpdateField
from bot.signals import followups
from handlers.context import begin_view


async def submit_update(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_view(body, context, client)
    async with deps.db.transaction() as session:
        await followups.send_update(
            session=session,
            clock=deps.clock,
            actor=actor,
            relationship_id=req.metadata_id("relationship_id") or 0,
            text=req.state.text(UpdateField.TEXT),
        )
    await ack()
    deps.kick()


async def submit_checkin(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_view(body, context, client)
    score, note, share = parse_checkin(req.state)
    async with deps.db.transaction() as session:
        await checkins.answer(
            session=session,
            clock=deps.clock,
            actor=actor,
            checkin_id=req.metadata_id("checkin_id") or 0,
            score=score,
            note=note,
            share=share,
        )
    await ack()
    deps.kick()
