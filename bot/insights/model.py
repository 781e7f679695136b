"""What a program manager sees of a program: counts and signals, never agenda, notes, goal
text or check-in comments. The shapes the insights services return and every surface (the
digest's chart, `/mentor digest`, the web dashboard, its CSV) renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# The four healths a relationship can have, in the order managers read them.
HEALTHS = ("too_early", "on_track", "needs_attention", "at_risk")


@dataclass(frozen=True)
class HealthCounts:
    """How many live relationships have each health."""

    too_early: int = 0
    on_track: int = 0
    needs_attention: int = 0
    at_risk: int = 0

    @property
    def total(self) -> int:
        return self.too_early + self.on_track + self.needs_attention + self.at_risk


@dataclass(frozen=True)
class WeekPoint:
    """One week of a program (Monday to Monday in the program's time zone)."""

    monday: date
    meetings_held: int
    meetings_expected: float
    # Of the meetings held that week: the share with an agenda the mentee wrote, and the
    # share whose actions the mentee captured (None: no meeting held).
    agenda_share: float | None
    capture_share: float | None
    # Health at the end of the week, as recorded then (None: no record for that week).
    health: HealthCounts | None


@dataclass(frozen=True)
class Funnel:
    """How far people got: each stage counts people or relationships that reached it."""

    enrolled: int
    matched: int
    accepted: int
    agreement_signed: int
    first_meeting: int
    cultivation: int
    closed_well: int
    ended_early: int


@dataclass(frozen=True)
class Waiting:
    """A mentee on the waiting list, and why they wait (plain words)."""

    name: str
    since: date
    reason: str


@dataclass(frozen=True)
class ProgramOverview:
    """One line of the programs overview."""

    program_id: int
    name: str
    active_pairs: int
    health: HealthCounts
    health_last_week: HealthCounts | None


@dataclass(frozen=True)
class ProgramInsights:
    """Everything the program page and the charts show, over the last ``len(weeks)`` weeks."""

    program_id: int
    name: str
    timezone: str
    weeks: list[WeekPoint]
    funnel: Funnel
    health: HealthCounts
    goals_achieved: int
    average_checkin: float | None
    waiting: list[Waiting] = field(default_factory=list)

    @property
    def enough_history(self) -> bool:
        """A chart needs at least two weeks with something in them."""
        return sum(1 for w in self.weeks if w.meetings_expected or w.meetings_held) >= 2
