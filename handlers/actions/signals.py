"""The mentor's follow-up, the mentee's update, and the managers' alert buttons."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.ids import Action
from bot.signals import alerts as alert_svc
from bot.signals import followups, views
from handlers import openers
from handlers.context import begin_action

ALERT_ACTIONS: dict[str, str] = {
    Action.ALERT_ACK: "acknowledge",
    Action.ALERT_SNOOZE: "snooze",
    Action.ALERT_SPOKEN: "spoken",
}


async def follow_up(
    ack: AsyncAck,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
    async with deps.db.transaction() as session:
        relationship, planned = await followups.follow_up(
            session=session,
            clock=deps.clock,
            actor=actor,
            relationship_id=req.id_of("relationship"),
        )
        blocks = views.follow_up_sent(relationship, planned=planned)
    deps.kick()
    await respond(
        response_type="ephemeral",
        replace_original=False,
        text="Follow-up",
        blocks=[b.to_dict() for b in blocks],
    )


async def open_update(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
    await openers.open_update_form(
        deps,
        client,
        actor=actor,
        trigger_id=req.trigger_id,
        relationship_id=req.id_of("relationship"),
    )


async def alert_button(
    ack: AsyncAck,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
    async with deps.db.transaction() as session:
        alert = await alert_svc.handle(
            session=session,
            clock=deps.clock,
            actor=actor,
            alert_id=req.id_of("alert"),
            what=ALERT_ACTIONS[req.action_id],
        )
        blocks = views.alert_message(alert, actor)
    await respond(
        replace_original=True, text="Mentoring alert", blocks=[b.to_dict() for b in blocks]
    )


async def open_checkin(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
    await openers.open_checkin_form(
        deps, client, actor=actor, trigger_id=req.trigger_id, checkin_id=req.id_of("check-in")
    )
