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

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activity import MENTEE_INITIATIVE
from bot.signals import rules as sig
from infra.db import id_chunks
from scheduling.api import schedule, schedule_many, work
from scheduling.kinds import Kind
from storage.due_work import Delivery
from storage.enums import LIVE_RELATIONSHIP_STATUSES as LIVE
from storage.enums import (
    ActionStatus,
    ActorRole,
    MeetingOutcome,
    MeetingStatus,
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

DAILY = timedelta(days=1)
RECENT_MEETINGS = 5
RECENT_CHECKINS = 4


def settings_of(program: Program) -> sig.Settings:
    raw = program.settings or {}
    window = raw.get("signal_window_days")
    return sig.Settings(
        cadence_days=program.cadence.days,
        window_days=window if isinstance(window, int) and window > 0 else 60,
    )


async def facts_of(
    *, session: AsyncSession, relationship: Relationship, now: datetime, settings: sig.Settings
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
                ActivityEvent.kind.in_(MENTEE_INITIATIVE),
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
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
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
            .order_by(CheckIn.answered_at.desc(), CheckIn.id.desc())
            .limit(RECENT_CHECKINS)
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


def _base_facts(relationship: Relationship) -> sig.Facts:
    return sig.Facts(
        accepted_at=relationship.accepted_at or relationship.created_at,
        agreement_signed_at=relationship.agreement_signed_at,
        first_meeting_at=relationship.first_meeting_at,
    )


async def facts_for(
    *, session: AsyncSession, relationships: Sequence[Relationship], now: datetime
) -> dict[int, sig.Facts]:
    """:func:`facts_of` for many relationships at once, in a few aggregated queries per
    program window (``WHERE relationship_id IN (...)``) instead of five per relationship: the
    daily evaluation of every live pair is most of a sweep's work. Gives exactly the Facts
    :func:`facts_of` gives for each relationship (tests/service/test_health_batch.py)."""
    by_window: dict[int, list[Relationship]] = defaultdict(list)
    for relationship in relationships:
        by_window[settings_of(relationship.program).window_days].append(relationship)
    facts: dict[int, sig.Facts] = {}
    for window_days, group in by_window.items():
        start = now - timedelta(days=window_days)
        for ids in id_chunks([r.id for r in group]):
            facts.update(await _facts_chunk(session, [r for r in group if r.id in ids], now, start))
    return facts


async def _facts_chunk(
    session: AsyncSession, relationships: list[Relationship], now: datetime, start: datetime
) -> dict[int, sig.Facts]:
    ids = [r.id for r in relationships]
    events = await _events_of(session, ids, now, start)
    quiet = [i for i in ids if not any(sig.is_mentee_initiative(e) for e in events[i])]
    earlier = await _earlier_initiatives(session, quiet, start)
    meetings = await _recent_meetings(session, ids, now)
    overdue = await _overdue_counts(session, ids)
    checkins = await _recent_checkins(session, ids)
    return {
        r.id: replace(
            _base_facts(r),
            events=events[r.id],
            meetings=meetings[r.id],
            mentee_actions_overdue=overdue.get(r.id, 0),
            earlier_mentee_initiative=earlier.get(r.id),
            checkins=checkins[r.id],
        )
        for r in relationships
    }


async def _events_of(
    session: AsyncSession, ids: list[int], now: datetime, start: datetime
) -> dict[int, list[sig.Event]]:
    rows = await session.execute(
        select(
            ActivityEvent.relationship_id,
            ActivityEvent.kind,
            ActivityEvent.actor_role,
            ActivityEvent.occurred_at,
        )
        .where(
            ActivityEvent.relationship_id.in_(ids),
            ActivityEvent.occurred_at >= start,
            ActivityEvent.occurred_at <= now,
        )
        .order_by(ActivityEvent.relationship_id, ActivityEvent.occurred_at, ActivityEvent.id)
    )
    events: dict[int, list[sig.Event]] = {i: [] for i in ids}
    for rid, kind, role, at in rows.all():
        events[int(rid or 0)].append(sig.Event(kind, role, at))
    return events


async def _earlier_initiatives(
    session: AsyncSession, ids: list[int], start: datetime
) -> dict[int, datetime]:
    if not ids:
        return {}
    rows = await session.execute(
        select(ActivityEvent.relationship_id, func.max(ActivityEvent.occurred_at))
        .where(
            ActivityEvent.relationship_id.in_(ids),
            ActivityEvent.actor_role == ActorRole.MENTEE,
            ActivityEvent.kind.in_(MENTEE_INITIATIVE),
            ActivityEvent.occurred_at < start,
        )
        .group_by(ActivityEvent.relationship_id)
    )
    return {rid: at for rid, at in rows.all() if rid is not None and at is not None}


async def _recent_meetings(
    session: AsyncSession, ids: list[int], now: datetime
) -> dict[int, list[sig.MeetingFact]]:
    rank = (
        func.row_number()
        .over(
            partition_by=Meeting.relationship_id,
            order_by=(Meeting.starts_at.desc(), Meeting.id.desc()),
        )
        .label("rank")
    )
    held = (
        select(Meeting.id, Meeting.relationship_id, Meeting.starts_at, Meeting.outcome, rank)
        .where(
            Meeting.relationship_id.in_(ids),
            Meeting.status == MeetingStatus.HELD,
            Meeting.starts_at <= now,
        )
        .subquery()
    )
    rows = await session.execute(
        select(held.c.relationship_id, held.c.starts_at, held.c.outcome, Agenda.id)
        .outerjoin(Agenda, Agenda.meeting_id == held.c.id)
        .where(held.c.rank <= RECENT_MEETINGS)
        .order_by(held.c.relationship_id, held.c.rank)
    )
    meetings: dict[int, list[sig.MeetingFact]] = {i: [] for i in ids}
    for rid, starts, outcome, agenda_id in rows.all():
        meetings[rid].append(
            sig.MeetingFact(
                starts_at=starts,
                held=outcome not in (MeetingOutcome.RESCHEDULED, MeetingOutcome.CANCELLED),
                had_agenda=agenda_id is not None,
            )
        )
    return meetings


async def _overdue_counts(session: AsyncSession, ids: list[int]) -> dict[int, int]:
    rows = await session.execute(
        select(ActionItem.relationship_id, func.count(ActionItem.id))
        .where(
            ActionItem.relationship_id.in_(ids),
            ActionItem.status == ActionStatus.OPEN,
            ActionItem.owner_role == ActorRole.MENTEE,
            ActionItem.overdue_at.is_not(None),
        )
        .group_by(ActionItem.relationship_id)
    )
    return {rid: int(n) for rid, n in rows.all()}


async def _recent_checkins(session: AsyncSession, ids: list[int]) -> dict[int, list[sig.CheckIn]]:
    rank = (
        func.row_number()
        .over(
            partition_by=CheckIn.relationship_id,
            order_by=(CheckIn.answered_at.desc(), CheckIn.id.desc()),
        )
        .label("rank")
    )
    answered = (
        select(CheckIn.relationship_id, CheckIn.role, CheckIn.score, CheckIn.answered_at, rank)
        .where(
            CheckIn.relationship_id.in_(ids),
            CheckIn.answered_at.is_not(None),
            CheckIn.score.is_not(None),
        )
        .subquery()
    )
    rows = await session.execute(
        select(
            answered.c.relationship_id, answered.c.role, answered.c.score, answered.c.answered_at
        )
        .where(answered.c.rank <= RECENT_CHECKINS)
        .order_by(answered.c.relationship_id, answered.c.rank)
    )
    checkins: dict[int, list[sig.CheckIn]] = {i: [] for i in ids}
    for rid, role, score, at in rows.all():
        if score is not None and at is not None:
            checkins[rid].append(sig.CheckIn(role, score, at))
    return checkins


@dataclass(frozen=True)
class Preloaded:
    """One relationship's reads from a :class:`Batch`."""

    facts: sig.Facts
    open_alerts: list[Alert]
    health: RelationshipHealth | None


@dataclass
class Batch:
    """Many evaluations' reads, done up front in a few queries (see :func:`prepare`).

    Each relationship's preloaded state is handed out once (:meth:`take`): evaluating it
    changes its open episodes and stored health, so a second evaluation of the same
    relationship in the batch reads them afresh."""

    now: datetime
    relationships: dict[int, Relationship] = field(default_factory=dict)
    facts: dict[int, sig.Facts] = field(default_factory=dict)
    open_alerts: dict[int, list[Alert]] = field(default_factory=dict)
    health: dict[int, RelationshipHealth] = field(default_factory=dict)
    # Tomorrow's evaluations, planned by the batch's evaluations and written together by
    # :func:`finish` (one statement for the batch instead of one per relationship).
    tomorrow: list[dict[str, Any]] = field(default_factory=list)

    def take(self, relationship_id: int) -> Preloaded | None:
        facts = self.facts.pop(relationship_id, None)
        alerts = self.open_alerts.pop(relationship_id, None)
        health = self.health.pop(relationship_id, None)
        if facts is None or alerts is None:
            return None
        return Preloaded(facts, alerts, health)


async def load(*, session: AsyncSession, team_id: str, relationship_id: int) -> Relationship | None:
    """One relationship for evaluation, only if it belongs to ``team_id`` (its program,
    mentor and mentee come joined)."""
    return await session.scalar(
        select(Relationship).where(
            Relationship.id == relationship_id, Relationship.team_id == team_id
        )
    )


async def prepare(
    *, session: AsyncSession, pairs: Sequence[tuple[int, str]], now: datetime
) -> Batch:
    """Read what evaluating each (relationship id, team id) needs, for all of them at once:
    the relationships, their facts, their open alert episodes, and their stored health (into
    the session, where :func:`_store` finds it without a query). A relationship outside its
    team, or gone, is left out (there is nothing to evaluate)."""
    teams: dict[int, set[str]] = defaultdict(set)
    for relationship_id, team_id in pairs:
        teams[relationship_id].add(team_id)
    batch = Batch(now=now)
    # Relationships already in the session (a sweep loads its batch's) aren't read again.
    held: list[Relationship] = []
    for relationship_id in teams:
        found = session.identity_map.get(session.identity_key(Relationship, relationship_id))
        if isinstance(found, Relationship):
            held.append(found)
    missing = set(teams) - {r.id for r in held}
    for ids in id_chunks(missing):
        read = await session.scalars(select(Relationship).where(Relationship.id.in_(ids)))
        held.extend(read.all())
    for relationship in held:
        if relationship.team_id in teams[relationship.id]:
            batch.relationships[relationship.id] = relationship
    live = [r for r in batch.relationships.values() if r.status in LIVE]
    batch.facts = await facts_for(session=session, relationships=live, now=now)
    for ids in id_chunks([r.id for r in live]):
        batch.open_alerts.update({i: [] for i in ids})
        alerts = await session.scalars(_open_alerts_query(ids).order_by(Alert.id))
        for alert in alerts.all():
            batch.open_alerts[alert.relationship_id].append(alert)
        stored = await session.scalars(
            select(RelationshipHealth).where(RelationshipHealth.relationship_id.in_(ids))
        )
        batch.health.update({h.relationship_id: h for h in stored.all()})
    return batch


async def evaluate(
    *, session: AsyncSession, now: datetime, relationship: Relationship, batch: Batch | None = None
) -> sig.Assessment | None:
    """Assess the relationship, store its health, run its alert episodes and plan the next
    daily check. None for a relationship that isn't live. With a :class:`Batch` prepared for
    it, its reads come from the batch instead of the database."""
    if relationship.status not in LIVE:
        return None
    settings = settings_of(relationship.program)
    preloaded = batch.take(relationship.id) if batch is not None else None
    if batch is None or preloaded is None:
        facts = await facts_of(
            session=session, relationship=relationship, now=now, settings=settings
        )
        assessment = sig.assess(facts, now, settings)
        current = await session.get(RelationshipHealth, relationship.id)
        await _store(session, now, relationship, assessment, current)
        await _episodes(session, now, relationship, assessment)
        await _plan_tomorrow(session, now, relationship)
        return assessment
    # Nothing below reads what these ORM changes write (new episodes are flushed at once), so
    # the batch's health and episode updates flush together, in one executemany, at the next
    # query outside this block instead of one statement before each evaluation's insert.
    with session.no_autoflush:
        assessment = sig.assess(preloaded.facts, now, settings)
        await _store(session, now, relationship, assessment, preloaded.health)
        await _episodes(session, now, relationship, assessment, preloaded.open_alerts)
        batch.tomorrow.append(_tomorrow(now, relationship))
    return assessment


async def finish(*, session: AsyncSession, batch: Batch) -> None:
    """Write what a batch's evaluations planned: tomorrow's evaluation of each, together."""
    await schedule_many(session, batch.tomorrow)
    batch.tomorrow.clear()


async def _plan_tomorrow(session: AsyncSession, now: datetime, relationship: Relationship) -> None:
    await schedule_many(session, [_tomorrow(now, relationship)])


def _tomorrow(now: datetime, relationship: Relationship) -> dict[str, Any]:
    tomorrow = now + DAILY
    return work(
        now=now,
        kind=Kind.SIGNALS_EVAL,
        key=f"signals:relationship:{relationship.id}:day:{tomorrow.date().isoformat()}",
        team_id=relationship.team_id,
        program_id=relationship.program_id,
        relationship_id=relationship.id,
        due_at=tomorrow,
        delivery=Delivery.IMMEDIATE,
    )


async def _store(
    session: AsyncSession,
    now: datetime,
    relationship: Relationship,
    assessment: sig.Assessment,
    current: RelationshipHealth | None,
) -> None:
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


def _open_alerts_query(ids: Sequence[int]) -> Select[Alert]:
    return select(Alert).where(
        Alert.relationship_id.in_(ids),
        Alert.signal.in_([k.value for k in sig.ALERTING]),
        Alert.cleared_at.is_(None),
    )


async def _episodes(
    session: AsyncSession,
    now: datetime,
    relationship: Relationship,
    assessment: sig.Assessment,
    preloaded: list[Alert] | None = None,
) -> None:
    # Both alerting signals' open episodes in one query (this runs daily for every pair),
    # unless a batch read them already; the newest per signal wins, as a lone episode does.
    if preloaded is None:
        rows = await session.scalars(_open_alerts_query([relationship.id]).order_by(Alert.id))
        preloaded = list(rows.all())
    open_episodes = {alert.signal: alert for alert in preloaded}
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
