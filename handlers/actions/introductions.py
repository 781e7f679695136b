"""Accept an introduction, and Request from `/mentor find` (Decline opens a form:
handlers.openers)."""

from __future__ import annotations

from bot.errors import NotFound
from bot.introductions import service as svc
from bot.matching.views import requested
from handlers.context import Pressed, on_press
from handlers.payloads import ids_in


@on_press
async def accept(press: Pressed) -> None:
    req, deps, actor = press.req, press.deps, press.actor
    async with deps.db.transaction() as session:
        await svc.accept(
            session=session,
            clock=deps.clock,
            actor=actor,
            relationship_id=req.id_of("introduction"),
        )
    deps.kick()


@on_press
async def request(press: Pressed) -> None:
    req, deps, actor = press.req, press.deps, press.actor
    parts = ids_in(req.value, 2)
    if parts is None or req.value.count(":") != 1:
        raise NotFound("That button is out of date. Run `/mentor find` again.")
    async with deps.db.transaction() as session:
        relationship = await svc.request_mentor(
            session=session,
            clock=deps.clock,
            actor=actor,
            program_id=parts[0],
            mentor_enrolment_id=parts[1],
        )
        mentor_name = relationship.mentor.display
    deps.kick()
    await press.respond(
        text="Request sent",
        blocks=[b.to_dict() for b in requested(mentor_name)],
        replace_original=True,
    )
