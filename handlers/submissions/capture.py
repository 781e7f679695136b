"""The capture form and the mentor's suggested change."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.capture import service as svc
from bot.capture.views import parse_capture_form
from bot.ids import CaptureField
from handlers.context import begin_view


async def submit_capture(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_view(body, context, client)
    async with deps.db.transaction() as session:
        await svc.capture(
            session=session,
            clock=deps.clock,
            actor=actor,
            meeting_id=req.metadata_id("meeting_id") or 0,
            draft=parse_capture_form(req.state),
        )
    await ack()
    deps.kick()


async def submit_suggestion(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_view(body, context, client)
    async with deps.db.transaction() as session:
        await svc.suggest_change(
            session=session,
            clock=deps.clock,
            actor=actor,
            meeting_id=req.metadata_id("meeting_id") or 0,
            text=req.state.text(CaptureField.CHANGE),
        )
    await ack()
    deps.kick()
