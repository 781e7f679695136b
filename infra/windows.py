"""When may we nudge someone? The next instant inside their working hours, in their own
time zone, after any pause.

Pure functions over aware datetimes and ``zoneinfo``. Daylight-saving changes are handled by
building each day's window from local wall times and converting to UTC, so a window "09:00
local" stays 09:00 local on both sides of a switch. A wall time that doesn't exist (skipped by
a spring-forward) opens at the first instant after the gap; one that happens twice (autumn)
opens at its first occurrence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from infra.hours import WorkingHours

# A window opens on some day of any week, so eight days always finds the next one.
_HORIZON_DAYS = 8


def zone(name: str | None) -> ZoneInfo:
    """The named zone, or UTC when the name is missing or unknown."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_date(moment: datetime, tz: str | None) -> date:
    """The calendar date of ``moment`` for someone in zone ``tz``."""
    return moment.astimezone(zone(tz)).date()


def local_instant(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock ``wall`` on ``day`` in ``tz`` (gap-safe, see module)."""
    naive = datetime.combine(day, wall)
    first = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == naive:
        return first  # exists (for a repeated wall time, fold=0 is the first occurrence)
    # ``naive`` was skipped by a spring-forward. The window opens when the clock lands after
    # the jump: the transition instant, which lies between the two readings of ``naive``.
    low = int(naive.replace(tzinfo=tz, fold=1).timestamp())  # read with the offset after
    high = int(first.timestamp())  # read with the offset before
    before = datetime.fromtimestamp(low, tz).utcoffset()
    # Offsets change on whole seconds: bisect to the first second on the new offset.
    while high - low > 1:
        mid = (low + high) // 2
        if datetime.fromtimestamp(mid, tz).utcoffset() == before:
            low = mid
        else:
            high = mid
    return datetime.fromtimestamp(high, UTC)


def window_on(day: date, hours: WorkingHours, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
    """The UTC [start, end) of the window on local ``day``, or None if it is a day off."""
    if day.weekday() not in hours.days:
        return None
    return local_instant(day, hours.start, tz), local_instant(day, hours.end, tz)


def next_opening(
    now: datetime, *, tz: str | None, hours: WorkingHours, paused_until: datetime | None = None
) -> datetime:
    """The earliest instant >= ``now`` (and >= ``paused_until``) inside the window.

    Returns ``now`` itself when the window is open right now.
    """
    earliest = max(now, paused_until) if paused_until is not None else now
    zone_info = zone(tz)
    local_day = earliest.astimezone(zone_info).date()
    for offset in range(-1, _HORIZON_DAYS):
        window = window_on(local_day + timedelta(days=offset), hours, zone_info)
        if window is None:
            continue
        start, end = window
        if earliest < end:
            return max(earliest, start)
    raise AssertionError("no working window within a week")  # days is never empty


def is_open(now: datetime, *, tz: str | None, hours: WorkingHours) -> bool:
    return next_opening(now, tz=tz, hours=hours) == now


def last_open_before(
    deadline: datetime,
    *,
    tz: str | None,
    hours: WorkingHours,
    margin: timedelta = timedelta(hours=1),
) -> datetime:
    """An instant <= ``deadline`` inside the window: ``deadline`` itself when the window is
    open then, else ``margin`` before the end of the window before it (so a sweep has time to
    deliver before it closes). A prompt due "24 h before Monday 09:00" thus goes out on
    Friday afternoon, not on Monday morning."""
    zone_info = zone(tz)
    local_day = deadline.astimezone(zone_info).date()
    for offset in range(1, -_HORIZON_DAYS - 1, -1):
        window = window_on(local_day + timedelta(days=offset), hours, zone_info)
        if window is None:
            continue
        start, end = window
        if start <= deadline < end:
            return deadline
        if end <= deadline:
            return max(start, end - margin)
    raise AssertionError("no working window within a week")  # days is never empty
