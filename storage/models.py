"""Typed SQLAlchemy models. Every row carries its Slack team id: workspaces never mix."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.enums import (
    OPEN_RELATIONSHIP_STATUSES,
    ActionStatus,
    ActorRole,
    Cadence,
    DepartmentPreference,
    EnrolmentRole,
    EnrolmentStatus,
    GoalStatus,
    MatchRunStatus,
    MeetingOutcome,
    MeetingStatus,
    RelationshipStatus,
)
from storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

OPEN_STATUSES_SQL = "status IN ({})".format(
    ", ".join(f"'{s.value}'" for s in sorted(OPEN_RELATIONSHIP_STATUSES))
)

# Slack ids are short, but Enterprise Grid ids and future formats have room here.
SlackId = String(32)


def _enum(enum_cls: type[Any]) -> SAEnum:
    """Store an enum as its string value in a VARCHAR (no native PG enum to migrate)."""
    return SAEnum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=24,
        values_callable=lambda members: [m.value for m in members],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


# slack-sdk's installation and OAuth-state tables live beside ours, so Alembic owns them too.
SQLAlchemyInstallationStore.build_installations_table(Base.metadata, "slack_installations")
SQLAlchemyInstallationStore.build_bots_table(Base.metadata, "slack_bots")
SQLAlchemyOAuthStateStore.build_oauth_states_table(Base.metadata, "slack_oauth_states")


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
    cadence: Mapped[Cadence] = mapped_column(_enum(Cadence))
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
    role: Mapped[EnrolmentRole] = mapped_column(_enum(EnrolmentRole))
    status: Mapped[EnrolmentStatus] = mapped_column(_enum(EnrolmentStatus))
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
    department_preference: Mapped[DepartmentPreference] = mapped_column(_enum(DepartmentPreference))
    joined_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    left_at: Mapped[datetime | None]
    # The waiting list: set while a mentee waits for a match, with the reason they weren't.
    waitlisted_at: Mapped[datetime | None]
    waitlist_reason: Mapped[str] = mapped_column(String(300), default="")

    program: Mapped[Program] = relationship(lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")


class MatchRun(Base):
    """A manager's matching session: proposals to review, lock, drop, re-solve and approve."""

    __tablename__ = "match_runs"
    __table_args__ = (Index(None, "team_id", "program_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[MatchRunStatus] = mapped_column(_enum(MatchRunStatus))
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
    status: Mapped[RelationshipStatus] = mapped_column(_enum(RelationshipStatus))
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
    extend_by_role: Mapped[ActorRole | None] = mapped_column(_enum(ActorRole))
    ended_by_role: Mapped[ActorRole | None] = mapped_column(_enum(ActorRole))
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
    actor_role: Mapped[ActorRole] = mapped_column(_enum(ActorRole))
    kind: Mapped[str] = mapped_column(String(48))
    occurred_at: Mapped[datetime]
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


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
    status: Mapped[MeetingStatus] = mapped_column(_enum(MeetingStatus))
    starts_at: Mapped[datetime]
    minutes: Mapped[int] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(300), default="")
    booked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    booked_by_role: Mapped[ActorRole] = mapped_column(_enum(ActorRole))
    # Bumped on every change, so calendars replace the event (iCalendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    # The booking message in the pair's conversation, updated on reschedule or cancel.
    channel_id: Mapped[str | None] = mapped_column(SlackId)
    message_ts: Mapped[str | None] = mapped_column(String(32))
    # "Did you meet?" (asked when nothing was captured): the answer and who gave it
    outcome: Mapped[MeetingOutcome | None] = mapped_column(_enum(MeetingOutcome))
    outcome_by_role: Mapped[ActorRole | None] = mapped_column(_enum(ActorRole))

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
    status: Mapped[GoalStatus] = mapped_column(_enum(GoalStatus))
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
    author_role: Mapped[ActorRole] = mapped_column(_enum(ActorRole))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


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
    author_role: Mapped[ActorRole] = mapped_column(_enum(ActorRole))
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
    owner_role: Mapped[ActorRole] = mapped_column(_enum(ActorRole))
    due_on: Mapped[date | None]
    status: Mapped[ActionStatus] = mapped_column(_enum(ActionStatus))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    done_by_role: Mapped[ActorRole | None] = mapped_column(_enum(ActorRole))
    overdue_at: Mapped[datetime | None]  # when it was first found past due and open

    pair: Mapped[Relationship] = relationship(lazy="joined")


class DmPrompt(Base):
    """A prompt the bot sent to someone's DM, so a plain-text reply in its thread can be
    matched to what it asked for (an agenda, or the capture after a meeting)."""

    __tablename__ = "dm_prompts"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", "ts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    channel_id: Mapped[str] = mapped_column(SlackId)
    ts: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # agenda | capture
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]


class InboundEvent(Base):
    """Events API deliveries already handled, by event id: Slack retries (``X-Slack-Retry-Num``)
    of a DM reply are stored once."""

    __tablename__ = "inbound_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    received_at: Mapped[datetime] = mapped_column(index=True)


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


class CheckIn(Base):
    """ "How is your mentoring going?": one person's private answer. The other party never
    sees it; managers see the score, and the note only when the person chose to share it."""

    __tablename__ = "check_ins"
    __table_args__ = (UniqueConstraint("relationship_id", "user_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    relationship_id: Mapped[int] = mapped_column(ForeignKey("relationships.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[ActorRole] = mapped_column(_enum(ActorRole))
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
    role: Mapped[ActorRole] = mapped_column(_enum(ActorRole))
    outcome: Mapped[str] = mapped_column(String(24))
    goals_met: Mapped[str] = mapped_column(String(16))
    recommend: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]
