"""The extend, close and end-early forms."""

from __future__ import annotations

from bot.errors import NotFound
from bot.forms import as_id
from bot.ids import SeparationField as F
from bot.separation import service as svc
from bot.separation.views import parse_close, parse_extend
from handlers.context import Submitted, on_submit


@on_submit
async def submit_extend(form: Submitted) -> None:
    req, deps, actor = form.req, form.deps, form.actor
    async with deps.db.transaction() as session:
        await svc.propose_extension(
            session=session,
            clock=deps.clock,
            actor=actor,
            relationship_id=req.metadata_id("relationship_id") or 0,
            new_end=parse_extend(req.state),
        )
    await form.ack()
    deps.kick()


@on_submit
async def submit_close(form: Submitted) -> None:
    req, deps, actor = form.req, form.deps, form.actor
    outcome, goals_met, recommend, thanks = parse_close(req.state)
    async with deps.db.transaction() as session:
        await svc.close(
            session=session,
            clock=deps.clock,
            actor=actor,
            relationship_id=req.metadata_id("relationship_id") or 0,
            outcome=outcome,
            goals_met=goals_met,
            recommend=recommend,
            thanks=thanks,
        )
    await form.ack()
    deps.kick()


@on_submit
async def submit_end(form: Submitted) -> None:
    req, deps, actor = form.req, form.deps, form.actor
    chosen = req.state.selected(F.PAIR)
    relationship_id = as_id(chosen) or req.metadata_id("relationship_id")
    if relationship_id is None:
        raise NotFound("Choose which mentoring relationship to end.")
    async with deps.db.transaction() as session:
        await svc.end_early(
            session=session,
            clock=deps.clock,
            actor=actor,
            relationship_id=relationship_id,
            reason=req.state.text(F.REASON),
        )
    await form.ack()
    deps.kick()
