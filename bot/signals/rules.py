"""Engagement signals: pure functions over one relationship's facts, a clock reading and the
program's settings. No database, no Slack.

The research behind Mentorbot names the danger signs of a fading relationship: the mentee
disappears, arrives without an agenda, lets the mentor write the notes, and lets the mentor
do the chasing. Each signal here carries its severity and its evidence in plain words, so a
program manager can act on it (and check it) without seeing any private text.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.activity import MENTEE_INITIATIVE, MENTOR_INITIATIVE, ActivityKind
from storage.enums import ActorRole


class Severity(enum.IntEnum):
    WATCH = 1  # needs attention
    RISK = 2  # at risk


class Health(enum.StrEnum):
    TOO_EARLY = "too_early"
    ON_TRACK = "on_track"
    NEEDS_ATTENTION = "needs_attention"
    AT_RISK = "at_risk"

    @property
    def label(self) -> str:
        return {
            "too_early": "Too early to tell",
            "on_track": "On track",
            "needs_attention": "Needs attention",
            "at_risk": "At risk",
        }[self.value]


class Kind(enum.StrEnum):
    MENTOR_CHASING = "mentor_chasing"
    MENTEE_SILENT = "mentee_silent"
    NO_MEETING = "no_meeting"
    NO_AGENDA = "no_agenda"
    MENTOR_WROTE_NOTES = "mentor_wrote_notes"
    ACTIONS_OVERDUE = "actions_overdue"
    LOW_CHECKIN = "low_checkin"
    STALLED_INITIATION = "stalled_initiation"


# The signals that alert the managers' channel at once when they reach RISK.
ALERTING = frozenset({Kind.MENTOR_CHASING, Kind.MENTEE_SILENT})


@dataclass(frozen=True)
class Event:
    kind: str
    role: ActorRole
    at: datetime


@dataclass(frozen=True)
class MeetingFact:
    starts_at: datetime
    held: bool  # it happened (not cancelled, not answered "rescheduled"/"cancelled")
    had_agenda: bool


@dataclass(frozen=True)
class CheckIn:
    role: ActorRole
    score: int
    at: datetime


@dataclass(frozen=True)
class Facts:
    """What the signals read about one relationship."""

    accepted_at: datetime
    agreement_signed_at: datetime | None
    first_meeting_at: datetime | None
    events: Sequence[Event] = ()
    meetings: Sequence[MeetingFact] = ()
    mentee_actions_overdue: int = 0
    checkins: Sequence[CheckIn] = ()
    # The mentee's last initiative before ``events`` begin (they hold only the window)
    earlier_mentee_initiative: datetime | None = None


@dataclass(frozen=True)
class Settings:
    cadence_days: int = 14
    window_days: int = 60
    early_days: int = 14
    stalled_days: int = 21


@dataclass(frozen=True)
class Signal:
    kind: Kind
    severity: Severity
    evidence: str
    since: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "severity": int(self.severity),
            "evidence": self.evidence,
            "since": self.since.isoformat(),
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Signal:
        return cls(
            Kind(raw["kind"]),
            Severity(int(raw["severity"])),
            str(raw["evidence"]),
            datetime.fromisoformat(raw["since"]),
        )


@dataclass(frozen=True)
class Assessment:
    health: Health
    signals: tuple[Signal, ...] = field(default_factory=tuple)

    def worst(self, kind: Kind) -> Signal | None:
        return next((s for s in self.signals if s.kind is kind), None)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def is_mentee_initiative(event: Event) -> bool:
    return event.role is ActorRole.MENTEE and event.kind in MENTEE_INITIATIVE


def is_mentor_initiative(event: Event) -> bool:
    return event.role is ActorRole.MENTOR and event.kind in MENTOR_INITIATIVE


def mentor_chasing(facts: Facts, now: datetime, settings: Settings) -> Signal | None:
    """In the window, the mentor took the initiative at least twice and more often than the
    mentee; or the mentor's last two follow-ups in a row went unanswered."""
    start = now - timedelta(days=settings.window_days)
    recent = [e for e in facts.events if start <= e.at <= now]
    mentor = [e for e in recent if is_mentor_initiative(e)]
    mentee = [e for e in recent if is_mentee_initiative(e)]
    unanswered = _unanswered_follow_ups(facts.events, now)
    ratio = len(mentor) >= 2 and len(mentor) > len(mentee)
    if not ratio and len(unanswered) < 2:
        return None
    follow_ups = sum(1 for e in mentor if e.kind == ActivityKind.MENTOR_FOLLOW_UP)
    booked = sum(1 for e in mentee if e.kind == ActivityKind.MEETING_BOOKED)
    parts = [
        f"mentor followed up {_plural(follow_ups, 'time')} in {settings.window_days} days"
        if follow_ups
        else f"mentor took the initiative {_plural(len(mentor), 'time')} in "
        f"{settings.window_days} days",
        f"mentee booked {_plural(booked, 'meeting')}",
    ]
    others = len(mentor) - follow_ups
    if follow_ups and others:
        parts.append(f"mentor also booked, set the agenda or wrote the notes {others}×")
    if len(unanswered) >= 2:
        parts.append(f"the last {len(unanswered)} follow-ups went unanswered")
    parts.append(f"mentee took the initiative {_plural(len(mentee), 'time')}")
    severe = len(unanswered) >= 2 or not mentee
    # Since when: the mentor last pulled ahead, or the first unanswered follow-up.
    since = (_overtaken_at(recent) or mentor[0].at) if ratio else unanswered[0].at
    return Signal(
        Kind.MENTOR_CHASING,
        Severity.RISK if severe else Severity.WATCH,
        "; ".join(parts),
        since,
    )


def _unanswered_follow_ups(events: Sequence[Event], now: datetime) -> list[Event]:
    """The mentor's follow-ups since the mentee last took the initiative."""
    out: list[Event] = []
    for event in sorted(events, key=lambda e: e.at):
        if event.at > now:
            break
        if is_mentee_initiative(event):
            out = []
        elif event.kind == ActivityKind.MENTOR_FOLLOW_UP and event.role is ActorRole.MENTOR:
            out.append(event)
    return out


def _overtaken_at(recent: Sequence[Event]) -> datetime | None:
    """When the mentor last pulled ahead (at least two, and more than the mentee)."""
    mentor = mentee = 0
    since: datetime | None = None
    for event in sorted(recent, key=lambda e: e.at):
        if is_mentor_initiative(event):
            mentor += 1
        elif is_mentee_initiative(event):
            mentee += 1
        else:
            continue
        ahead = mentor >= 2 and mentor > mentee
        if not ahead:
            since = None
        elif since is None:
            since = event.at
    return since


def mentee_silent(facts: Facts, now: datetime, settings: Settings) -> Signal | None:
    last = max(
        (e.at for e in facts.events if is_mentee_initiative(e) and e.at <= now),
        default=facts.earlier_mentee_initiative or facts.accepted_at,
    )
    quiet = now - last
    limit = timedelta(days=2 * settings.cadence_days)
    if quiet < limit:
        return None
    days = quiet.days
    what = (
        "since the mentee last took the initiative"
        if last != facts.accepted_at
        else ("since the match was accepted, and the mentee hasn't taken the initiative yet")
    )
    severe = quiet >= timedelta(days=3 * settings.cadence_days)
    return Signal(
        Kind.MENTEE_SILENT,
        Severity.RISK if severe else Severity.WATCH,
        f"{days} days {what} (the cadence is every {settings.cadence_days} days)",
        last + limit,
    )


def no_meeting(facts: Facts, now: datetime, settings: Settings) -> Signal | None:
    held = [m.starts_at for m in facts.meetings if m.held and m.starts_at <= now]
    last = max(held, default=facts.accepted_at)
    gap = now - last
    limit = timedelta(days=2 * settings.cadence_days)
    if gap < limit:
        return None
    what = "since the last meeting" if held else "since the match, and no meeting yet"
    severe = gap >= timedelta(days=3 * settings.cadence_days)
    return Signal(
        Kind.NO_MEETING,
        Severity.RISK if severe else Severity.WATCH,
        f"{gap.days} days {what}",
        last + limit,
    )


def no_agenda(facts: Facts, now: datetime, settings: Settings) -> Signal | None:
    """The share of the last (up to four) meetings held without a mentee agenda."""
    held = sorted(
        (m for m in facts.meetings if m.held and m.starts_at <= now), key=lambda m: m.starts_at
    )
    recent = held[-4:]
    missing = [m for m in recent if not m.had_agenda]
    if len(recent) < 2 or len(missing) * 2 < len(recent):
        return None
    severe = len(missing) == len(recent) and len(recent) >= 3
    return Signal(
        Kind.NO_AGENDA,
        Severity.RISK if severe else Severity.WATCH,
        f"{len(missing)} of the last {len(recent)} meetings had no agenda",
        missing[0].starts_at,
    )


def mentor_wrote_notes(facts: Facts, now: datetime, settings: Settings) -> Signal | None:
    start = now - timedelta(days=settings.window_days)
    wrote = [
        e
        for e in facts.events
        if e.kind == ActivityKind.MENTOR_WROTE_NOTES and start <= e.at <= now
    ]
    if not wrote:
        return None
    mentee = sum(
        1
        for e in facts.events
        if e.kind == ActivityKind.NOTES_CAPTURED
        and e.role is ActorRole.MENTEE
        and start <= e.at <= now
    )
    return Signal(
        Kind.MENTOR_WROTE_NOTES,
        Severity.RISK if len(wrote) >= 2 and not mentee else Severity.WATCH,
        f"the mentor wrote the notes {_plural(len(wrote), 'time')} in "
        f"{settings.window_days} days; the mentee {_plural(mentee, 'time')}",
        wrote[0].at,
    )


def actions_overdue(facts: Facts, now: datetime, settings: Settings) -> Signal | None:
    n = facts.mentee_actions_overdue
    if not n:
        return None
    return Signal(
        Kind.ACTIONS_OVERDUE,
        Severity.RISK if n >= 3 else Severity.WATCH,
        f"{_plural(n, 'action')} owned by the mentee overdue",
        now,
    )


def low_checkin(facts: Facts, now: datetime, settings: Settings) -> Signal | None:
    """A latest check-in score of 2 or below, or the two people 2 or more points apart."""
    latest: dict[ActorRole, CheckIn] = {}
    for c in sorted(facts.checkins, key=lambda c: c.at):
        if c.at <= now:
            latest[c.role] = c
    if not latest:
        return None
    low = [c for c in latest.values() if c.score <= 2]
    scores = [c.score for c in latest.values()]
    apart = len(scores) == 2 and abs(scores[0] - scores[1]) >= 2
    if not low and not apart:
        return None
    parts = [f"the {c.role.value} rated it {c.score}/5" for c in low]
    if apart and not low:
        mentee, mentor = latest[ActorRole.MENTEE], latest[ActorRole.MENTOR]
        parts.append(f"mentee {mentee.score}/5 and mentor {mentor.score}/5 are far apart")
    return Signal(
        Kind.LOW_CHECKIN,
        Severity.RISK if low else Severity.WATCH,
        "; ".join(parts),
        max(c.at for c in latest.values()),
    )


def stalled_initiation(facts: Facts, now: datetime, settings: Settings) -> Signal | None:
    due = facts.accepted_at + timedelta(days=settings.stalled_days)
    if now < due:
        return None
    missing = []
    if facts.agreement_signed_at is None:
        missing.append("no signed agreement")
    if facts.first_meeting_at is None:
        missing.append("no first meeting")
    if not missing:
        return None
    return Signal(
        Kind.STALLED_INITIATION,
        Severity.WATCH,
        f"{' and '.join(missing)} {(now - facts.accepted_at).days} days after the match",
        due,
    )


RULES = (
    mentor_chasing,
    mentee_silent,
    no_meeting,
    no_agenda,
    mentor_wrote_notes,
    actions_overdue,
    low_checkin,
    stalled_initiation,
)


def assess(facts: Facts, now: datetime, settings: Settings) -> Assessment:
    """Every signal that holds, worst first, and the relationship's health."""
    found = [s for rule in RULES if (s := rule(facts, now, settings)) is not None]
    found.sort(key=lambda s: (-s.severity, list(Kind).index(s.kind)))
    if any(s.severity is Severity.RISK for s in found):
        health = Health.AT_RISK
    elif now - facts.accepted_at < timedelta(days=settings.early_days):
        health = Health.TOO_EARLY
    elif found:
        health = Health.NEEDS_ATTENTION
    else:
        health = Health.ON_TRACK
    return Assessment(health, tuple(found))


def summary(signals: Sequence[Signal]) -> str:
    """All evidence in one line, for an alert or the digest."""
    return "; ".join(s.evidence for s in signals)
