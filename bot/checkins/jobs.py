"""TODO docstring."""

from __future__ import annotations

from bot.checkins import service as checkins
from bot.checkins import views as checkin_views
from scheduling.kinds import Kind
from scheduling.registry import JobContext, Registry
from storage.enums import LIVE_RELATIONSHIP_STATUSES, ActorRole


async def checkin(ctx: JobContext) -> None:
    relationship = await ctx.relationship()
    if relationship is None or relationship.status not in LIVE_RELATIONSHIP_STATUSES:
        return
    to = ActorRole.MENTOR if ctx.work.payload.get("to") == "mentor" else ActorRole.MENTEE
    rnd = int(ctx.work.payload.get("round", 1))
    if checkins.stale(relationship, rnd, ctx.clock.now()):
        # A round whose moment passed while the person was away: skip it, keep the rhythm.
        if to is ActorRole.MENTEE:
            await checkins.plan(
                session=ctx.session, now=ctx.clock.now(), relationship=relationship, rnd=rnd + 1
            )
        return
    row = await checkins.ask(
        session=ctx.session, now=ctx.clock.now(), relationship=relationship, to=to, rnd=rnd
    )
    if row.answered_at is not None:
        return
    person = relationship.mentor if to is ActorRole.MENTOR else relationship.mentee
    ctx.dm(
        person.slack_user_id,
        text="How is your mentoring going?",
        blocks=checkin_views.question(relationship, row),
    )


def register(registry: Registry) -> None:
    """This domain's kinds of due work, each with the subject a sweep preloads for it."""
    registry.register(Kind.CHECKIN_ASK, checkin)
