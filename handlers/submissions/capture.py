"""The capture form and the mentor's suggested change."""

from __future__ import annotations

from bot.capture import service as svc
from bot.capture.views import parse_capture_form
from bot.ids import CaptureField
from handlers.context import Submitted, on_submit


@on_submit
async def submit_capture(form: Submitted) -> None:
    req, deps, actor = form.req, form.deps, form.actor
    async with deps.db.transaction() as session:
        await svc.capture(
            session=session,
            clock=deps.clock,
            actor=actor,
            meeting_id=req.metadata_id("meeting_id") or 0,
            draft=parse_capture_form(req.state),
        )
    await form.ack()
    deps.kick()


@on_submit
async def submit_suggestion(form: Submitted) -> None:
    req, deps, actor = form.req, form.deps, form.actor
    async with deps.db.transaction() as session:
        await svc.suggest_change(
            session=session,
            clock=deps.clock,
            actor=actor,
            meeting_id=req.metadata_id("meeting_id") or 0,
            text=req.state.text(CaptureField.CHANGE),
        )
    await form.ack()
    deps.kick()
