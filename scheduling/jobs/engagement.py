"""Engagement: evaluate a relationship's signals, post an alert to the managers' channel,
send the mentee the accountability DM, the mentor's follow-up nudge and the mentee's update."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity, checkins, health
from bot import signals as sig
from bot.text import escape
from bot.views import alerts as views
from bot.views import checkins as checkin_views
from scheduling.models import DueWork
from scheduling.registry import JobContext, delivered_to
from storage.enums import ActorRole
from storage.models import Alert


async def prepare_evaluations(
    session: AsyncSession, rows: Sequence[DueWork], now: datetime
) -> health.Batch:
    """Read every evaluation's facts in the batch at once (see :func:`health.prepare`)."""
    pairs = [(r.relationship_id, r.team_id) for r in rows if r.relationship_id is not None]
    return await health.prepare(session, pairs, now)


async def finish_evaluations(session: AsyncSession, prepared: object) -> None:
    """Write what the batch's evaluations planned (see :func:`health.finish`)."""
    if isinstance(prepared, health.Batch):
        await health.finish(session, prepared)


async def evaluate(ctx: JobContext) -> None:
    batch = ctx.prepared if isinstance(ctx.prepared, health.Batch) else None
    rid = ctx.work.relationship_id
    if rid is None:
        return
    if batch is None:
        # On its own (a retry): its own transaction, so it may skip the managers.
        alone = await health.load(ctx.session, team_id=ctx.work.team_id, relationship_id=rid)
        if alone is not None:
            await health.evaluate(ctx.session, ctx.clock.now(), alone)
        return
    relationship = batch.relationships.get(rid)
    if relationship is not None and relationship.team_id == ctx.work.team_id:
        await health.evaluate(ctx.session, batch.now, relationship, batch)


async def post_alert(ctx: JobContext) -> None:
    alert = await ctx.subject(Alert, "alert_id")
    if alert is None or not alert.pair.program.digest_channel_id:
        return
    ctx.post(
        alert.pair.program.digest_channel_id,
        text=f"Mentoring alert: {alert.signal.replace('_', ' ')}",
        blocks=views.alert_message(alert),
    )


async def alert_posted(session: AsyncSession, work: DueWork, outbox: list[dict[str, Any]]) -> None:
    delivered = next((m for m in outbox if m.get("delivered")), None)
    if delivered is None:
        return
    await session.execute(
        update(Alert)
        .where(Alert.id == int(work.payload.get("alert_id", 0)), Alert.team_id == work.team_id)
        .values(
            channel_id=delivered_to(delivered),
            message_ts=delivered.get("ts"),
        )
    )


async def accountability(ctx: JobContext) -> None:
    alert = await ctx.subject(Alert, "alert_id")
    if alert is None or alert.cleared_at is not None:
        return  # the mentee took the initiative before their hours came round
    ctx.dm(
        alert.pair.mentee.slack_user_id,
        text="How is your mentoring going?",
        blocks=views.accountability(alert.pair, sig.Kind(alert.signal)),
    )


async def follow_up(ctx: JobContext) -> None:
    relationship = await ctx.relationship()
    if relationship is None or relationship.status not in health.LIVE:
        return
    if await activity.mentee_took_initiative(
        ctx.session, relationship_id=relationship.id, since=ctx.work.created_at
    ):
        return  # she booked, wrote or answered before her hours came round: nothing to ask
    ctx.dm(
        relationship.mentee.slack_user_id,
        text=f"{escape(relationship.mentor.display)} would like to hear how things are going",
        blocks=views.follow_up_nudge(relationship),
    )


async def mentee_update(ctx: JobContext) -> None:
    relationship = await ctx.relationship()
    if relationship is None:
        return
    text = str(ctx.work.payload.get("text") or "")
    ctx.to_pair(
        relationship,
        text=f"Update from {escape(relationship.mentee.display)}",
        blocks=views.mentee_update(relationship, text),
    )


async def checkin(ctx: JobContext) -> None:
    relationship = await ctx.relationship()
    if relationship is None or relationship.status not in health.LIVE:
        return
    to = ActorRole.MENTOR if ctx.work.payload.get("to") == "mentor" else ActorRole.MENTEE
    rnd = int(ctx.work.payload.get("round", 1))
    if checkins.stale(relationship, rnd, ctx.clock.now()):
        # A round whose moment passed while the person was away: skip it, keep the rhythm.
        if to is ActorRole.MENTEE:
            await checkins.plan(ctx.session, ctx.clock.now(), relationship, rnd + 1)
        return
    row = await checkins.ask(ctx.session, ctx.clock.now(), relationship, to=to, rnd=rnd)
    if row.answered_at is not None:
        return
    person = relationship.mentor if to is ActorRole.MENTOR else relationship.mentee
    ctx.dm(
        person.slack_user_id,
        text="How is your mentoring going?",
        blocks=checkin_views.question(relationship, row),
    )
