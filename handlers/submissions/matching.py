"""The match review's submission (Approve all) and closing (Cancel), and matching settings."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.access import require_manager
from bot.matching import review as matches
from bot.matching import views
from bot.matching.settings import store
from handlers.context import Submitted, begin_view, on_submit
from storage.enums import MatchRunStatus


@on_submit
async def approve(form: Submitted) -> None:
    req, deps, actor = form.req, form.deps, form.actor
    async with deps.db.transaction() as session:
        result = await matches.approve(
            session=session, clock=deps.clock, actor=actor, run_id=req.metadata_id("run_id") or 0
        )
        view = views.approved(
            result.run, created=len(result.created), already=result.already_approved
        )
    await form.ack(response_action="update", view=view)
    deps.kick()


async def closed(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    req, deps, actor = await begin_view(body, context, client)
    async with deps.db.transaction() as session:
        run = await matches.load_run(
            session=session, actor=actor, run_id=req.metadata_id("run_id") or 0
        )
        if run.status is MatchRunStatus.DRAFT:
            await matches.cancel(session=session, clock=deps.clock, actor=actor, run_id=run.id)


@on_submit
async def save_settings(form: Submitted) -> None:
    req, deps, actor = form.req, form.deps, form.actor
    settings = views.parse_settings_form(req.state)
    async with deps.db.transaction() as session:
        program = await require_manager(
            session=session, actor=actor, program_id=req.metadata_id("program_id") or 0
        )
        store(program, settings)
    await form.ack()  # back to the review; Re-solve applies the new settings
