"""The agreement form and the mentor's suggestion form."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.agreements import service as svc
from bot.agreements.views import parse_agreement_form
from bot.ids import AgreementField
from handlers.context import begin_view


async def submit_agreement(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_view(body, context, client)
    terms = parse_agreement_form(req.state)
    async with deps.db.transaction() as session:
        await svc.draft(
            session=session,
            clock=deps.clock,
            actor=actor,
            relationship_id=req.metadata_id("relationship_id") or 0,
            terms=terms,
        )
    await ack()
    deps.kick()


async def submit_suggestion(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_view(body, context, client)
    async with deps.db.transaction() as session:
        await svc.suggest_changes(
            session=session,
            clock=deps.clock,
            actor=actor,
            agreement_id=req.metadata_id("agreement_id") or 0,
            suggestion=req.state.text(AgreementField.SUGGESTION),
        )
    await ack()
    deps.kick()
