"""Engagement: evaluate a relationship's signals, post an alert to the managers' channel,
send the mentee the accountability DM, the mentor's follow-up nudge and the mentee's update."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import activity
from bot.signals import health, views
from bot.signals import rules as sig
from infra.text import escape
from scheduling.kinds import Kind
from scheduling.messages import Planned
from scheduling.registry import JobContext, Registry
from storage.due_work import DueWork
from storage.enums import LIVE_RELATIONSHIP_STATUSES
from storage.models import Alert, User


async def prepare_evaluations(
    session: AsyncSession, rows: Sequence[DueWork], now: datetime
) -> health.Batch:
    """Read every evaluation's facts in the batch at once (see :func:`health.prepare`)."""
    pairs = [(r.relationship_id, r.team_id) for r in rows if r.relationship_id is not None]
    return await health.prepare(session=session, pairs=pairs, now=now)


async def finish_evaluations(session: AsyncSession, prepared: object) -> None:
    """Write what the batch's evaluations planned (see :func:`health.finish`)."""
    if isinstance(prepared, health.Batch):
        await health.finish(session=session, batch=prepared)


async def evaluate(ctx: JobContext) -> None:
    batch = ctx.prepared if isinstance(ctx.prepared, health.Batch) else None
    rid = ctx.work.relationship_id
    if rid is None:
        return
    if batch is None:
        # On its own (a retry): its own transaction, so it may skip the managers.
        alone = await health.load(
            session=ctx.session, team_id=ctx.work.team_id, relationship_id=rid
        )
        if alone is not None:
            await health.evaluate(session=ctx.session, now=ctx.clock.now(), relationship=alone)
        return
    relationship = batch.relationships.get(rid)
    if relationship is not None and relationship.team_id == ctx.work.team_id:
        await health.evaluate(
            session=ctx.session, now=batch.now, relationship=relationship, batch=batch
        )


async def post_alert(ctx: JobContext) -> None:
    alert = await ctx.subject(Alert, "alert_id")
    if alert is None or not alert.pair.program.digest_channel_id:
        return
    ctx.post(
        alert.pair.program.digest_channel_id,
        text=f"Mentoring alert: {alert.signal.replace('_', ' ')}",
        blocks=views.alert_message(alert),
    )


async def alert_posted(session: AsyncSession, work: DueWork, outbox: list[Planned]) -> None:
    delivered = next((m for m in outbox if m.delivered), None)
    if delivered is None:
        return
    await session.execute(
        update(Alert)
        .where(Alert.id == int(work.payload.get("alert_id", 0)), Alert.team_id == work.team_id)
        .values(
            channel_id=delivered.delivered_to,
            message_ts=delivered.ts,
        )
    )


async def update_alert(ctx: JobContext) -> None:
    """Edit the alert's message in the managers' channel to show who handled it and how,
    as pressing its button in Slack does."""
    alert = await ctx.subject(Alert, "alert_id")
    if alert is None or not alert.channel_id or not alert.message_ts:
        return  # never posted (no digest channel): nothing to edit
    handler = await ctx.session.get(User, alert.handled_by) if alert.handled_by else None
    ctx.update(
        alert.channel_id,
        alert.message_ts,
        text=f"Mentoring alert: {alert.signal.replace('_', ' ')}",
        blocks=views.alert_message(alert, handler),
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
    if relationship is None or relationship.status not in LIVE_RELATIONSHIP_STATUSES:
        return
    if await activity.mentee_took_initiative(
        session=ctx.session, relationship_id=relationship.id, since=ctx.work.created_at
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


def register(registry: Registry) -> None:
    """This domain's kinds of due work, each with the subject a sweep preloads for it."""
    alert = (Alert, "alert_id")
    registry.register(
        Kind.SIGNALS_EVAL, evaluate, prepare=prepare_evaluations, finish=finish_evaluations
    )
    registry.register(Kind.ALERT_POST, post_alert, on_delivered=alert_posted, subject=alert)
    registry.register(Kind.ALERT_UPDATE, update_alert, subject=alert)
    registry.register(Kind.ACCOUNTABILITY, accountability, subject=alert)
    registry.register(Kind.FOLLOW_UP_NUDGE, follow_up)
    registry.register(Kind.MENTEE_UPDATE, mentee_update)
