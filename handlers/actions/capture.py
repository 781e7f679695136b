"""After the meeting: confirm the notes, answer "did you meet?", and mark actions done
(Capture and Suggest a change open forms: handlers.openers)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.capture import service as svc
from bot.capture import views
from bot.ids import Action, BlockPrefix
from bot.meetings import service as meeting_svc
from handlers.context import begin_action
from infra.windows import local_date
from storage.enums import MeetingOutcome

OUTCOMES: dict[str, MeetingOutcome] = {
    Action.MEETING_MET: MeetingOutcome.MET,
    Action.MEETING_RESCHEDULED: MeetingOutcome.RESCHEDULED,
    Action.MEETING_CANCELLED: MeetingOutcome.CANCELLED,
}


def _blocks(blocks: list[Any]) -> list[dict[str, Any]]:
    return [b.to_dict() for b in blocks]


async def confirm(
    ack: AsyncAck,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
    meeting_id = req.id_of("meeting")
    async with deps.db.transaction() as session:
        await svc.confirm(session=session, clock=deps.clock, actor=actor, meeting_id=meeting_id)
        meeting, _ = await meeting_svc.load(session=session, actor=actor, meeting_id=meeting_id)
        assert meeting.notes is not None
        blocks = views.summary(
            meeting, meeting.notes, await svc.actions_of(session=session, meeting_id=meeting_id)
        )
    await respond(replace_original=True, text="What we agreed", blocks=_blocks(blocks))


async def outcome(
    ack: AsyncAck,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
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
    await respond(replace_original=True, text="Thanks", blocks=_blocks(blocks))


async def done(
    ack: AsyncAck,
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    req, deps, actor = await begin_action(ack, body, context, client)
    block_id = str(((body.get("actions") or [{}])[0]).get("block_id") or "")
    in_list = block_id.startswith(BlockPrefix.ACTIONS_LIST)
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
    await respond(replace_original=True, text="Action done", blocks=_blocks(blocks))
