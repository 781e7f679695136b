from datetime import time

import pytest

from infra.hours import WorkingHours, describe_days


def test_round_trip_through_storage() -> None:
    hours = WorkingHours(time(8, 30), time(16, 45), frozenset({0, 2, 4}))
    again = WorkingHours.from_storage(hours.start_minute, hours.end_minute, hours.day_mask)
    assert again == hours
    assert hours.describe() == "08:30–16:45, Monday, Wednesday and Friday"


def test_default_is_office_hours() -> None:
    assert WorkingHours().describe() == "09:00–17:00, Monday to Friday"


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (time(9), time(9), {0}),
        (time(17), time(9), {0}),
        (time(9), time(17), set()),
        (time(9), time(17), {7}),
    ],
)
def test_invalid_windows(start: time, end: time, days: set[int]) -> None:
    with pytest.raises(ValueError):
        WorkingHours(start, end, frozenset(days))


def test_describe_days() -> None:
    assert describe_days(frozenset({5, 6})) == "Saturday and Sunday"
    assert describe_days(frozenset({0, 1, 2, 3, 4, 5, 6})) == "Monday to Sunday"
