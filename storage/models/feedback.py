"""What people tell Mentorbot privately: check-ins and closing surveys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import ActorRole
from storage.models.base import Base, SlackId, enum_column


class CheckIn(Base):
    """ "How is your mentoring going?": one person's private answer. The other party never
    sees it; managers see the score, and the note only when the person chose to share it."""

    __tablename__ = "check_ins"
    __table_args__ = (UniqueConstraint("relationship_id", "user_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    relationship_id: Mapped[int] = mapped_column(ForeignKey("relationships.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[ActorRole] = mapped_column(enum_column(ActorRole))
    round: Mapped[int] = mapped_column(Integer)
    asked_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    score: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    share_note: Mapped[bool] = mapped_column(Boolean, default=False)


class ClosingSurvey(Base):
    """One person's closing survey: outcome, goals met, would recommend. Managers see these
    answers; the other party does not."""

    __tablename__ = "closing_surveys"
    __table_args__ = (UniqueConstraint("relationship_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    relationship_id: Mapped[int] = mapped_column(ForeignKey("relationships.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[ActorRole] = mapped_column(enum_column(ActorRole))
    outcome: Mapped[str] = mapped_column(String(24))
    goals_met: Mapped[str] = mapped_column(String(16))
    recommend: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]
