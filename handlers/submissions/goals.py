"""The goal, progress and comment forms."""

from __future__ import annotations

from bot.errors import NotFound
from bot.goals import service as svc
from bot.goals.views import parse_goal_form, parse_progress
from bot.ids import GoalField
from handlers.context import Submitted, on_submit


@on_submit
async def submit_goal(form: Submitted) -> None:
    req, deps, actor = form.req, form.deps, form.actor
    draft, chosen = parse_goal_form(req.state)
    relationship_id = chosen or req.metadata_id("relationship_id")
    if relationship_id is None:
        raise NotFound("Choose whose mentoring this goal is for.")
    async with deps.db.transaction() as session:
        await svc.add(
            session=session,
            clock=deps.clock,
            actor=actor,
            relationship_id=relationship_id,
            draft=draft,
            parent_id=req.metadata_id("parent_id"),
        )
    await form.ack()
    deps.kick()


@on_submit
async def submit_progress(form: Submitted) -> None:
    req, deps, actor = form.req, form.deps, form.actor
    async with deps.db.transaction() as session:
        await svc.set_progress(
            session=session,
            clock=deps.clock,
            actor=actor,
            goal_id=req.metadata_id("goal_id") or 0,
            progress=parse_progress(req.state),
        )
    await form.ack()
    deps.kick()


@on_submit
async def submit_comment(form: Submitted) -> None:
    req, deps, actor = form.req, form.deps, form.actor
    async with deps.db.transaction() as session:
        await svc.comment(
            session=session,
            clock=deps.clock,
            actor=actor,
            goal_id=req.metadata_id("goal_id") or 0,
            text=req.state.text(GoalField.COMMENT),
        )
    await form.ack()
    deps.kick()
