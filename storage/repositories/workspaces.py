"""Workspaces (Slack teams)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Workspace
from storage.upsert import insert


async def ensure(*, session: AsyncSession, team_id: str, now: datetime) -> None:
    """Make sure a row exists for ``team_id`` (concurrent callers are fine)."""
    stmt = insert(session, Workspace).values(team_id=team_id, created_at=now)
    await session.execute(stmt.on_conflict_do_nothing(index_elements=["team_id"]))


async def get(*, session: AsyncSession, team_id: str) -> Workspace | None:
    return await session.get(Workspace, team_id)
