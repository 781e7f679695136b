"""Leave a program, and the join form's own program/role pickers (Join and Edit profile open
forms: handlers.openers)."""

from __future__ import annotations

from bot.enrolment import service as enrolment_svc
from bot.enrolment.views import left
from bot.ids import Action
from handlers import openers
from handlers.context import Pressed, on_press
from handlers.events.home import publish_home


@on_press
async def join_form_changed(press: Pressed) -> None:
    req, deps, actor = press.req, press.deps, press.actor
    if req.view is None or not req.view.get("id"):
        return
    changed = "program" if req.action_id == Action.JOIN_PROGRAM else "role"
    await openers.rebuild_join_form(deps, press.client, actor=actor, view=req.view, changed=changed)


@on_press
async def leave(press: Pressed) -> None:
    req, deps, actor = press.req, press.deps, press.actor
    async with deps.db.transaction() as session:
        enrolment = await enrolment_svc.leave_program(
            session=session, clock=deps.clock, user=actor, enrolment_id=req.int_value()
        )
    if req.on_home:
        await publish_home(deps, press.client, actor)
    elif req.response_url:
        await press.respond(
            text="You left the program",
            blocks=[b.to_dict() for b in left(enrolment)],
            replace_original=True,
        )
