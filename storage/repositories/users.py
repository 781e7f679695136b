"""Slack users, as cached from ``users.info``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import User
from storage.repositories import workspaces
from storage.upsert import insert


@dataclass(frozen=True)
class Profile:
    """What Mentorbot keeps of a Slack user."""

    team_id: str
    slack_user_id: str
    name: str = ""
    real_name: str = ""
    tz: str = "UTC"
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False


async def get(*, session: AsyncSession, team_id: str, slack_user_id: str) -> User | None:
    return await session.scalar(
        select(User).where(User.team_id == team_id, User.slack_user_id == slack_user_id)
    )


async def get_many(
    *, session: AsyncSession, team_id: str, slack_user_ids: Iterable[str]
) -> dict[str, User]:
    ids = set(slack_user_ids)
    if not ids:
        return {}
    rows = await session.scalars(
        select(User).where(User.team_id == team_id, User.slack_user_id.in_(ids))
    )
    return {u.slack_user_id: u for u in rows}


async def save_profile(*, session: AsyncSession, profile: Profile, now: datetime) -> User:
    """Insert or refresh a user from a fresh ``users.info`` answer."""
    await workspaces.ensure(session=session, team_id=profile.team_id, now=now)
    values = {
        "name": profile.name,
        "real_name": profile.real_name,
        "tz": profile.tz,
        "is_admin": profile.is_admin,
        "is_owner": profile.is_owner,
        "is_bot": profile.is_bot,
        "deleted": profile.deleted,
        "refreshed_at": now,
    }
    stmt = insert(session, User).values(
        team_id=profile.team_id, slack_user_id=profile.slack_user_id, created_at=now, **values
    )
    stmt = stmt.on_conflict_do_update(index_elements=["team_id", "slack_user_id"], set_=values)
    await session.execute(stmt)
    user = await get(session=session, team_id=profile.team_id, slack_user_id=profile.slack_user_id)
    assert user is not None
    await session.refresh(user)
    return user


async def ensure_many(
    *, session: AsyncSession, team_id: str, slack_user_ids: Iterable[str], now: datetime
) -> dict[str, User]:
    """Rows for users we may not have seen yet (picked in a user select). Unknown users get a
    placeholder with ``refreshed_at`` unset, filled in by the next ``users.info``."""
    ids = set(slack_user_ids)
    if not ids:
        return {}
    await workspaces.ensure(session=session, team_id=team_id, now=now)
    stmt = insert(session, User).values(
        [{"team_id": team_id, "slack_user_id": uid, "created_at": now} for uid in sorted(ids)]
    )
    await session.execute(stmt.on_conflict_do_nothing(index_elements=["team_id", "slack_user_id"]))
    return await get_many(session=session, team_id=team_id, slack_user_ids=ids)
