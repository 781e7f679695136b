"""The join form's submission."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.enrolment import service as enrolment_svc
from bot.enrolment.views import parse_join_form
from bot.receipts import service as receipts
from handlers.context import begin_view
from handlers.events.home import publish_home


async def submit_join(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_view(body, context, client)
    draft = parse_join_form(req.state)
    async with deps.db.transaction() as session:
        enrolment, newly_joined = await enrolment_svc.save_enrolment(
            session=session, clock=deps.clock, user=actor, draft=draft
        )
        # The reply goes as due work, scheduled with the save: a Slack failure can't lose it.
        await receipts.enrolment_saved(
            session=session, clock=deps.clock, enrolment=enrolment, newly_joined=newly_joined
        )
    await ack()
    deps.kick()
    await publish_home(deps, client, actor)
