"""Alert episodes: what a relationship's assessment does to its managers' alerts.

An episode of an alerting signal (:data:`bot.signals.rules.ALERTING`) opens when the signal
appears and closes when it clears. The managers' channel is alerted once per episode, when
it reaches risk (at once, if it starts there); a cleared signal that returns is a new
episode. A snoozed relationship raises nothing until the snooze ends.

:func:`plan` is that rule, pure: from the assessment and the open episodes, what happens to
each. :func:`run` applies it to the stored ``Alert`` rows and schedules the alert and the
mentee's nudge.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.signals import rules as sig
from scheduling.api import schedule
from scheduling.kinds import Kind
from storage.due_work import Delivery
from storage.models import Alert, Relationship


@dataclass(frozen=True)
class Open:
    """An open episode as the rule sees it."""

    severity: int  # the worst it has been
    raised: bool  # the managers were alerted


@dataclass(frozen=True)
class Step:
    """What one evaluation does to one alerting signal's episode."""

    kind: sig.Kind
    signal: sig.Signal | None  # None: the signal cleared, and its open episode closes
    opens: bool  # no episode was open: a new one opens
    severity: int  # the episode's severity from now on: the worst it has reached
    alert: bool  # at risk and never raised: alert the managers, unless the pair is snoozed


def plan(assessment: sig.Assessment, episodes: Mapping[str, Open]) -> list[Step]:
    """A step for each alerting signal that holds or has an open episode (by
    ``episodes``' signal name), in a fixed order."""
    steps = []
    for kind in sorted(sig.ALERTING):
        signal = assessment.worst(kind)
        episode = episodes.get(kind.value)
        if signal is None:
            if episode is not None:
                steps.append(Step(kind, None, False, episode.severity, False))
            continue
        severity = int(signal.severity)
        raised = False
        if episode is not None:
            severity, raised = max(episode.severity, severity), episode.raised
        at_risk = signal.severity is sig.Severity.RISK
        steps.append(Step(kind, signal, episode is None, severity, at_risk and not raised))
    return steps


def open_alerts_query(ids: Sequence[int]) -> Select[Alert]:
    """The open episodes of these relationships (order them to read the newest last)."""
    return select(Alert).where(
        Alert.relationship_id.in_(ids),
        Alert.signal.in_([k.value for k in sig.ALERTING]),
        Alert.cleared_at.is_(None),
    )


async def run(
    *,
    session: AsyncSession,
    now: datetime,
    relationship: Relationship,
    assessment: sig.Assessment,
    open_alerts: list[Alert] | None = None,
) -> None:
    """Open, update and close the relationship's episodes as :func:`plan` says, and alert
    the managers of each that reaches risk. ``open_alerts``: its open episodes, when a
    batch read them already."""
    # Both alerting signals' open episodes in one query (this runs daily for every pair),
    # unless a batch read them already; the newest per signal wins, as a lone episode does.
    if open_alerts is None:
        rows = await session.scalars(open_alerts_query([relationship.id]).order_by(Alert.id))
        open_alerts = list(rows.all())
    by_signal = {alert.signal: alert for alert in open_alerts}
    seen = {s: Open(a.severity, a.raised_at is not None) for s, a in by_signal.items()}
    for step in plan(assessment, seen):
        episode = by_signal.get(step.kind.value)
        if step.signal is None:
            if episode is not None:
                episode.cleared_at = now
            continue
        if episode is None:
            episode = Alert(
                team_id=relationship.team_id,
                program_id=relationship.program_id,
                relationship_id=relationship.id,
                signal=step.kind.value,
                severity=int(step.signal.severity),
                evidence=step.signal.evidence,
                since=step.signal.since,
                opened_at=now,
                state="open",
            )
            session.add(episode)
            await session.flush()
        episode.severity = step.severity
        episode.evidence = step.signal.evidence
        if step.alert and not await _snoozed(session, relationship.id, now):
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
