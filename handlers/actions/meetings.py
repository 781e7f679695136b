"""Cancel a meeting, and the calendar link (Book, Move, Write agenda and Add to the agenda
open forms: handlers.openers)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext

from bot.meetings import service as svc
from handlers.context import Pressed, on_press


@on_press
async def cancel(press: Pressed) -> None:
    req, deps, actor = press.req, press.deps, press.actor
    async with deps.db.transaction() as session:
        await svc.cancel(
            session=session, clock=deps.clock, actor=actor, meeting_id=req.id_of("meeting")
        )
    deps.kick()


async def calendar_link(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    """The browser opens the link itself; Slack still reports the click, which we only ack."""
    await ack()
