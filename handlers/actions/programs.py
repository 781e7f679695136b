"""New program and Edit program buttons."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import NotFound
from handlers import openers
from handlers.context import acting_user, deps_of
from handlers.payloads import ActionRequest


async def new_program(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    req = ActionRequest.parse(body)
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
    await openers.open_program_form(
        deps, client, actor=actor, trigger_id=req.trigger_id, program_id=None
    )


async def edit_program(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    req = ActionRequest.parse(body)
    program_id = req.int_value()
    if program_id is None:
        raise NotFound("That program no longer exists.")
    deps = deps_of(context)
    actor = await acting_user(deps, client, team_id=req.team_id, user_id=req.user_id)
    await openers.open_program_form(
        deps, client, actor=actor, trigger_id=req.trigger_id, program_id=program_id
    )
