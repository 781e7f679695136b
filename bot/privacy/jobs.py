"""Privacy's due work: a person's erasure and a workspace's purge, each a chain of bounded
runs (each run plans the next while there is more), so neither holds a sweep for more than
a batch and a crash half-way resumes where it stopped."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.privacy import erasure, purge
from bot.privacy.service import NO_TEAM, is_erased, purge_prefix
from scheduling.api import cancel_where, schedule
from scheduling.kinds import Kind
from scheduling.registry import JobContext, Registry
from storage.due_work import Timing
from storage.models import User, Workspace

log = logging.getLogger(__name__)

# How long an erasure waits for the farewell notices about the person to go out (they name
# them, and their messages are erased once sent); after this it cancels what is left.
NOTICE_WAIT = timedelta(hours=1)
RETRY_IN = timedelta(minutes=1)


async def _again(ctx: JobContext, *, key: str, due_at: datetime) -> None:
    await schedule(
        session=ctx.session,
        now=ctx.clock.now(),
        kind=ctx.work.kind,
        key=key,
        team_id=NO_TEAM,
        due_at=due_at,
        timing=Timing.IMMEDIATE,
        payload=dict(ctx.work.payload),
    )


async def erase_person(ctx: JobContext) -> None:
    payload = ctx.work.payload
    team_id, user_id = str(payload.get("team") or ""), payload.get("user_id")
    if not isinstance(user_id, int):
        return
    user = await ctx.session.scalar(select(User).where(User.id == user_id, User.team_id == team_id))
    if user is None:
        return
    if payload.get("leaver") and not user.deleted:
        return  # reactivated since: nothing to erase
    now = ctx.clock.now()
    if not is_erased(user):
        scope = await erasure.scope_of(ctx.session, user)
        if await erasure.still_running(ctx.session, scope):
            since = datetime.fromisoformat(str(payload.get("since") or now.isoformat()))
            if now - since < NOTICE_WAIT:
                await _again(
                    ctx, key=f"{ctx.work.dedup_key}:wait:{uuid.uuid4().hex}", due_at=now + RETRY_IN
                )
                return
            for relationship_id in scope.relationships:
                await cancel_where(
                    session=ctx.session, now=now, team_id=team_id, relationship_id=relationship_id
                )
            await cancel_where(
                session=ctx.session, now=now, team_id=team_id, recipient_id=scope.slack_id
            )
    progress = await erasure.erase_batch(session=ctx.session, now=now, user=user)
    if not progress.finished:
        await _again(ctx, key=f"{ctx.work.dedup_key}:more:{uuid.uuid4().hex}", due_at=now)
        return
    log.info("person erased", extra={"team": team_id, "user": user_id})


async def purge_workspace(ctx: JobContext) -> None:
    team_id = str(ctx.work.payload.get("team") or "")
    if not team_id:
        return
    workspace = await ctx.session.get(Workspace, team_id)
    if workspace is not None and workspace.uninstalled_at is None:
        return  # installed again
    finished = await purge.purge_batch(session=ctx.session, team_id=team_id)
    if not finished:
        now = ctx.clock.now()
        await _again(ctx, key=f"{purge_prefix(team_id)}more:{uuid.uuid4().hex}", due_at=now)
        return
    log.info("workspace purged", extra={"team": team_id})


def register(registry: Registry) -> None:
    """This domain's kinds of due work."""
    registry.register(Kind.ERASE_PERSON, erase_person)
    registry.register(Kind.PURGE_WORKSPACE, purge_workspace)
