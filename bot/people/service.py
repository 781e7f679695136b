"""Personal preferences: your own nudge hours, and pausing nudges while you're away."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import InvalidInput
from infra.clock import Clock
from infra.hours import WorkingHours
from infra.windows import local_instant, zone
from storage.due_work import DueWork, Status, Timing
from storage.models import User

PAUSE_MAX = timedelta(days=183)
_DURATION = re.compile(
    r"^(?P<n>\d{1,3})\s*(?P<unit>d|day|days|w|wk|wks|week|weeks|m|mo|month|months)$"
)
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30}

PAUSE_HELP = (
    "Say how long, like `/mentor pause 2w`, `/mentor pause 10d` or `/mentor pause 1 month`, "
    "or until a date, like `/mentor pause 2026-12-01`."
)


def parse_pause(text: str, *, now: datetime, tz: str) -> datetime:
    """When a pause given as ``2w``/``10 days``/``1 month`` or ``YYYY-MM-DD`` ends: the start of
    the person's local day on which they are back."""
    raw = " ".join(text.lower().split())
    local_today = now.astimezone(zone(tz)).date()
    match = _DURATION.match(raw)
    if match:
        days = int(match["n"]) * _UNIT_DAYS[match["unit"][0]]
        back = local_today + timedelta(days=days)
    else:
        try:
            back = date.fromisoformat(raw)
        except ValueError:
            raise InvalidInput(PAUSE_HELP) from None
    until = local_instant(back, time(0, 0), zone(tz))
    if until <= now:
        raise InvalidInput("That date has already passed. " + PAUSE_HELP)
    if until - now > PAUSE_MAX:
        raise InvalidInput("You can pause for up to six months at a time.")
    return until


async def pause(*, session: AsyncSession, clock: Clock, user: User, until: datetime) -> User:
    """Hold the person's non-urgent nudges until ``until``. The sweep re-checks every nudge
    against the pause when it falls due, so nothing else needs to move."""
    user.paused_until = until
    session.add(user)
    await session.flush()
    return user


async def resume(*, session: AsyncSession, clock: Clock, user: User) -> int:
    """End a pause now. Nudges that were held back become due again; returns how many."""
    now = clock.now()
    user.paused_until = None
    session.add(user)
    result = await session.execute(
        update(DueWork)
        .where(
            DueWork.team_id == user.team_id,
            DueWork.recipient_id == user.slack_user_id,
            DueWork.status == Status.PENDING,
            DueWork.timing == Timing.WORKING_HOURS,
            DueWork.not_before > now,
            DueWork.due_at <= now,
        )
        .values(not_before=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.flush()
    return int(result.rowcount)  # type: ignore[attr-defined]


async def set_working_hours(
    *, session: AsyncSession, user: User, hours: WorkingHours | None
) -> User:
    """Use ``hours`` for this person's nudges, or the program's hours again when None."""
    user.nudge_start_minute = hours.start_minute if hours else None
    user.nudge_end_minute = hours.end_minute if hours else None
    user.nudge_days = hours.day_mask if hours else None
    session.add(user)
    await session.flush()
    return user
