"""The insights chart on demand: drawn when the work runs (``/mentor digest`` asked for it)
and shared in the asker's DM, or under two weeks of history, a short text saying why not."""

from __future__ import annotations

import asyncio

from bot.access import may_see
from bot.insights import chart
from bot.insights import service as insights
from infra.text import escape
from scheduling.kinds import Kind
from scheduling.registry import JobContext, PermanentJobError, Registry
from storage.models import User


async def chart_to_asker(ctx: JobContext) -> None:
    asker = await ctx.subject(User, "user_id")
    if asker is None or ctx.work.program_id is None:
        raise PermanentJobError("the person who asked, or the program, is gone")
    # Checked again now: they may no longer manage the program.
    if not await may_see(
        session=ctx.session,
        team_id=ctx.work.team_id,
        user_id=asker.slack_user_id,
        program_id=ctx.work.program_id,
    ):
        raise PermanentJobError("no longer allowed to see that program")
    now = ctx.clock.now()
    seen = await insights.program_insights(
        session=ctx.session, program_id=ctx.work.program_id, now=now
    )
    if not seen.enough_history:
        ctx.dm(asker.slack_user_id, text=escape(chart.not_enough_history(seen)))
        return
    # Drawing takes a few hundred milliseconds of CPU: off the event loop.
    png = await asyncio.to_thread(chart.render_chart, seen, fmt="png")
    ctx.dm_upload(
        asker.slack_user_id,
        filename=f"mentoring-chart-{now.date().isoformat()}.png",
        content=png,
        title=f"{seen.name} · the last {len(seen.weeks)} weeks",
        text=escape(chart.caption(seen)),
        alt_text=chart.alt_text(seen),
    )


def register(registry: Registry) -> None:
    """This domain's kinds of due work, each with the subject a sweep preloads for it."""
    registry.register(Kind.INSIGHTS_CHART, chart_to_asker)
