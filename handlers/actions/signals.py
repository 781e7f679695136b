"""The mentor's follow-up and the managers' alert buttons (the mentee's update and the
check-in open forms: handlers.openers)."""

from __future__ import annotations

from bot.ids import Action
from bot.signals import alerts as alert_svc
from bot.signals import followups, views
from handlers.context import Pressed, on_press

ALERT_ACTIONS: dict[str, str] = {
    Action.ALERT_ACK: "acknowledge",
    Action.ALERT_SNOOZE: "snooze",
    Action.ALERT_SPOKEN: "spoken",
}


@on_press
async def follow_up(press: Pressed) -> None:
    req, deps, actor = press.req, press.deps, press.actor
    async with deps.db.transaction() as session:
        relationship, planned = await followups.follow_up(
            session=session,
            clock=deps.clock,
            actor=actor,
            relationship_id=req.id_of("relationship"),
        )
        blocks = views.follow_up_sent(relationship, planned=planned)
    deps.kick()
    await press.respond(
        response_type="ephemeral",
        replace_original=False,
        text="Follow-up",
        blocks=[b.to_dict() for b in blocks],
    )


@on_press
async def alert_button(press: Pressed) -> None:
    req, deps, actor = press.req, press.deps, press.actor
    async with deps.db.transaction() as session:
        alert = await alert_svc.handle(
            session=session,
            clock=deps.clock,
            actor=actor,
            alert_id=req.id_of("alert"),
            what=ALERT_ACTIONS[req.action_id],
        )
        blocks = views.alert_message(alert, actor)
    await press.respond(
        replace_original=True, text="Mentoring alert", blocks=[b.to_dict() for b in blocks]
    )
