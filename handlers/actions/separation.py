"""The partner's answer to an extension (Extend and Close open forms: handlers.openers)."""

from __future__ import annotations

from bot.ids import Action
from bot.separation import service as svc
from bot.separation import views
from handlers.context import Pressed, on_press


@on_press
async def answer(press: Pressed) -> None:
    req, deps, actor = press.req, press.deps, press.actor
    agree = req.action_id == Action.SEP_AGREE
    async with deps.db.transaction() as session:
        relationship = await svc.answer_extension(
            session=session,
            clock=deps.clock,
            actor=actor,
            relationship_id=req.id_of("relationship"),
            agree=agree,
        )
        blocks = views.extension_answered(relationship, agreed=agree)
    deps.kick()
    await press.respond(
        replace_original=True, text="Extension", blocks=[b.to_dict() for b in blocks]
    )
