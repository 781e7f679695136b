"""Goals: tell the pair a goal was set, moved on, achieved or commented on; celebrate an
achieved goal in the program's channel when the mentee opted in."""

from __future__ import annotations

from bot.goals import views
from bot.programs.service import celebration_channel
from scheduling.kinds import Kind
from scheduling.registry import JobContext, Registry
from storage.models import Goal, GoalComment, Relationship


async def notice(ctx: JobContext) -> None:
    goal = await ctx.subject(Goal, "goal_id")
    if goal is None:
        return
    relationship = await ctx.session.get(Relationship, goal.relationship_id)
    assert relationship is not None
    event = str(ctx.work.payload.get("event"))
    comment_id = ctx.work.payload.get("comment_id")
    comment = await ctx.session.get(GoalComment, int(comment_id)) if comment_id else None
    blocks = views.goal_notice(goal, relationship, event=event, comment=comment)
    texts = {
        "achieved": "A goal was achieved!",
        "comment": "A comment on a goal",
        "progress": "Goal progress",
    }
    ctx.to_pair(relationship, text=texts.get(event, "A new goal"), blocks=blocks)
    channel = celebration_channel(relationship.program)
    if event == "achieved" and goal.shout_out and goal.parent_id is None and channel:
        ctx.post(
            channel,
            text="A mentoring goal was achieved",
            blocks=views.shout_out(goal, relationship),
        )


def register(registry: Registry) -> None:
    """This domain's kinds of due work, each with the subject a sweep preloads for it."""
    registry.register(Kind.GOAL_NOTICE, notice, subject=(Goal, "goal_id"))
