"""What program managers do with an alert: acknowledge it, snooze the relationship for two
weeks, or note that they have spoken with the pair. Only the program's managers may. And
what they see of the pairs at risk: each pair's evidence in plain words and its alerts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.access import require_manager
from bot.audit import service as audit
from bot.audit.service import AuditAction, Subject
from bot.errors import NotFound
from bot.signals import rules as sig
from infra.clock import Clock
from scheduling.api import schedule
from scheduling.kinds import Kind
from storage.due_work import Timing
from storage.enums import LIVE_RELATIONSHIP_STATUSES
from storage.models import Alert, Relationship, RelationshipHealth, User

SNOOZE = timedelta(weeks=2)
STATES = {"acknowledge": "acknowledged", "snooze": "snoozed", "spoken": "spoken"}
# The healths a manager is asked to look at, the most urgent first.
WATCHED = ("at_risk", "needs_attention")
# Each signal in plain words, as a manager reads it beside its evidence.
TITLES: dict[str, str] = {
    sig.Kind.MENTOR_CHASING: "The mentor is doing the chasing",
    sig.Kind.MENTEE_SILENT: "The mentee has gone quiet",
    sig.Kind.NO_MEETING: "No recent meeting",
    sig.Kind.NO_AGENDA: "Meetings without the mentee's agenda",
    sig.Kind.MENTOR_WROTE_NOTES: "The mentor writes the notes",
    sig.Kind.ACTIONS_OVERDUE: "Actions overdue",
    sig.Kind.LOW_CHECKIN: "A low check-in",
    sig.Kind.STALLED_INITIATION: "Slow to get started",
}
AUDITED = {
    "acknowledge": AuditAction.ALERT_ACKNOWLEDGED,
    "snooze": AuditAction.ALERT_SNOOZED,
    "spoken": AuditAction.ALERT_SPOKEN,
}


async def handle(
    *, session: AsyncSession, clock: Clock, actor: User, alert_id: int, what: str
) -> Alert:
    alert = await session.get(Alert, alert_id)
    if alert is None or alert.team_id != actor.team_id or what not in STATES:
        raise NotFound("That alert no longer exists.")
    await require_manager(session=session, actor=actor, program_id=alert.program_id)
    now = clock.now()
    alert.state = STATES[what]
    alert.handled_by = actor.id
    alert.handled_at = now
    if what == "snooze":
        alert.snoozed_until = now + SNOOZE
    await audit.record(
        session=session,
        now=now,
        actor=actor,
        action=AUDITED[what],
        subject=Subject.relationship(alert.relationship_id),
        program_id=alert.program_id,
        details={"alert": alert.id, "signal": alert.signal},
    )
    return alert


async def handle_elsewhere(
    *, session: AsyncSession, clock: Clock, actor: User, alert_id: int, what: str
) -> Alert:
    """:func:`handle`, from somewhere other than the alert's own message (the web
    dashboard): the message in the managers' channel is then edited to say so, as its
    button would have, through the outbox (a Slack failure delays the edit, never loses it)."""
    alert = await handle(session=session, clock=clock, actor=actor, alert_id=alert_id, what=what)
    now = clock.now()
    await schedule(
        session=session,
        now=now,
        kind=Kind.ALERT_UPDATE,
        key=f"alert-update:{alert.id}:{now.isoformat()}",
        team_id=alert.team_id,
        program_id=alert.program_id,
        relationship_id=alert.relationship_id,
        due_at=now,
        timing=Timing.IMMEDIATE,
        payload={"alert_id": alert.id},
    )
    return alert


@dataclass(frozen=True)
class Evidence:
    """One signal of a pair, in plain words (counts and dates, never the pair's text)."""

    title: str
    evidence: str
    since: str


@dataclass(frozen=True)
class PairAtRisk:
    relationship_id: int
    mentee: str
    mentor: str
    health: str
    evidence: list[Evidence]
    alerts: list[Alert] = field(default_factory=list)
    handlers: dict[int, str] = field(default_factory=dict)  # user id -> name


async def pairs_at_risk(*, session: AsyncSession, program_id: int) -> list[PairAtRisk]:
    """The program's live pairs at risk or needing attention, and any live pair with an
    alert raised and not yet cleared, the most urgent first. The caller checks the actor
    may see the program. A fixed number of queries whatever the program's size."""
    mentee, mentor = aliased(User), aliased(User)
    raised = select(Alert.relationship_id).where(
        Alert.program_id == program_id, Alert.raised_at.is_not(None), Alert.cleared_at.is_(None)
    )
    rows = (
        await session.execute(
            select(Relationship.id, mentee, mentor, RelationshipHealth)
            .join(mentee, mentee.id == Relationship.mentee_user_id)
            .join(mentor, mentor.id == Relationship.mentor_user_id)
            .outerjoin(RelationshipHealth, RelationshipHealth.relationship_id == Relationship.id)
            .where(
                Relationship.program_id == program_id,
                Relationship.status.in_(LIVE_RELATIONSHIP_STATUSES),
                or_(RelationshipHealth.health.in_(WATCHED), Relationship.id.in_(raised)),
            )
        )
    ).all()
    alerts: dict[int, list[Alert]] = defaultdict(list)
    for alert in (
        await session.scalars(
            select(Alert)
            .where(
                Alert.program_id == program_id,
                Alert.raised_at.is_not(None),
                Alert.cleared_at.is_(None),
            )
            .order_by(Alert.since)
        )
    ).all():
        alerts[alert.relationship_id].append(alert)
    handler_ids = {a.handled_by for found in alerts.values() for a in found if a.handled_by}
    names = {
        u.id: u.display
        for u in (await session.scalars(select(User).where(User.id.in_(handler_ids)))).all()
    }
    pairs = [
        PairAtRisk(
            relationship_id=rid,
            mentee=me.display,
            mentor=mo.display,
            health=health.health if health is not None else "too_early",
            evidence=[_evidence(s) for s in (health.signals if health is not None else [])],
            alerts=alerts.get(rid, []),
            handlers=names,
        )
        for rid, me, mo, health in rows
    ]
    order = {h: i for i, h in enumerate(WATCHED)}
    return sorted(pairs, key=lambda p: (order.get(p.health, len(order)), p.mentee.lower()))


def _evidence(signal: dict[str, object]) -> Evidence:
    kind = str(signal.get("kind") or "")
    title = TITLES.get(kind) or kind.replace("_", " ").capitalize()
    since = str(signal.get("since") or "")
    try:
        since = datetime.fromisoformat(since).date().isoformat()
    except ValueError:
        since = ""
    return Evidence(title=title, evidence=str(signal.get("evidence") or ""), since=since)
