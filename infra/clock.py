"""Injected time.

Services and jobs never call ``datetime.now()``; they take a :class:`Clock`. Production
uses :class:`SystemClock`; tests and the demo use :class:`ManualClock` and move time
forward explicitly.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        self._now = as_utc(start)

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        self._now = as_utc(instant)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self._now += delta if delta is not None else timedelta(**kwargs)
        return self._now


def as_utc(instant: datetime) -> datetime:
    """Return ``instant`` in UTC; naive values are refused rather than guessed."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: pass a timezone-aware instant")
    return instant.astimezone(UTC)
