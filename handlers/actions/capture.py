"""After the meeting: confirm the notes, answer "did you meet?", and mark actions done
(Capture and Suggest a change open forms: handlers.openers)."""

from __future__ import annotations

from typing import Any

from bot.capture import service as svc
from bot.capture import views
from bot.ids import Action, BlockPrefix
from bot.meetings import service as meeting_svc
from handlers.context import Pressed, on_press
from infra.windows import local_date
from storage.enums import MeetingOutcome

OUTCOMES: dict[str, MeetingOutcome] = {
    Action.MEETING_MET: MeetingOutcome.MET,
    Action.MEETING_RESCHEDULED: MeetingOutcome.RESCHEDULED,
    Action.MEETING_CANCELLED: MeetingOutcome.CANCELLED,
}


def _blocks(blocks: list[Any]) -> list[dict[str, Any]]:
    return [b.to_dict() for b in blocks]


@on_press
async def confirm(press: Pressed) -> None:
    req, deps, actor = press.req, press.deps, press.actor
    meeting_id = req.id_of("meeting")
    async with deps.db.transaction() as session:
        await svc.confirm(session=session, clock=deps.clock, actor=actor, meeting_id=meeting_id)
        meeting, _ = await meeting_svc.load(session=session, actor=actor, meeting_id=meeting_id)
        assert meeting.notes is not None
        blocks = views.summary(
            meeting, meeting.notes, await svc.actions_of(session=session, meeting_id=meeting_id)
        )
    await press.respond(replace_original=True, text="What we agreed", blocks=_blocks(blocks))


@on_press
async def outcome(press: Pressed) -> None:
    req, deps, actor = press.req, press.deps, press.actor
    answer = OUTCOMES[req.action_id]
    async with deps.db.transaction() as session:
        meeting, first = await svc.record_outcome(
            session=session,
            clock=deps.clock,
            actor=actor,
            meeting_id=req.id_of("meeting"),
            outcome=answer,
        )
        shown = meeting.outcome or answer
        blocks = views.outcome_noted(meeting, shown, first=first)
    await press.respond(replace_original=True, text="Thanks", blocks=_blocks(blocks))


@on_press
async def done(press: Pressed) -> None:
    req, deps, actor = press.req, press.deps, press.actor
    in_list = req.block_id.startswith(BlockPrefix.ACTIONS_LIST)
    async with deps.db.transaction() as session:
        item, _ = await svc.complete_action(
            session=session, clock=deps.clock, actor=actor, action_id=req.id_of("action")
        )
        if in_list:  # the /mentor actions list: show it again, without this one
            pairs = await svc.open_actions(session=session, actor=actor)
            today = local_date(deps.clock.now(), actor.tz)
            blocks = views.actions_list(pairs, today=today)
        else:  # the due reminder
            blocks = views.action_done(item)
    await press.respond(replace_original=True, text="Action done", blocks=_blocks(blocks))
