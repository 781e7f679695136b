"""Leave a program, and the join form's own program/role pickers (Join and Edit profile open
forms: handlers.openers)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.enrolment import service as enrolment_svc
from bot.enrolment.views import left
from bot.ids import Action
from handlers import openers
from handlers.context import begin_action
from handlers.events.home import publish_home


async def join_form_changed(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
    if req.view is None or not req.view.get("id"):
        return
    changed = "program" if req.action_id == Action.JOIN_PROGRAM else "role"
    await openers.rebuild_join_form(deps, client, actor=actor, view=req.view, changed=changed)


async def leave(
    ack: AsyncAck,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
    async with deps.db.transaction() as session:
        enrolment = await enrolment_svc.leave_program(
            session=session, clock=deps.clock, user=actor, enrolment_id=req.int_value()
        )
    if (body.get("view") or {}).get("type") == "home":
        await publish_home(deps, client, actor)
    elif body.get("response_url"):
        await respond(
            text="You left the program",
            blocks=[b.to_dict() for b in left(enrolment)],
            replace_original=True,
        )
