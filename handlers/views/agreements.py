"""The agreement form and the mentor's suggestion form."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import agreements as svc
from bot.views.agreement import parse_agreement_form
from handlers.context import acting_user, deps_of
from handlers.payloads import ViewRequest


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


async def submit_agreement(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req = ViewRequest.parse(body)
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
    terms = parse_agreement_form(req.state)
    async with deps.db.transaction() as session:
        await svc.draft(
            session=session,
            clock=deps.clock,
            actor=actor,
            relationship_id=_int(req.metadata.get("relationship_id")),
            terms=terms,
        )
    await ack()
    deps.kick()


async def submit_suggestion(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req = ViewRequest.parse(body)
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
    async with deps.db.transaction() as session:
        await svc.suggest_changes(
            session=session,
            clock=deps.clock,
            actor=actor,
            agreement_id=_int(req.metadata.get("agreement_id")),
            suggestion=req.state.text("suggestion"),
        )
    await ack()
    deps.kick()
