"""Relationships (a mentor and a mentee in a program), their written agreement and
who did what (activity events: never agenda or note text)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.enums import OPEN_RELATIONSHIP_STATUSES, ActorRole, RelationshipStatus
from storage.models.base import Base, SlackId, enum_column

if TYPE_CHECKING:
    from storage.models.people import User
    from storage.models.programs import Program


OPEN_STATUSES_SQL = "status IN ({})".format(
    ", ".join(f"'{s.value}'" for s in sorted(OPEN_RELATIONSHIP_STATUSES))
)


class Relationship(Base):
    """A mentor and a mentee in a program, moving through its stages."""

    __tablename__ = "relationships"
    __table_args__ = (
        Index(None, "team_id", "program_id", "status"),
        Index(None, "mentor_user_id", "status"),
        Index(None, "mentee_user_id", "status"),
        # One open relationship per pair: approving twice or requesting twice can't duplicate.
        Index(
            "uq_relationships_open_pair",
            "program_id",
            "mentee_user_id",
            "mentor_user_id",
            unique=True,
            postgresql_where=text(OPEN_STATUSES_SQL),
            sqlite_where=text(OPEN_STATUSES_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    mentor_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    mentee_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[RelationshipStatus] = mapped_column(enum_column(RelationshipStatus))
    # The pair's group DM, where the introduction, agreement and summaries go.
    conversation_id: Mapped[str | None] = mapped_column(SlackId)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    mentee_enrolment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrolments.id", ondelete="SET NULL")
    )
    mentor_enrolment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrolments.id", ondelete="SET NULL")
    )
    # The approved proposal it came from (unique: approving twice creates nothing new).
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("match_proposals.id", ondelete="SET NULL"), unique=True
    )
    source: Mapped[str] = mapped_column(String(16), default="match")  # match | self_serve
    match_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    intro_ts: Mapped[str | None] = mapped_column(String(32))
    accepted_at: Mapped[datetime | None]
    declined_at: Mapped[datetime | None]
    # Why the mentor declined: for the program's managers only.
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    agreement_signed_at: Mapped[datetime | None]
    first_meeting_at: Mapped[datetime | None]
    # Separation: a proposed extension (both must agree), and how it ended
    extend_to: Mapped[date | None]
    extend_by_role: Mapped[ActorRole | None] = mapped_column(enum_column(ActorRole))
    ended_by_role: Mapped[ActorRole | None] = mapped_column(enum_column(ActorRole))
    end_reason: Mapped[str] = mapped_column(Text, default="")
    unilateral: Mapped[bool] = mapped_column(Boolean, default=False)

    program: Mapped[Program] = relationship(lazy="joined")
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_user_id], lazy="joined")
    mentee: Mapped[User] = relationship(foreign_keys=[mentee_user_id], lazy="joined")


class Agreement(Base):
    """The pair's written agreement. A revision is a new version that both sign again."""

    __tablename__ = "agreements"
    __table_args__ = (UniqueConstraint("relationship_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    relationship_id: Mapped[int] = mapped_column(ForeignKey("relationships.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    terms: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime]
    mentee_signed_at: Mapped[datetime | None]
    mentor_signed_at: Mapped[datetime | None]
    superseded_at: Mapped[datetime | None]
    # The mentor's "suggest changes" note, sent back to the mentee.
    change_request: Mapped[str] = mapped_column(Text, default="")
    channel_id: Mapped[str | None] = mapped_column(SlackId)
    message_ts: Mapped[str | None] = mapped_column(String(32))


class ActivityEvent(Base):
    """Who did what, when. Never holds agenda or note text: managers may read these."""

    __tablename__ = "activity_events"
    __table_args__ = (
        Index(None, "relationship_id", "occurred_at"),
        Index(None, "team_id", "program_id", "occurred_at"),
        ForeignKeyConstraint(["relationship_id"], ["relationships.id"], ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    relationship_id: Mapped[int | None] = mapped_column(Integer)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_role: Mapped[ActorRole] = mapped_column(enum_column(ActorRole))
    kind: Mapped[str] = mapped_column(String(48))
    occurred_at: Mapped[datetime]
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
