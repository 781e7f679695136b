"""Relationship health: evaluate one relationship (gather its facts, assess them with
:mod:`bot.signals.rules`, store the result, run its alert episodes) or a batch of them.

Its parts: :mod:`bot.signals.facts` reads the facts, :mod:`bot.signals.rules` assesses them
(pure), :mod:`bot.signals.episodes` opens, closes and raises the managers' alerts. This
module stores the health, plans the next day's evaluation, and reads a sweep's batch up
front (:func:`prepare`, then :func:`evaluate` for each, then :func:`finish`).

Evaluation is incremental: every activity event schedules an evaluation of its own
relationship, and each evaluation schedules the next day's, so signals of absence (a silent
mentee, no meeting) are noticed without ever rescanning every relationship.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.signals import episodes
from bot.signals import rules as sig
from bot.signals.facts import facts_for, facts_of, settings_of
from infra.db import id_chunks
from scheduling.api import schedule_many, work
from scheduling.kinds import Kind
from storage.due_work import Delivery
from storage.enums import LIVE_RELATIONSHIP_STATUSES as LIVE
from storage.models import Alert, Relationship, RelationshipHealth
from storage.upsert import insert

DAILY = timedelta(days=1)


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
        alerts = await session.scalars(episodes.open_alerts_query(ids).order_by(Alert.id))
        for alert in alerts.all():
            batch.open_alerts[alert.relationship_id].append(alert)
        stored = await session.scalars(
            select(RelationshipHealth).where(RelationshipHealth.relationship_id.in_(ids))
        )
        batch.health.update({h.relationship_id: h for h in stored.all()})
    return batch


async def evaluate(
    *,
    session: AsyncSession,
    now: datetime,
    relationship: Relationship,
    batch: Batch | None = None,
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
        await episodes.run(
            session=session, now=now, relationship=relationship, assessment=assessment
        )
        await _plan_tomorrow(session, now, relationship)
        return assessment
    # Nothing below reads what these ORM changes write (new episodes are flushed at once), so
    # the batch's health and episode updates flush together, in one executemany, at the next
    # query outside this block instead of one statement before each evaluation's insert.
    with session.no_autoflush:
        assessment = sig.assess(preloaded.facts, now, settings)
        await _store(session, now, relationship, assessment, preloaded.health)
        await episodes.run(
            session=session,
            now=now,
            relationship=relationship,
            assessment=assessment,
            open_alerts=preloaded.open_alerts,
        )
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
