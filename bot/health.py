"""Relationship health: gather one relationship's facts, assess them with :mod:`bot.signals`,
store the result, and run the alert episodes.

Evaluation is incremental: every activity event schedules an evaluation of its own
relationship, and each evaluation schedules the next day's, so signals of absence (a silent
mentee, no meeting) are noticed without ever rescanning every relationship.

An episode of an alerting signal opens when the signal appears and closes when it clears.
The managers' channel is alerted once per episode, when it reaches risk (at once, if it
starts there); a cleared signal that returns is a new episode. A snoozed relationship raises
nothing until the snooze ends.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import signals as sig
from scheduling.api import schedule
from scheduling.kinds import Kind
from scheduling.models import Delivery
from storage.enums import (
    ActionStatus,
    ActorRole,
    MeetingOutcome,
    MeetingStatus,
    RelationshipStatus,
)
from storage.models import (
    ActionItem,
    ActivityEvent,
    Agenda,
    Alert,
    CheckIn,
    Meeting,
    Program,
    Relationship,
    RelationshipHealth,
)
from storage.upsert import insert

LIVE = (
    RelationshipStatus.INITIATION,
    RelationshipStatus.CULTIVATION,
    RelationshipStatus.SEPARATION,
)
DAILY = timedelta(days=1)
RECENT_MEETINGS = 5


def settings_of(program: Program) -> sig.Settings:
    raw = program.settings or {}
    window = raw.get("signal_window_days")
    return sig.Settings(
        cadence_days=program.cadence.days,
        window_days=window if isinstance(window, int) and window > 0 else 60,
    )


async def facts_of(
    session: AsyncSession, relationship: Relationship, now: datetime, settings: sig.Settings
) -> sig.Facts:
    """A handful of indexed queries, whatever the relationship's history."""
    start = now - timedelta(days=settings.window_days)
    rows = (
        await session.execute(
            select(ActivityEvent.kind, ActivityEvent.actor_role, ActivityEvent.occurred_at)
            .where(
                ActivityEvent.relationship_id == relationship.id,
                ActivityEvent.occurred_at >= start,
                ActivityEvent.occurred_at <= now,
            )
            .order_by(ActivityEvent.occurred_at, ActivityEvent.id)
        )
    ).all()
    events = [sig.Event(kind, role, at) for kind, role, at in rows]
    # The mentee's last initiative before the window, for how long they have been quiet.
    earlier = None
    if not any(sig.is_mentee_initiative(e) for e in events):
        earlier = await session.scalar(
            select(func.max(ActivityEvent.occurred_at)).where(
                ActivityEvent.relationship_id == relationship.id,
                ActivityEvent.actor_role == ActorRole.MENTEE,
                ActivityEvent.kind.in_(sig.MENTEE_INITIATIVE),
                ActivityEvent.occurred_at < start,
            )
        )
    meeting_rows = (
        await session.execute(
            select(Meeting.starts_at, Meeting.status, Meeting.outcome, Agenda.id)
            .outerjoin(Agenda, Agenda.meeting_id == Meeting.id)
            .where(
                Meeting.relationship_id == relationship.id,
                Meeting.status == MeetingStatus.HELD,
                Meeting.starts_at <= now,
            )
            .order_by(Meeting.starts_at.desc())
            .limit(RECENT_MEETINGS)
        )
    ).all()
    meetings = [
        sig.MeetingFact(
            starts_at=starts,
            held=outcome not in (MeetingOutcome.RESCHEDULED, MeetingOutcome.CANCELLED),
            had_agenda=agenda_id is not None,
        )
        for starts, _, outcome, agenda_id in meeting_rows
    ]
    overdue = await session.scalar(
        select(func.count(ActionItem.id)).where(
            ActionItem.relationship_id == relationship.id,
            ActionItem.status == ActionStatus.OPEN,
            ActionItem.owner_role == ActorRole.MENTEE,
            ActionItem.overdue_at.is_not(None),
        )
    )
    checkin_rows = (
        await session.execute(
            select(CheckIn.role, CheckIn.score, CheckIn.answered_at)
            .where(
                CheckIn.relationship_id == relationship.id,
                CheckIn.answered_at.is_not(None),
                CheckIn.score.is_not(None),
            )
            .order_by(CheckIn.answered_at.desc())
            .limit(4)
        )
    ).all()
    return sig.Facts(
        accepted_at=relationship.accepted_at or relationship.created_at,
        agreement_signed_at=relationship.agreement_signed_at,
        first_meeting_at=relationship.first_meeting_at,
        events=events,
        meetings=meetings,
        mentee_actions_overdue=int(overdue or 0),
        earlier_mentee_initiative=earlier,
        checkins=[
            sig.CheckIn(role, score, at)
            for role, score, at in checkin_rows
            if score is not None and at is not None
        ],
    )


async def evaluate(
    session: AsyncSession, now: datetime, relationship: Relationship
) -> sig.Assessment | None:
    """Assess the relationship, store its health, run its alert episodes and plan the next
    daily check. None for a relationship that isn't live."""
    if relationship.status not in LIVE:
        return None
    settings = settings_of(relationship.program)
    assessment = sig.assess(await facts_of(session, relationship, now, settings), now, settings)
    await _store(session, now, relationship, assessment)
    await _episodes(session, now, relationship, assessment)
    tomorrow = now + DAILY
    await schedule(
        session=session,
        now=now,
        kind=Kind.SIGNALS_EVAL,
        key=f"signals:relationship:{relationship.id}:day:{tomorrow.date().isoformat()}",
        team_id=relationship.team_id,
        program_id=relationship.program_id,
        relationship_id=relationship.id,
        due_at=tomorrow,
        delivery=Delivery.IMMEDIATE,
    )
    return assessment


async def _store(
    session: AsyncSession, now: datetime, relationship: Relationship, assessment: sig.Assessment
) -> None:
    current = await session.get(RelationshipHealth, relationship.id)
    signals = [s.to_json() for s in assessment.signals]
    if current is None:
        values: dict[str, Any] = {
            "relationship_id": relationship.id,
            "team_id": relationship.team_id,
            "program_id": relationship.program_id,
            "health": assessment.health.value,
            "signals": signals,
            "evaluated_at": now,
            "changed_at": now,
        }
        await session.execute(
            insert(session, RelationshipHealth)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["relationship_id"])
        )
        return
    if current.health != assessment.health.value:
        current.changed_at = now
    current.health = assessment.health.value
    current.signals = signals
    current.evaluated_at = now


async def _episodes(
    session: AsyncSession, now: datetime, relationship: Relationship, assessment: sig.Assessment
) -> None:
    # Both alerting signals' open episodes in one query (this runs daily for every pair);
    # the newest per signal wins, as a lone episode always does.
    rows = await session.scalars(
        select(Alert)
        .where(
            Alert.relationship_id == relationship.id,
            Alert.signal.in_([k.value for k in sig.ALERTING]),
            Alert.cleared_at.is_(None),
        )
        .order_by(Alert.id)
    )
    open_episodes = {alert.signal: alert for alert in rows.all()}
    for kind in sorted(sig.ALERTING):
        signal = assessment.worst(kind)
        episode = open_episodes.get(kind.value)
        if signal is None:
            if episode is not None:
                episode.cleared_at = now
            continue
        if episode is None:
            episode = Alert(
                team_id=relationship.team_id,
                program_id=relationship.program_id,
                relationship_id=relationship.id,
                signal=kind.value,
                severity=int(signal.severity),
                evidence=signal.evidence,
                since=signal.since,
                opened_at=now,
                state="open",
            )
            session.add(episode)
            await session.flush()
        episode.severity = max(episode.severity, int(signal.severity))
        episode.evidence = signal.evidence
        if (
            signal.severity is sig.Severity.RISK
            and episode.raised_at is None
            and not await _snoozed(session, relationship.id, now)
        ):
            episode.raised_at = now
            await _raise(session, now, relationship, episode)


async def _snoozed(session: AsyncSession, relationship_id: int, now: datetime) -> bool:
    until = await session.scalar(
        select(func.max(Alert.snoozed_until)).where(Alert.relationship_id == relationship_id)
    )
    return until is not None and until > now


async def _raise(
    session: AsyncSession, now: datetime, relationship: Relationship, alert: Alert
) -> None:
    """Alert the managers' channel, and in the same step send the mentee a constructive,
    private nudge. The mentor is never shown the managers' alert."""
    common = {
        "session": session,
        "now": now,
        "team_id": relationship.team_id,
        "program_id": relationship.program_id,
        "relationship_id": relationship.id,
        "payload": {"alert_id": alert.id},
    }
    await schedule(
        **common,  # type: ignore[arg-type]
        kind=Kind.ALERT_POST,
        key=f"alert-post:alert:{alert.id}",
        due_at=now,
        delivery=Delivery.IMMEDIATE,
    )
    await schedule(
        **common,  # type: ignore[arg-type]
        kind=Kind.ACCOUNTABILITY,
        key=f"accountability:alert:{alert.id}",
        due_at=now,
        delivery=Delivery.WORKING_HOURS,
        recipient_id=relationship.mentee.slack_user_id,
    )


NEXT_STEPS = {
    sig.Kind.MENTOR_CHASING: (
        "Call the mentee: mentoring works when they lead. Ask them to book the next meeting "
        "and bring an agenda, and thank the mentor for holding on."
    ),
    sig.Kind.MENTEE_SILENT: (
        "Check in with the mentee: is something getting in the way? Agree a date for their "
        "next meeting, or pause the relationship kindly."
    ),
}
