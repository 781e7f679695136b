"""What managers see of a relationship: its health and the alert episodes."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, SlackId

if TYPE_CHECKING:
    from storage.models.relationships import Relationship


class RelationshipHealth(Base):
    """The latest assessment of a relationship: its health and its signals (evidence in
    counts and dates, never private text). Written by the signal evaluation."""

    __tablename__ = "relationship_health"
    __table_args__ = (Index(None, "program_id", "health"),)

    relationship_id: Mapped[int] = mapped_column(
        ForeignKey("relationships.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[str] = mapped_column(SlackId)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    health: Mapped[str] = mapped_column(String(24))
    signals: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    evaluated_at: Mapped[datetime]
    changed_at: Mapped[datetime]


class ProgramHealthWeek(Base):
    """A program's live relationships by health, recorded once a week (by the weekly digest,
    which runs for every program, with a digest channel or without): the history of health
    the insights chart and the dashboard show. Counts only."""

    __tablename__ = "program_health_weeks"

    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True
    )
    monday: Mapped[date] = mapped_column(primary_key=True)  # the week, in the program's zone
    team_id: Mapped[str] = mapped_column(SlackId)
    too_early: Mapped[int] = mapped_column(Integer)
    on_track: Mapped[int] = mapped_column(Integer)
    needs_attention: Mapped[int] = mapped_column(Integer)
    at_risk: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime]


class Alert(Base):
    """One episode of an alerting signal (mentor chasing, mentee silent) for a relationship:
    it opens when the signal appears, alerts the managers when it reaches risk, and closes when
    the signal clears. Managers acknowledge, snooze or note they have spoken with the pair."""

    __tablename__ = "alerts"
    __table_args__ = (Index(None, "relationship_id", "signal", "cleared_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    relationship_id: Mapped[int] = mapped_column(ForeignKey("relationships.id", ondelete="CASCADE"))
    signal: Mapped[str] = mapped_column(String(32))
    severity: Mapped[int] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(Text, default="")
    since: Mapped[datetime]
    opened_at: Mapped[datetime]
    raised_at: Mapped[datetime | None]  # when the managers were alerted (None: not yet)
    cleared_at: Mapped[datetime | None]
    state: Mapped[str] = mapped_column(String(16), default="open")
    snoozed_until: Mapped[datetime | None]
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    handled_at: Mapped[datetime | None]
    channel_id: Mapped[str | None] = mapped_column(SlackId)
    message_ts: Mapped[str | None] = mapped_column(String(32))

    pair: Mapped[Relationship] = relationship(lazy="joined")
