"""The match review's buttons: pages, lock/drop, re-solve, CSV, settings."""

from __future__ import annotations

from bot.errors import NotFound
from bot.forms import private_metadata, whole
from bot.matching import review as matches
from bot.matching import views
from bot.matching.settings import MatchingSettings
from bot.receipts import service as receipts
from handlers.context import Pressed, on_press
from handlers.matching import show_run, working


def _ints(value: str, count: int) -> list[int]:
    found = [whole(part) for part in value.split(":")[:count]]
    if len(found) < count or None in found:
        raise NotFound("That button is out of date. Run `/mentor match` again.")
    return [n for n in found if n is not None]


@on_press
async def page(press: Pressed) -> None:
    req, deps, actor = press.req, press.deps, press.actor
    run_id, number = _ints(req.value, 2)
    await show_run(
        deps,
        press.client,
        actor=actor,
        view_id=str((req.view or {}).get("id")),
        run_id=run_id,
        page=number,
    )


@on_press
async def pair(press: Pressed) -> None:
    req, deps, actor = press.req, press.deps, press.actor
    run_id, proposal_id = _ints(req.value, 2)
    action = req.value.split(":")[2] if req.value.count(":") >= 2 else ""
    async with deps.db.transaction() as session:
        await matches.set_pair(
            session=session, actor=actor, run_id=run_id, proposal_id=proposal_id, action=action
        )
    current = whole(str(private_metadata(req.view or {}).get("page") or 0)) or 0
    await show_run(
        deps,
        press.client,
        actor=actor,
        view_id=str((req.view or {}).get("id")),
        run_id=run_id,
        page=current,
    )


@on_press
async def resolve(press: Pressed) -> None:
    req, deps, actor = press.req, press.deps, press.actor
    [run_id] = _ints(req.value, 1)
    async with deps.db.transaction() as session:
        # Managers only, checked before anything is shown: a refusal changes nothing.
        await matches.load_run(session=session, actor=actor, run_id=run_id)
    view_id = str((req.view or {}).get("id"))
    await press.client.views_update(
        view_id=view_id, view=working("Re-solving around your choices…")
    )
    await matches.resolve(db=deps.db, clock=deps.clock, actor=actor, run_id=run_id)
    await show_run(deps, press.client, actor=actor, view_id=view_id, run_id=run_id)


@on_press
async def csv_download(press: Pressed) -> None:
    req, deps, actor = press.req, press.deps, press.actor
    [run_id] = _ints(req.value, 1)
    async with deps.db.transaction() as session:
        # Managers only, checked now (a refusal shows in the modal) and again when it runs.
        run = await matches.load_run(session=session, actor=actor, run_id=run_id)
        # Built and shared in the manager's DM by the sweep: a failed upload is retried.
        await receipts.match_csv(session=session, clock=deps.clock, actor=actor, run=run)
    deps.kick()


@on_press
async def settings(press: Pressed) -> None:
    req, deps, actor = press.req, press.deps, press.actor
    [run_id] = _ints(req.value, 1)
    async with deps.db.transaction() as session:
        run = await matches.load_run(session=session, actor=actor, run_id=run_id)
        view = views.settings_form(
            MatchingSettings.of(run.program), program_id=run.program_id, run_id=run.id
        )
    await press.client.views_push(trigger_id=req.trigger_id, view=view)
