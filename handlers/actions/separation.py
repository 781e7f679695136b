"""The partner's answer to an extension (Extend and Close open forms: handlers.openers)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.ids import Action
from bot.separation import service as svc
from bot.separation import views
from handlers.context import begin_action


async def answer(
    ack: AsyncAck,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
    agree = req.action_id == Action.SEP_AGREE
    async with deps.db.transaction() as session:
        relationship = await svc.answer_extension(
            session=session,
            clock=deps.clock,
            actor=actor,
            relationship_id=req.id_of("relationship"),
            agree=agree,
        )
        blocks = views.extension_answered(relationship, agreed=agree)
    deps.kick()
    await respond(replace_original=True, text="Extension", blocks=[b.to_dict() for b in blocks])
