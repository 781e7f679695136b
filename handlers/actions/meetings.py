"""Meeting and agenda buttons: book, move, cancel, write the agenda."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.meetings import service as svc
from handlers import openers
from handlers.context import acting_user, deps_of
from handlers.payloads import ActionRequest


async def book(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    req = ActionRequest.parse(body)
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
    await openers.open_meeting_form(
        deps,
        client,
        actor=actor,
        trigger_id=req.trigger_id,
        relationship_id=req.int_value(),
    )


async def reschedule(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    req = ActionRequest.parse(body)
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
    await openers.open_meeting_form(
        deps, client, actor=actor, trigger_id=req.trigger_id, meeting_id=req.id_of("meeting")
    )


async def cancel(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    req = ActionRequest.parse(body)
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
    async with deps.db.transaction() as session:
        await svc.cancel(
            session=session, clock=deps.clock, actor=actor, meeting_id=req.id_of("meeting")
        )
    deps.kick()


async def write_agenda(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    req = ActionRequest.parse(body)
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
    await openers.open_agenda_form(
        deps, client, actor=actor, trigger_id=req.trigger_id, meeting_id=req.id_of("meeting")
    )


async def calendar_link(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    """The browser opens the link itself; Slack still reports the click, which we only ack."""
    await ack()


async def add_items(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    req = ActionRequest.parse(body)
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
    await openers.open_mentor_items_form(
        deps, client, actor=actor, trigger_id=req.trigger_id, meeting_id=req.id_of("meeting")
    )
