"""A manager's matching sessions and the pairs they propose."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.enums import MatchRunStatus
from storage.models.base import Base, SlackId, enum_column

if TYPE_CHECKING:
    from storage.models.programs import Enrolment, Program


class MatchRun(Base):
    """A manager's matching session: proposals to review, lock, drop, re-solve and approve."""

    __tablename__ = "match_runs"
    __table_args__ = (Index(None, "team_id", "program_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[MatchRunStatus] = mapped_column(enum_column(MatchRunStatus))
    # Unmatched mentees: [{"enrolment_id", "reason", "missing"}].
    unmatched: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    approved_at: Mapped[datetime | None]

    program: Mapped[Program] = relationship(lazy="joined")
    proposals: Mapped[list[MatchProposal]] = relationship(
        back_populates="run",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="MatchProposal.id",
    )


class MatchProposal(Base):
    __tablename__ = "match_proposals"
    __table_args__ = (UniqueConstraint("run_id", "mentee_enrolment_id", "mentor_enrolment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("match_runs.id", ondelete="CASCADE"))
    mentee_enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE")
    )
    mentor_enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE")
    )
    score: Mapped[float]
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    dropped: Mapped[bool] = mapped_column(Boolean, default=False)

    run: Mapped[MatchRun] = relationship(back_populates="proposals")
    mentee: Mapped[Enrolment] = relationship(foreign_keys=[mentee_enrolment_id], lazy="joined")
    mentor: Mapped[Enrolment] = relationship(foreign_keys=[mentor_enrolment_id], lazy="joined")
