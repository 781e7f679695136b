"""Publishing the App Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.enrolment import service as enrolment_svc
from bot.home import service as home_svc
from bot.home.views import home
from bot.people.roles import roles_of
from bot.programs import service as program_svc
from handlers.context import begin_event
from infra.deps import Deps
from storage.models import User


async def home_opened(
    event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    if event.get("tab") != "home":
        return
    begun = await begin_event(event, body, context, client)
    if begun is not None:
        _, deps, actor = begun
        await publish_home(deps, client, actor)


async def publish_home(deps: Deps, client: AsyncWebClient, actor: User) -> None:
    async with deps.db.transaction() as session:
        roles = await roles_of(session=session, user=actor)
        enrolments = await enrolment_svc.enrolments_of(session=session, user=actor)
        managed = [
            s
            for s in await program_svc.summaries(session=session, viewer=actor)
            if s.managed_by_viewer
        ]
        pairs = await home_svc.cards(session=session, actor=actor, now=deps.clock.now())
        health = await home_svc.program_health(
            session=session, program_ids=[s.program.id for s in managed]
        )
        view = home(
            roles=roles,
            enrolments=enrolments,
            managed=managed,
            pairs=pairs,
            health=health,
            dashboard_url=deps.settings.dashboard_url,
        )
    await client.views_publish(user_id=actor.slack_user_id, view=view)
