"""Working-hours windows: time zones, weekends, daylight saving in both directions, half-hour
zones and pauses."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from infra.hours import WorkingHours
from infra.windows import is_open, last_open_before, local_instant, next_opening

OFFICE = WorkingHours()  # 09:00–17:00, Monday to Friday


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_inside_the_window_is_now() -> None:
    now = utc(2026, 3, 4, 10, 0)  # Wednesday 10:00 London (GMT)
    assert next_opening(now, tz="Europe/London", hours=OFFICE) == now
    assert is_open(now, tz="Europe/London", hours=OFFICE)


def test_tokyo_night_waits_for_nine_next_working_day() -> None:
    # Friday 23:00 in Tokyo (14:00 UTC) -> Monday 09:00 Tokyo = Monday 00:00 UTC.
    now = utc(2026, 3, 6, 14, 0)
    assert next_opening(now, tz="Asia/Tokyo", hours=OFFICE) == utc(2026, 3, 9, 0, 0)


def test_before_opening_the_same_day() -> None:
    now = utc(2026, 3, 4, 6, 0)  # 06:00 London
    assert next_opening(now, tz="Europe/London", hours=OFFICE) == utc(2026, 3, 4, 9, 0)


def test_at_closing_time_moves_to_the_next_day() -> None:
    now = utc(2026, 3, 4, 17, 0)
    assert next_opening(now, tz="Europe/London", hours=OFFICE) == utc(2026, 3, 5, 9, 0)


def test_spring_forward_weekend() -> None:
    # London switches GMT -> BST on Sunday 2026-03-29. Due Saturday, delivered Monday 09:00
    # BST, which is 08:00 UTC (not 09:00 UTC as it was the week before).
    now = utc(2026, 3, 28, 12, 0)
    assert next_opening(now, tz="Europe/London", hours=OFFICE) == utc(2026, 3, 30, 8, 0)


def test_fall_back_weekend() -> None:
    # London switches BST -> GMT on Sunday 2026-10-25. Monday 09:00 GMT is 09:00 UTC.
    now = utc(2026, 10, 24, 12, 0)
    assert next_opening(now, tz="Europe/London", hours=OFFICE) == utc(2026, 10, 26, 9, 0)


def test_new_york_switch_is_on_its_own_date() -> None:
    # New York springs forward on 2026-03-08; London is still on GMT then.
    now = utc(2026, 3, 7, 12, 0)  # Saturday
    assert next_opening(now, tz="America/New_York", hours=OFFICE) == utc(2026, 3, 9, 13, 0)


def test_window_containing_the_spring_gap_opens_after_the_jump() -> None:
    # 01:30 doesn't exist in London on 2026-03-29 (01:00 GMT jumps to 02:00 BST).
    night = WorkingHours(time(1, 30), time(3, 30), frozenset(range(7)))
    now = utc(2026, 3, 28, 23, 0)
    assert next_opening(now, tz="Europe/London", hours=night) == utc(2026, 3, 29, 1, 0)
    assert local_instant(
        datetime(2026, 3, 29).date(), time(1, 30), ZoneInfo("Europe/London")
    ) == utc(2026, 3, 29, 1, 0)


def test_window_containing_the_autumn_repeat_opens_at_the_first_occurrence() -> None:
    # 01:30 happens twice in London on 2026-10-25: first at 00:30 UTC (BST), then 01:30 UTC.
    night = WorkingHours(time(1, 30), time(3, 30), frozenset(range(7)))
    now = utc(2026, 10, 24, 23, 0)
    assert next_opening(now, tz="Europe/London", hours=night) == utc(2026, 10, 25, 0, 30)


def test_half_hour_zone() -> None:
    # India is UTC+05:30: 09:00 IST is 03:30 UTC.
    now = utc(2026, 3, 4, 1, 0)
    assert next_opening(now, tz="Asia/Kolkata", hours=OFFICE) == utc(2026, 3, 4, 3, 30)
    # Adelaide is +10:30 in March (daylight time) and +09:30 after 2026-04-05.
    assert next_opening(utc(2026, 3, 3, 20, 0), tz="Australia/Adelaide", hours=OFFICE) == utc(
        2026, 3, 3, 22, 30
    )
    assert next_opening(utc(2026, 4, 6, 20, 0), tz="Australia/Adelaide", hours=OFFICE) == utc(
        2026, 4, 6, 23, 30
    )


def test_weekend_worker() -> None:
    weekend = WorkingHours(time(10), time(14), frozenset({5, 6}))
    now = utc(2026, 3, 4, 12, 0)  # Wednesday
    assert next_opening(now, tz="UTC", hours=weekend) == utc(2026, 3, 7, 10, 0)


def test_pause_holds_until_return_then_waits_for_the_window() -> None:
    now = utc(2026, 3, 4, 10, 0)
    back = utc(2026, 3, 18, 0, 0)  # back on a Wednesday at midnight UTC
    assert next_opening(now, tz="Europe/London", hours=OFFICE, paused_until=back) == utc(
        2026, 3, 18, 9, 0
    )
    # A pause that already ended changes nothing.
    assert next_opening(now, tz="Europe/London", hours=OFFICE, paused_until=utc(2026, 3, 1)) == now


def test_unknown_zone_falls_back_to_utc() -> None:
    now = utc(2026, 3, 4, 6, 0)
    assert next_opening(now, tz="Mars/Base", hours=OFFICE) == utc(2026, 3, 4, 9, 0)


ZONES = [
    "Europe/London",
    "America/New_York",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Adelaide",
    "Pacific/Chatham",
    "America/St_Johns",
    "UTC",
]


@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)),
    st.sampled_from(ZONES),
    st.integers(0, 22),
    st.integers(1, 6),
    st.sets(st.integers(0, 6), min_size=1),
)
def test_next_opening_is_inside_the_local_window(
    naive: datetime, tz: str, start_hour: int, length: int, days: set[int]
) -> None:
    end_hour = min(start_hour + length, 23)
    hours = WorkingHours(time(start_hour), time(end_hour, 59), frozenset(days))
    now = naive.replace(tzinfo=UTC)
    opening = next_opening(now, tz=tz, hours=hours)
    assert now <= opening < now + timedelta(days=8)
    local = opening.astimezone(ZoneInfo(tz))
    assert local.weekday() in days
    assert hours.start <= local.time().replace(tzinfo=None) or opening == now
    assert local.time() < hours.end
    assert is_open(opening, tz=tz, hours=hours)


def test_a_prompt_due_on_sunday_goes_out_on_friday_afternoon() -> None:
    hours = WorkingHours()
    sunday_9 = datetime(2026, 3, 8, 9, 0, tzinfo=UTC)  # 24 h before a Monday 09:00 meeting
    assert last_open_before(sunday_9, tz="Europe/Lisbon", hours=hours) == datetime(
        2026, 3, 6, 16, 0, tzinfo=UTC
    )
    # Tokyo: Friday 17:00 local is 08:00 UTC; an hour earlier is 07:00 UTC.
    assert last_open_before(sunday_9, tz="Asia/Tokyo", hours=hours) == datetime(
        2026, 3, 6, 7, 0, tzinfo=UTC
    )
    inside = datetime(2026, 3, 4, 11, 0, tzinfo=UTC)
    assert last_open_before(inside, tz="Europe/Lisbon", hours=hours) == inside
    short = WorkingHours(time(9), time(9, 30))
    assert last_open_before(sunday_9, tz="UTC", hours=short) == datetime(
        2026, 3, 6, 9, 0, tzinfo=UTC
    )
