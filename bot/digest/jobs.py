"""The weekly digest: record the week's health, post the digest to the program's digest
channel with the insights chart of the last twelve weeks in its thread (and the full lists as
a CSV when they are too long for a message), then plan next week's."""

from __future__ import annotations

import asyncio

from bot.digest import service as digest
from bot.digest import views
from bot.insights import chart
from bot.insights import service as insights
from infra.text import escape
from scheduling.kinds import Kind
from scheduling.registry import JobContext, Registry
from storage.models import Program


async def weekly(ctx: JobContext) -> None:
    if ctx.work.program_id is None:
        return
    program = await ctx.session.get(Program, ctx.work.program_id)
    if program is None or program.team_id != ctx.work.team_id or program.archived_at:
        return
    now = ctx.clock.now()
    # The week it was planned for, even when it goes out late.
    period = digest.planned_period(ctx.work.payload, ctx.work.due_at, program)
    built = await digest.build(session=ctx.session, program=program, period=period, now=now)
    # The week's health, as it ended: the history the insights chart and dashboard show.
    await insights.record_week(
        session=ctx.session, program=program, monday=period.first_day, now=now
    )
    channel = program.digest_channel_id
    if channel:
        # The chart ends with the digest's week, however late the digest goes out.
        seen = await insights.program_insights(
            session=ctx.session, program_id=program.id, now=period.end
        )
        note = None if seen.enough_history else chart.not_enough_history(seen)
        blocks, overflow = views.blocks(built, chart_note=note)
        digest_post = ctx.post(
            channel, text=f"Weekly digest · {escape(program.name)}", blocks=blocks
        )
        if seen.enough_history:
            # Drawing takes a few hundred milliseconds of CPU: off the event loop.
            png = await asyncio.to_thread(chart.render_chart, seen, fmt="png")
            ctx.upload(
                channel,
                filename=f"digest-chart-{period.first_day.isoformat()}.png",
                content=png,
                title=f"{program.name} · the last {len(seen.weeks)} weeks",
                text=escape(chart.caption(seen)),
                alt_text=chart.alt_text(seen),
                thread_of=digest_post,
            )
        if overflow:
            ctx.upload(
                channel,
                filename=f"digest-{period.first_day.isoformat()}.csv",
                content=digest.csv_of(
                    built.at_risk + built.attention + built.stalled + built.ending
                ),
                title=f"Weekly digest · {program.name} · full lists",
                text="The full lists for this week's digest.",
            )
    await digest.plan(session=ctx.session, now=now, program=program)


def register(registry: Registry) -> None:
    """This domain's kinds of due work, each with the subject a sweep preloads for it."""
    registry.register(Kind.DIGEST_WEEKLY, weekly)
