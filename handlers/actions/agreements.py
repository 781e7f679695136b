"""Sign the mentoring agreement (Draft and Suggest changes open forms: handlers.openers)."""

from __future__ import annotations

from bot.agreements import service as svc
from handlers.context import Pressed, on_press


@on_press
async def sign(press: Pressed) -> None:
    req, deps, actor = press.req, press.deps, press.actor
    async with deps.db.transaction() as session:
        await svc.sign(
            session=session, clock=deps.clock, actor=actor, agreement_id=req.id_of("agreement")
        )
    deps.kick()
