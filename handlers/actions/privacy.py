"""**Erase my data** (`/mentor forget-me`) and an admin's **Erase** (`/mentor admin
forget`): each checks again who pressed it, whatever the button carries."""

from __future__ import annotations

from bot.privacy import service as privacy
from bot.privacy.views import admin_forgotten, forgotten
from handlers.context import Pressed, on_press


@on_press
async def forget_me(press: Pressed) -> None:
    deps, actor = press.deps, press.actor
    privacy.require_own(actor, press.req.value)
    async with deps.db.transaction() as session:
        await privacy.forget(
            session=session, clock=deps.clock, actor=actor, subject=actor, why="asked"
        )
    deps.kick()
    await press.respond(
        text="Your data is being erased",
        blocks=[b.to_dict() for b in forgotten()],
        replace_original=True,
    )


@on_press
async def admin_forget(press: Pressed) -> None:
    deps, actor = press.deps, press.actor
    async with deps.db.transaction() as session:
        target = await privacy.admin_forget_target(
            session=session, actor=actor, slack_user_id=press.req.value
        )
        display = target.display
        await privacy.forget(
            session=session, clock=deps.clock, actor=actor, subject=target, why="admin"
        )
    deps.kick()
    await press.respond(
        text="Their data is being erased",
        blocks=[b.to_dict() for b in admin_forgotten(display)],
        replace_original=True,
    )
