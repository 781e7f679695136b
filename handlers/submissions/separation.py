"""The extend, close and end-early forms."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import NotFound
from bot.forms import as_id
from bot.ids import SeparationField as F
from bot.separation import service as svc
from bot.separation.views import parse_close, parse_extend
from handlers.context import begin_view


async def submit_extend(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_view(body, context, client)
    async with deps.db.transaction() as session:
        await svc.propose_extension(
            session=session,
            clock=deps.clock,
            actor=actor,
            relationship_id=req.metadata_id("relationship_id") or 0,
            new_end=parse_extend(req.state),
        )
    await ack()
    deps.kick()


async def submit_close(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_view(body, context, client)
    outcome, goals_met, recommend, thanks = parse_close(req.state)
    async with deps.db.transaction() as session:
        await svc.close(
            session=session,
            clock=deps.clock,
            actor=actor,
            relationship_id=req.metadata_id("relationship_id") or 0,
            outcome=outcome,
            goals_met=goals_met,
            recommend=recommend,
            thanks=thanks,
        )
    await ack()
    deps.kick()


async def submit_end(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_view(body, context, client)
    chosen = req.state.selected(F.PAIR)
    relationship_id = as_id(chosen) or req.metadata_id("relationship_id")
    if relationship_id is None:
        raise NotFound("Choose which mentoring relationship to end.")
    async with deps.db.transaction() as session:
        await svc.end_early(
            session=session,
            clock=deps.clock,
            actor=actor,
            relationship_id=relationship_id,
            reason=req.state.text(F.REASON),
        )
    await ack()
    deps.kick()
