"""The weeks a program is counted in: Monday 00:00 to the next Monday 00:00 in the program's
time zone (the digest's week, and each point of the insights' history), and the meetings a
cadence implies for them. Calendar arithmetic only: no database, no Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from infra.windows import local_date, local_instant, zone
from storage.enums import Cadence

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Period:
    """The stretch a digest counts, in the program's time zone: a whole week from Monday
    00:00 to the next Monday 00:00 (the planned digest's), or from this Monday 00:00 to now
    (``/mentor digest``'s week so far). It is compared with the same stretch a week earlier.
    Instants are UTC; the days are local."""

    first_day: date  # the Monday it starts on
    last_day: date  # the last day it covers (a Sunday for a whole week)
    start: datetime
    end: datetime  # exclusive
    before_start: datetime  # the same stretch, a week earlier
    before_end: datetime
    days: float  # how long it is, in days (7 for a whole week, whatever the clocks do)
    so_far: bool


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_ending_by(moment: datetime, tz: str) -> date:
    """The Monday of the last whole week (Monday to Monday, in ``tz``) that has ended by
    ``moment``: what a digest planned for ``moment`` covers."""
    return monday_of(local_date(moment, tz)) - WEEK


def whole_week(first_day: date, tz: str) -> Period:
    """The week from Monday ``first_day`` 00:00 to the next Monday 00:00 in ``tz`` (167 or
    169 hours across a daylight-saving change)."""
    zone_ = zone(tz)
    monday = monday_of(first_day)

    def midnight(day: date) -> datetime:
        return local_instant(day, time(0), zone_)

    return Period(
        first_day=monday,
        last_day=monday + timedelta(days=6),
        start=midnight(monday),
        end=midnight(monday + WEEK),
        before_start=midnight(monday - WEEK),
        before_end=midnight(monday),
        days=7.0,
        so_far=False,
    )


def week_so_far(now: datetime, tz: str) -> Period:
    """This week, from Monday 00:00 in ``tz`` up to ``now``; compared with last week up to
    the same weekday and time."""
    zone_ = zone(tz)
    local = now.astimezone(zone_)
    monday = monday_of(local.date())
    start = local_instant(monday, time(0), zone_)
    a_week_ago = local_instant(local.date() - WEEK, local.time().replace(tzinfo=None), zone_)
    return Period(
        first_day=monday,
        last_day=local.date(),
        start=start,
        end=now,
        before_start=local_instant(monday - WEEK, time(0), zone_),
        before_end=a_week_ago,
        days=(local.replace(tzinfo=None) - datetime.combine(monday, time(0))).total_seconds()
        / 86400,
        so_far=True,
    )


def expected_meetings(pair_days: float, cadence: Cadence) -> float:
    """The meetings a cadence implies for ``pair_days`` days of live pairs (one pair live a
    whole week is 7 pair-days: half a meeting at a fortnightly cadence), to one decimal."""
    return round(pair_days / cadence.days, 1)
