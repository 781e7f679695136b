"""Working hours: the local window in which Mentorbot may nudge someone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class WorkingHours:
    """Local start and end time, and the weekdays (0 = Monday) the window is open."""

    start: time = time(9, 0)
    end: time = time(17, 0)
    days: frozenset[int] = frozenset(range(5))

    def __post_init__(self) -> None:
        if not self.days or not self.days <= frozenset(range(7)):
            raise ValueError("working days must be a non-empty subset of 0..6")
        if self.end <= self.start:
            raise ValueError("working hours must end after they start")

    # Storage form: minutes after midnight and a Monday=bit 0 mask.
    @property
    def start_minute(self) -> int:
        return self.start.hour * 60 + self.start.minute

    @property
    def end_minute(self) -> int:
        return self.end.hour * 60 + self.end.minute

    @property
    def day_mask(self) -> int:
        return sum(1 << d for d in self.days)

    @classmethod
    def from_storage(cls, start_minute: int, end_minute: int, day_mask: int) -> WorkingHours:
        return cls(
            start=time(*divmod(start_minute, 60)),
            end=time(*divmod(end_minute, 60)),
            days=frozenset(d for d in range(7) if day_mask & (1 << d)),
        )

    def describe(self) -> str:
        """'09:00–17:00, Monday to Friday'."""
        return f"{self.start:%H:%M}–{self.end:%H:%M}, {describe_days(self.days)}"


def describe_days(days: frozenset[int]) -> str:
    ordered = sorted(days)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{WEEKDAYS[ordered[0]]} to {WEEKDAYS[ordered[-1]]}"
    names = [WEEKDAYS[d] for d in ordered]
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
