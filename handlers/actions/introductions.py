"""Accept an introduction, and Request from `/mentor find` (Decline opens a form:
handlers.openers)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import NotFound
from bot.introductions import service as svc
from bot.matching.views import requested
from handlers.context import begin_action
from handlers.payloads import ids_in


async def accept(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
    async with deps.db.transaction() as session:
        await svc.accept(
            session=session,
            clock=deps.clock,
            actor=actor,
            relationship_id=req.id_of("introduction"),
        )
    deps.kick()


async def request(
    ack: AsyncAck,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
    parts = ids_in(req.value, 2)
    if parts is None or req.value.count(":") != 1:
        raise NotFound("That button is out of date. Run `/mentor find` again.")
    async with deps.db.transaction() as session:
        relationship = await svc.request_mentor(
            session=session,
            clock=deps.clock,
            actor=actor,
            program_id=parts[0],
            mentor_enrolment_id=parts[1],
        )
        mentor_name = relationship.mentor.display
    deps.kick()
    await respond(
        text="Request sent",
        blocks=[b.to_dict() for b in requested(mentor_name)],
        replace_original=True,
    )
