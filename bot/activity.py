"""The activity log: who took which step in a relationship. Signals are computed from it,
so it records actors and roles, never agenda or note text. Each event also asks for the
relationship's signals to be evaluated again (see :mod:`bot.signals.health`)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scheduling.api import tell_pair
from scheduling.kinds import Kind
from storage.enums import ActorRole
from storage.models import ActivityEvent, Relationship, User


class ActivityKind(enum.StrEnum):
    """What happened. The values are what the log stores (and the signals read)."""

    # programs and enrolment (no relationship yet)
    PROGRAM_CREATED = "program_created"
    ENROLLED = "enrolled"
    PROFILE_UPDATED = "profile_updated"
    LEFT_PROGRAM = "left_program"
    # matching and introductions
    MATCHED = "matched"
    MENTEE_REQUESTED_MENTOR = "mentee_requested_mentor"
    MENTOR_ACCEPTED = "mentor_accepted"
    MENTOR_DECLINED = "mentor_declined"
    REQUEST_EXPIRED = "request_expired"
    # the agreement
    AGREEMENT_DRAFTED = "agreement_drafted"
    AGREEMENT_SIGNED = "agreement_signed"
    MENTOR_SUGGESTED_CHANGES = "mentor_suggested_changes"
    # goals
    GOAL_SET = "goal_set"
    MILESTONE_SET = "milestone_set"
    GOAL_PROGRESS = "goal_progress"
    GOAL_ACHIEVED = "goal_achieved"
    GOAL_COMMENT = "goal_comment"
    # meetings and agendas ("Did you meet?" answers included)
    MEETING_BOOKED = "meeting_booked"
    MEETING_RESCHEDULED = "meeting_rescheduled"
    MEETING_CANCELLED = "meeting_cancelled"
    MEETING_MET = "meeting_met"
    AGENDA_WRITTEN = "agenda_written"
    MENTOR_ADDED_AGENDA = "mentor_added_agenda"
    NO_AGENDA = "no_agenda"
    # after the meeting
    NOTES_CAPTURED = "notes_captured"
    MENTOR_WROTE_NOTES = "mentor_wrote_notes"
    NOTES_CONFIRMED = "notes_confirmed"
    NOTES_CHANGE_SUGGESTED = "notes_change_suggested"
    ACTION_DONE = "action_done"
    ACTION_OVERDUE = "action_overdue"
    # engagement
    MENTOR_FOLLOW_UP = "mentor_follow_up"
    FOLLOW_UP_ANSWERED = "follow_up_answered"
    CHECKIN_ANSWERED = "checkin_answered"
    # separation
    SEPARATION_STARTED = "separation_started"
    EXTENSION_PROPOSED = "extension_proposed"
    EXTENSION_AGREED = "extension_agreed"
    EXTENSION_DECLINED = "extension_declined"
    RELATIONSHIP_CLOSED = "relationship_closed"
    ENDED_EARLY = "ended_early"


async def record(
    *,
    session: AsyncSession,
    relationship: Relationship,
    actor: User | None,
    role: ActorRole,
    kind: ActivityKind,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> None:
    session.add(
        ActivityEvent(
            team_id=relationship.team_id,
            program_id=relationship.program_id,
            relationship_id=relationship.id,
            actor_user_id=actor.id if actor is not None else None,
            actor_role=role,
            kind=kind,
            occurred_at=now,
            data=data or {},
        )
    )
    # Signals are evaluated as events arrive: once per relationship per transaction.
    planned: set[int] = session.info.setdefault("signals_planned", set())
    if relationship.id in planned:
        return
    planned.add(relationship.id)
    await tell_pair(
        session=session,
        now=now,
        kind=Kind.SIGNALS_EVAL,
        key=f"signals:relationship:{relationship.id}:{uuid.uuid4().hex}",
        relationship=relationship,
    )


async def mentee_took_initiative(
    *, session: AsyncSession, relationship_id: int, since: datetime
) -> bool:
    """Whether the mentee took the initiative (booked, wrote an agenda, captured, answered…)
    in the relationship at or after ``since``."""
    found = await session.scalar(
        select(ActivityEvent.id)
        .where(
            ActivityEvent.relationship_id == relationship_id,
            ActivityEvent.actor_role == ActorRole.MENTEE,
            ActivityEvent.kind.in_(MENTEE_INITIATIVE),
            ActivityEvent.occurred_at >= since,
        )
        .limit(1)
    )
    return found is not None


# What counts as taking the initiative. The mentee's: booking, the agenda, capturing what was
# agreed, completing actions and answering a follow-up (and stating or reaching a goal). The
# mentor's: following up, booking, adding to the agenda and writing the notes (all of which
# the mentee should be doing).
MENTEE_INITIATIVE = frozenset(
    {
        ActivityKind.MEETING_BOOKED,
        ActivityKind.AGENDA_WRITTEN,
        ActivityKind.NOTES_CAPTURED,
        ActivityKind.ACTION_DONE,
        ActivityKind.FOLLOW_UP_ANSWERED,
        ActivityKind.GOAL_SET,
        ActivityKind.GOAL_ACHIEVED,
    }
)


MENTOR_INITIATIVE = frozenset(
    {
        ActivityKind.MENTOR_FOLLOW_UP,
        ActivityKind.MEETING_BOOKED,
        ActivityKind.MENTOR_ADDED_AGENDA,
        ActivityKind.MENTOR_WROTE_NOTES,
    }
)
