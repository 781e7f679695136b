"""Accept / Decline on an introduction, and Request from `/mentor find`."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot import access
from bot.errors import NotFound
from bot.introductions import service as svc
from bot.introductions import views as intro
from bot.matching.views import requested
from handlers.context import acting_user, deps_of
from handlers.payloads import ActionRequest, ids_in


async def accept(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    req = ActionRequest.parse(body)
    relationship_id = req.int_value()
    if relationship_id is None:
        raise NotFound("That introduction no longer exists.")
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
    async with deps.db.transaction() as session:
        await svc.accept(
            session=session, clock=deps.clock, actor=actor, relationship_id=relationship_id
        )
    deps.kick()


async def decline(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    req = ActionRequest.parse(body)
    relationship_id = req.int_value()
    if relationship_id is None:
        raise NotFound("That introduction no longer exists.")
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
    async with deps.db.transaction() as session:
        member = await access.membership(
            session=session, actor=actor, relationship_id=relationship_id
        )
    svc.require_decliner(member.role)
    await client.views_open(trigger_id=req.trigger_id, view=intro.decline_form(member.relationship))


async def request(
    ack: AsyncAck,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    await ack()
    req = ActionRequest.parse(body)
    parts = ids_in(req.value, 2)
    if parts is None or req.value.count(":") != 1:
        raise NotFound("That button is out of date. Run `/mentor find` again.")
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
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
