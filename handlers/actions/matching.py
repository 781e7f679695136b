"""The match review's buttons: pages, lock/drop, re-solve, CSV, settings."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import NotFound
from bot.forms import private_metadata, whole
from bot.matching import review as matches
from bot.matching import views
from bot.matching.settings import MatchingSettings
from bot.receipts import service as receipts
from handlers.context import begin_action
from handlers.matching import show_run, working


def _ints(value: str, count: int) -> list[int]:
    found = [whole(part) for part in value.split(":")[:count]]
    if len(found) < count or None in found:
        raise NotFound("That button is out of date. Run `/mentor match` again.")
    return [n for n in found if n is not None]


async def page(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
    run_id, number = _ints(req.value, 2)
    await show_run(
        deps,
        client,
        actor=actor,
        view_id=str((req.view or {}).get("id")),
        run_id=run_id,
        page=number,
    )


async def pair(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
    run_id, proposal_id = _ints(req.value, 2)
    action = req.value.split(":")[2] if req.value.count(":") >= 2 else ""
    async with deps.db.transaction() as session:
        await matches.set_pair(
            session=session, actor=actor, run_id=run_id, proposal_id=proposal_id, action=action
        )
    current = whole(str(private_metadata(req.view or {}).get("page") or 0)) or 0
    await show_run(
        deps,
        client,
        actor=actor,
        view_id=str((req.view or {}).get("id")),
        run_id=run_id,
        page=current,
    )


async def resolve(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
    [run_id] = _ints(req.value, 1)
    async with deps.db.transaction() as session:
        # Managers only, checked before anything is shown: a refusal changes nothing.
        await matches.load_run(session=session, actor=actor, run_id=run_id)
    view_id = str((req.view or {}).get("id"))
    await client.views_update(view_id=view_id, view=working("Re-solving around your choices…"))
    await matches.resolve(db=deps.db, clock=deps.clock, actor=actor, run_id=run_id)
    await show_run(deps, client, actor=actor, view_id=view_id, run_id=run_id)


async def csv_download(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
    [run_id] = _ints(req.value, 1)
    async with deps.db.transaction() as session:
        # Managers only, checked now (a refusal shows in the modal) and again when it runs.
        run = await matches.load_run(session=session, actor=actor, run_id=run_id)
        # Built and shared in the manager's DM by the sweep: a failed upload is retried.
        await receipts.match_csv(session=session, clock=deps.clock, actor=actor, run=run)
    deps.kick()


async def settings(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
    [run_id] = _ints(req.value, 1)
    async with deps.db.transaction() as session:
        run = await matches.load_run(session=session, actor=actor, run_id=run_id)
        view = views.settings_form(
            MatchingSettings.of(run.program), program_id=run.program_id, run_id=run.id
        )
    await client.views_push(trigger_id=req.trigger_id, view=view)
