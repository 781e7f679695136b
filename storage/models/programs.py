"""Programs, their managers, and the people enrolled in them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.enums import (
    Cadence,
    DepartmentPreference,
    EnrolmentRole,
    EnrolmentStatus,
)
from storage.models.base import Base, SlackId, enum_column

if TYPE_CHECKING:
    from storage.models.people import User


class Program(Base):
    __tablename__ = "programs"
    __table_args__ = (UniqueConstraint("team_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    # Lower-cased name: program names are unique per workspace, ignoring case.
    name_key: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    digest_channel_id: Mapped[str | None] = mapped_column(SlackId)
    cadence: Mapped[Cadence] = mapped_column(enum_column(Cadence))
    relationship_months: Mapped[int] = mapped_column(Integer)
    # Nudge window: minutes after local midnight, and a Monday=bit 0 weekday mask.
    nudge_start_minute: Mapped[int] = mapped_column(Integer)
    nudge_end_minute: Mapped[int] = mapped_column(Integer)
    nudge_days: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by: Mapped[str] = mapped_column(SlackId)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    archived_at: Mapped[datetime | None]

    # Not loaded with the program: a relationship's program comes joined on every read of a
    # relationship, and few of them need the managers (a query each). Code that does asks
    # for them (storage.repositories.programs loads them); reading them unasked raises.
    managers: Mapped[list[ProgramManager]] = relationship(
        back_populates="program", cascade="all, delete-orphan", lazy="raise_on_sql"
    )


class ProgramManager(Base):
    __tablename__ = "program_managers"
    __table_args__ = (Index(None, "team_id", "user_id"),)

    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[str] = mapped_column(SlackId)
    added_at: Mapped[datetime]

    program: Mapped[Program] = relationship(back_populates="managers")
    user: Mapped[User] = relationship(lazy="joined")


class Enrolment(Base):
    """A person's place in a program, with what matching needs to know about them."""

    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("program_id", "user_id"),
        Index(None, "team_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[EnrolmentRole] = mapped_column(enum_column(EnrolmentRole))
    status: Mapped[EnrolmentStatus] = mapped_column(enum_column(EnrolmentStatus))
    goals: Mapped[str] = mapped_column(Text, default="")
    target_role: Mapped[str] = mapped_column(String(150), default="")
    skills_to_develop: Mapped[list[str]] = mapped_column(JSON, default=list)
    expertise: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int] = mapped_column(Integer, default=0)
    department: Mapped[str] = mapped_column(String(80), default="")
    seniority: Mapped[int] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(80), default="")
    manager_slack_id: Mapped[str | None] = mapped_column(SlackId)
    current_role: Mapped[str] = mapped_column(String(150), default="")
    department_preference: Mapped[DepartmentPreference] = mapped_column(
        enum_column(DepartmentPreference)
    )
    joined_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    left_at: Mapped[datetime | None]
    # The waiting list: set while a mentee waits for a match, with the reason they weren't.
    waitlisted_at: Mapped[datetime | None]
    waitlist_reason: Mapped[str] = mapped_column(String(300), default="")

    program: Mapped[Program] = relationship(lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")
