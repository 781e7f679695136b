"""TODO docstring."""

from __future__ import annotations

from infra.hours import WorkingHours
from storage.models import Program, User


def own_hours(user: User) -> WorkingHours | None:
    """The person's own window from `/mentor settings`, if they set one."""
    start, end, days = user.nudge_start_minute, user.nudge_end_minute, user.nudge_days
    if start is None or end is None or not days:
        return None
    return WorkingHours.from_storage(start, end, days)


def effective_hours(user: User | None, program: Program | None) -> WorkingHours:
    """A person's own hours, else their program's, else office hours."""
    own = own_hours(user) if user is not None else None
    if own is not None:
        return own
    if program is not None:
        return WorkingHours.from_storage(
            program.nudge_start_minute, program.nudge_end_minute, program.nudge_days
        )
    return WorkingHours()
