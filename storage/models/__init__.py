"""Typed SQLAlchemy models, one module per aggregate. Every row carries its Slack team id:
workspaces never mix. Importing this package registers every table on ``Base.metadata``."""

from storage.models.audit import AuditEntry
from storage.models.base import Base, SlackId, enum_column
from storage.models.conversations import DmPrompt, InboundEvent
from storage.models.feedback import CheckIn, ClosingSurvey
from storage.models.goals import Goal, GoalComment
from storage.models.matching import MatchProposal, MatchRun
from storage.models.meetings import ActionItem, Agenda, Meeting, MeetingNotes
from storage.models.people import User, Workspace
from storage.models.programs import Enrolment, Program, ProgramManager
from storage.models.relationships import ActivityEvent, Agreement, Relationship
from storage.models.signals import Alert, ProgramHealthWeek, RelationshipHealth

__all__ = [
    "ActionItem",
    "ActivityEvent",
    "Agenda",
    "Agreement",
    "Alert",
    "AuditEntry",
    "Base",
    "CheckIn",
    "ClosingSurvey",
    "DmPrompt",
    "Enrolment",
    "Goal",
    "GoalComment",
    "InboundEvent",
    "MatchProposal",
    "MatchRun",
    "Meeting",
    "MeetingNotes",
    "Program",
    "ProgramHealthWeek",
    "ProgramManager",
    "Relationship",
    "RelationshipHealth",
    "SlackId",
    "User",
    "Workspace",
    "enum_column",
]
