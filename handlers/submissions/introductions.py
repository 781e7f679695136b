"""The decline form's submission."""

from __future__ import annotations

from bot.ids import DeclineField
from bot.introductions import service as svc
from handlers.context import Submitted, on_submit


@on_submit
async def decline(form: Submitted) -> None:
    req, deps, actor = form.req, form.deps, form.actor
    async with deps.db.transaction() as session:
        await svc.decline(
            session=session,
            clock=deps.clock,
            actor=actor,
            relationship_id=req.metadata_id("relationship_id") or 0,
            reason=req.state.text(DeclineField.REASON),
        )
    await form.ack()
    deps.kick()
