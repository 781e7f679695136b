"""The nudge settings form's submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.people import service as people
from bot.people.views import parse_settings_form
from bot.receipts import service as receipts
from handlers.context import actor_of
from handlers.payloads import ViewRequest


async def submit_settings(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    # The form is checked on its own (field errors go back in the ack), and saving cannot
    # refuse it: so acknowledge before any database work, which under load can queue for a
    # connection behind other requests' work past Slack's three seconds.
    req = ViewRequest.parse(body)
    hours = parse_settings_form(req.state)
    await ack()
    deps, actor = await actor_of(req, context, client)
    async with deps.db.transaction() as session:
        await people.set_working_hours(session=session, user=actor, hours=hours)
        # The reply goes as due work, scheduled with the change: Slack can't lose it.
        await receipts.settings_saved(session=session, clock=deps.clock, user=actor)
    deps.kick()
