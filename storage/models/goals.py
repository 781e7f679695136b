"""The mentee's SMART goals and the comments on them. Private to the pair."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import ActorRole, GoalStatus
from storage.models.base import Base, SlackId, enum_column


class Goal(Base):
    """A SMART goal of the mentee's (or, with ``parent_id``, a milestone under one). Private
    to the pair; the mentor may comment but not edit."""

    __tablename__ = "goals"
    __table_args__ = (Index(None, "relationship_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    relationship_id: Mapped[int] = mapped_column(ForeignKey("relationships.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"))
    what: Mapped[str] = mapped_column(Text)  # specific
    measure: Mapped[str] = mapped_column(Text, default="")  # measurable
    target_date: Mapped[date | None]  # time-bound
    why: Mapped[str] = mapped_column(Text, default="")  # relevant
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent
    status: Mapped[GoalStatus] = mapped_column(enum_column(GoalStatus))
    shout_out: Mapped[bool] = mapped_column(Boolean, default=False)  # opt-in, when achieved
    achieved_at: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class GoalComment(Base):
    """The mentor's (or mentee's) comment on a goal."""

    __tablename__ = "goal_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_role: Mapped[ActorRole] = mapped_column(enum_column(ActorRole))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
