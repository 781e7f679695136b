"""Workspaces and the Slack users Mentorbot knows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, SlackId


class Workspace(Base):
    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(SlackId, primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    enterprise_id: Mapped[str | None] = mapped_column(SlackId)
    created_at: Mapped[datetime]
    uninstalled_at: Mapped[datetime | None]


class User(Base):
    """A Slack user as last seen through ``users.info``."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("team_id", "slack_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    slack_user_id: Mapped[str] = mapped_column(SlackId)
    name: Mapped[str] = mapped_column(String(200), default="")
    real_name: Mapped[str] = mapped_column(String(200), default="")
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_owner: Mapped[bool] = mapped_column(Boolean, default=False)
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    refreshed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # `/mentor settings`: the person's own nudge window (all three set, or none), overriding
    # the program's; and `/mentor pause`: non-urgent nudges wait until this instant.
    nudge_start_minute: Mapped[int | None] = mapped_column(Integer)
    nudge_end_minute: Mapped[int | None] = mapped_column(Integer)
    nudge_days: Mapped[int | None] = mapped_column(Integer)
    paused_until: Mapped[datetime | None]

    @property
    def display(self) -> str:
        return self.real_name or self.name or self.slack_user_id
