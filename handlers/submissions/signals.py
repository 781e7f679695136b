"""The mentee's update to their mentor."""

from __future__ import annotations

from bot.checkins import service as checkins
from bot.checkins.views import parse as parse_checkin
from bot.ids import UpdateField
from bot.signals import followups
from handlers.context import Submitted, on_submit


@on_submit
async def submit_update(form: Submitted) -> None:
    req, deps, actor = form.req, form.deps, form.actor
    async with deps.db.transaction() as session:
        await followups.send_update(
            session=session,
            clock=deps.clock,
            actor=actor,
            relationship_id=req.metadata_id("relationship_id") or 0,
            text=req.state.text(UpdateField.TEXT),
        )
    await form.ack()
    deps.kick()


@on_submit
async def submit_checkin(form: Submitted) -> None:
    req, deps, actor = form.req, form.deps, form.actor
    score, note, share = parse_checkin(req.state)
    async with deps.db.transaction() as session:
        await checkins.answer(
            session=session,
            clock=deps.clock,
            actor=actor,
            checkin_id=req.metadata_id("checkin_id") or 0,
            score=score,
            note=note,
            share=share,
        )
    await form.ack()
    deps.kick()
