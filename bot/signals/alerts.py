"""What program managers do with an alert: acknowledge it, snooze the relationship for two
weeks, or note that they have spoken with the pair. Only the program's managers may."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import require_manager
from bot.errors import NotFound
from infra.clock import Clock
from storage.models import Alert, User

SNOOZE = timedelta(weeks=2)
STATES = {"acknowledge": "acknowledged", "snooze": "snoozed", "spoken": "spoken"}


async def handle(
    *, session: AsyncSession, clock: Clock, actor: User, alert_id: int, what: str
) -> Alert:
    alert = await session.get(Alert, alert_id)
    if alert is None or alert.team_id != actor.team_id or what not in STATES:
        raise NotFound("That alert no longer exists.")
    await require_manager(session=session, actor=actor, program_id=alert.program_id)
    now = clock.now()
    alert.state = STATES[what]
    alert.handled_by = actor.id
    alert.handled_at = now
    if what == "snooze":
        alert.snoozed_until = now + SNOOZE
    return alert
