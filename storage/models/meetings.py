"""Meetings, their GROW agenda, the captured notes and the agreed actions. Agendas and
notes are private to the pair."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.enums import ActionStatus, ActorRole, MeetingOutcome, MeetingStatus
from storage.models.base import Base, SlackId, enum_column

if TYPE_CHECKING:
    from storage.models.goals import Goal
    from storage.models.relationships import Relationship


class Meeting(Base):
    """A meeting of the pair. Times are UTC; each person sees them in their own zone."""

    __tablename__ = "meetings"
    __table_args__ = (
        Index(None, "relationship_id", "starts_at"),
        Index(None, "team_id", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    relationship_id: Mapped[int] = mapped_column(ForeignKey("relationships.id", ondelete="CASCADE"))
    status: Mapped[MeetingStatus] = mapped_column(enum_column(MeetingStatus))
    starts_at: Mapped[datetime]
    minutes: Mapped[int] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(300), default="")
    booked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    booked_by_role: Mapped[ActorRole] = mapped_column(enum_column(ActorRole))
    # Bumped on every change, so calendars replace the event (iCalendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    # The booking message in the pair's conversation, updated on reschedule or cancel.
    channel_id: Mapped[str | None] = mapped_column(SlackId)
    message_ts: Mapped[str | None] = mapped_column(String(32))
    # "Did you meet?" (asked when nothing was captured): the answer and who gave it
    outcome: Mapped[MeetingOutcome | None] = mapped_column(enum_column(MeetingOutcome))
    outcome_by_role: Mapped[ActorRole | None] = mapped_column(enum_column(ActorRole))

    pair: Mapped[Relationship] = relationship(lazy="joined")
    agenda: Mapped[Agenda | None] = relationship(
        back_populates="meeting", lazy="selectin", uselist=False
    )
    notes: Mapped[MeetingNotes | None] = relationship(
        back_populates="meeting", lazy="selectin", uselist=False
    )

    @property
    def ends_at(self) -> datetime:
        from datetime import timedelta

        return self.starts_at + timedelta(minutes=self.minutes)


class Agenda(Base):
    """The mentee's GROW agenda for one meeting. Private to the pair: managers see only that
    one arrived (an activity event), never this text."""

    __tablename__ = "agendas"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), unique=True
    )
    goal: Mapped[str] = mapped_column(Text, default="")
    reality: Mapped[str] = mapped_column(Text, default="")
    options: Mapped[str] = mapped_column(Text, default="")
    way_forward: Mapped[str] = mapped_column(Text, default="")
    # "modal" or "reply" (typed as a DM reply to the prompt)
    source: Mapped[str] = mapped_column(String(16), default="modal")
    # Items the mentor added: [{"text": ..., "at": iso}]
    mentor_items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    channel_id: Mapped[str | None] = mapped_column(SlackId)
    message_ts: Mapped[str | None] = mapped_column(String(32))
    # The goal this session works towards, if the mentee linked one
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")
    linked_goal: Mapped[Goal | None] = relationship(lazy="selectin")


class MeetingNotes(Base):
    """What was agreed in a meeting: takeaways (the actions are rows of their own). Private
    to the pair, like the agenda."""

    __tablename__ = "meeting_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), unique=True
    )
    takeaways: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16), default="modal")  # modal | reply
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_role: Mapped[ActorRole] = mapped_column(enum_column(ActorRole))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    change_request: Mapped[str] = mapped_column(Text, default="")
    channel_id: Mapped[str | None] = mapped_column(SlackId)
    message_ts: Mapped[str | None] = mapped_column(String(32))

    meeting: Mapped[Meeting] = relationship(back_populates="notes")


class ActionItem(Base):
    """An agreed action: what, whose, by when."""

    __tablename__ = "actions"
    __table_args__ = (
        Index(None, "relationship_id", "status"),
        Index(None, "team_id", "status", "due_on"),
        # An edited capture deletes the actions it replaces: on SQLite their ids must not be
        # handed out again (reminders sent for them name them).
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    relationship_id: Mapped[int] = mapped_column(ForeignKey("relationships.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(String(300))
    owner_role: Mapped[ActorRole] = mapped_column(enum_column(ActorRole))
    due_on: Mapped[date | None]
    status: Mapped[ActionStatus] = mapped_column(enum_column(ActionStatus))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    done_by_role: Mapped[ActorRole | None] = mapped_column(enum_column(ActorRole))
    overdue_at: Mapped[datetime | None]  # when it was first found past due and open

    pair: Mapped[Relationship] = relationship(lazy="joined")
