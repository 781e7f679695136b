"""Enumerations stored in the database (as their string values)."""

from __future__ import annotations

import enum


class EnrolmentRole(enum.StrEnum):
    MENTEE = "mentee"
    MENTOR = "mentor"
    BOTH = "both"

    @property
    def mentors(self) -> bool:
        return self in (EnrolmentRole.MENTOR, EnrolmentRole.BOTH)

    @property
    def mentees(self) -> bool:
        return self in (EnrolmentRole.MENTEE, EnrolmentRole.BOTH)


class EnrolmentStatus(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    LEFT = "left"


class Cadence(enum.StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"

    @property
    def days(self) -> int:
        return {"weekly": 7, "fortnightly": 14, "monthly": 30}[self.value]

    @property
    def label(self) -> str:
        return {"weekly": "Weekly", "fortnightly": "Every two weeks", "monthly": "Monthly"}[
            self.value
        ]


class DepartmentPreference(enum.StrEnum):
    DIFFERENT = "different"
    SAME = "same"
    ANY = "any"


class RelationshipStatus(enum.StrEnum):
    PROPOSED = "proposed"
    AWAITING_MENTOR = "awaiting_mentor"
    INITIATION = "initiation"
    CULTIVATION = "cultivation"
    SEPARATION = "separation"
    CLOSED = "closed"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self in OPEN_RELATIONSHIP_STATUSES

    @property
    def is_live(self) -> bool:
        return self in LIVE_RELATIONSHIP_STATUSES


OPEN_RELATIONSHIP_STATUSES = frozenset(
    {
        RelationshipStatus.PROPOSED,
        RelationshipStatus.AWAITING_MENTOR,
        RelationshipStatus.INITIATION,
        RelationshipStatus.CULTIVATION,
        RelationshipStatus.SEPARATION,
    }
)
# Accepted and not yet over: the pair is mentoring (initiation, cultivation or separation).
# The one definition: signals, the digest, goals, meetings and agreements all mean this.
LIVE_RELATIONSHIP_STATUSES = (
    RelationshipStatus.INITIATION,
    RelationshipStatus.CULTIVATION,
    RelationshipStatus.SEPARATION,
)


class ActorRole(enum.StrEnum):
    """Who took a step. The engagement signals are built on this."""

    MENTEE = "mentee"
    MENTOR = "mentor"
    MANAGER = "manager"
    SYSTEM = "system"


class MatchRunStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    CANCELLED = "cancelled"


class MeetingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    HELD = "held"  # it started (the next issue asks whether it really happened)


class GoalStatus(enum.StrEnum):
    OPEN = "open"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"


class MeetingOutcome(enum.StrEnum):
    """The answer to "Did you meet?" when nothing was captured after a meeting."""

    MET = "met"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"


class AuditAction(enum.StrEnum):
    """What a manager or admin did that read or changed someone else's data (the audit
    trail, ``bot.audit``), or a person's export of their own data."""

    REPORT_EXPORT = "report_export"
    MATCH_CSV = "match_csv"
    MATCH_APPROVED = "match_approved"
    ALERT_ACKNOWLEDGED = "alert_acknowledged"
    ALERT_SNOOZED = "alert_snoozed"
    ALERT_SPOKEN = "alert_spoken"
    PROGRAM_CREATED = "program_created"
    PROGRAM_EDITED = "program_edited"
    PROGRAM_MANAGERS_CHANGED = "program_managers_changed"
    ADMIN_ERASURE = "admin_erasure"
    DASHBOARD_SIGN_IN = "dashboard_sign_in"
    MY_DATA_EXPORT = "my_data_export"


class AuditSubject(enum.StrEnum):
    """What kind of thing an audit entry's subject id names."""

    PROGRAM = "program"
    RELATIONSHIP = "relationship"
    MATCH_RUN = "match_run"
    ALERT = "alert"
    PERSON = "person"  # a Slack user id
    WORKSPACE = "workspace"  # a Slack team id
