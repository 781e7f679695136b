"""The mentee's update to their mentor."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import checkins, followups
from bot.views.checkins import parse as parse_checkin
from handlers.context import acting_user, deps_of
from handlers.payloads import ViewRequest


async def submit_update(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req = ViewRequest.parse(body)
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
    async with deps.db.transaction() as session:
        await followups.send_update(
            session=session,
            clock=deps.clock,
            actor=actor,
            relationship_id=req.metadata_id("relationship_id") or 0,
            text=req.state.text(followups.UPDATE_FIELD),
        )
    await ack()
    deps.kick()


async def submit_checkin(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req = ViewRequest.parse(body)
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
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
