"""Draft / Sign / Suggest changes on the mentoring agreement."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.agreements import service as svc
from handlers import openers
from handlers.context import acting_user, deps_of
from handlers.payloads import ActionRequest


async def draft(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    req = ActionRequest.parse(body)
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
    await openers.open_agreement_form(
        deps,
        client,
        actor=actor,
        trigger_id=req.trigger_id,
        relationship_id=req.id_of("relationship"),
    )


async def sign(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    req = ActionRequest.parse(body)
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
    async with deps.db.transaction() as session:
        await svc.sign(
            session=session, clock=deps.clock, actor=actor, agreement_id=req.id_of("agreement")
        )
    deps.kick()


async def suggest(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    req = ActionRequest.parse(body)
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
    await openers.open_suggest_form(
        deps, client, actor=actor, trigger_id=req.trigger_id, agreement_id=req.id_of("agreement")
    )
