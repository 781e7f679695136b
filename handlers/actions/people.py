"""The Resume button (Nudge settings opens a form: handlers.openers)."""

from __future__ import annotations

from bot.people import service as people
from bot.people.views import resumed
from handlers.context import Pressed, on_press


@on_press
async def resume(press: Pressed) -> None:
    deps, actor = press.deps, press.actor
    async with deps.db.transaction() as session:
        released = await people.resume(session=session, clock=deps.clock, user=actor)
    if press.req.response_url:
        await press.respond(
            text="Nudges resumed",
            blocks=[b.to_dict() for b in resumed(released)],
            replace_original=True,
        )
