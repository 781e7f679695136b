"""Goal buttons: add a goal or milestone, update progress, comment."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from handlers import openers
from handlers.context import begin_action


async def new_goal(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
    await openers.open_goal_form(
        deps, client, actor=actor, trigger_id=req.trigger_id, relationship_id=req.int_value()
    )


async def milestone(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
    await openers.open_goal_form(
        deps, client, actor=actor, trigger_id=req.trigger_id, parent_id=req.id_of("goal")
    )


async def progress(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
    await openers.open_goal_progress_form(
        deps, client, actor=actor, trigger_id=req.trigger_id, goal_id=req.id_of("goal")
    )


async def comment(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
    await openers.open_goal_comment_form(
        deps, client, actor=actor, trigger_id=req.trigger_id, goal_id=req.id_of("goal")
    )
