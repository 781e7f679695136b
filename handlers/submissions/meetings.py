"""The meeting form (book or move) and the GROW agenda form."""

from __future__ import annotations

from bot.errors import NotFound
from bot.ids import AgendaField
from bot.meetings import service as svc
from bot.meetings.views import parse_agenda_form, parse_meeting_form
from handlers.context import Submitted, on_submit


@on_submit
async def submit_meeting(form: Submitted) -> None:
    req, deps, actor = form.req, form.deps, form.actor
    draft, chosen = parse_meeting_form(req.state)
    meeting_id = req.metadata_id("meeting_id")
    async with deps.db.transaction() as session:
        if meeting_id is not None:
            await svc.reschedule(
                session=session, clock=deps.clock, actor=actor, meeting_id=meeting_id, draft=draft
            )
        else:
            relationship_id = chosen or req.metadata_id("relationship_id")
            if relationship_id is None:
                raise NotFound("Choose who the meeting is with.")
            await svc.book(
                session=session,
                clock=deps.clock,
                actor=actor,
                relationship_id=relationship_id,
                draft=draft,
            )
    await form.ack()
    deps.kick()


@on_submit
async def submit_agenda(form: Submitted) -> None:
    req, deps, actor = form.req, form.deps, form.actor
    grow, goal_id = parse_agenda_form(req.state)
    async with deps.db.transaction() as session:
        await svc.write_agenda(
            session=session,
            clock=deps.clock,
            actor=actor,
            meeting_id=req.metadata_id("meeting_id") or 0,
            grow=grow,
            goal_id=goal_id,
        )
    await form.ack()
    deps.kick()


@on_submit
async def submit_mentor_items(form: Submitted) -> None:
    req, deps, actor = form.req, form.deps, form.actor
    async with deps.db.transaction() as session:
        await svc.add_mentor_items(
            session=session,
            clock=deps.clock,
            actor=actor,
            meeting_id=req.metadata_id("meeting_id") or 0,
            text=req.state.text(AgendaField.MENTOR_ITEMS),
        )
    await form.ack()
    deps.kick()
