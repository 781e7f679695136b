"""Time-driven prompts re-check, when they go out, the state they were planned for: the state
may have changed while they waited for their time, the recipient's working hours or a pause.
Through the front door: real requests change the state, sweeps run at chosen instants, and the
fake Slack shows what was (not) sent."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.clock import ManualClock
from bot.deps import Deps
from fakeslack import FakeSlack, SlackSender
from scheduling.kinds import Kind
from scheduling.models import DueWork, Status
from tests.scenario.test_matching_flow import (
    accepted_pair,
    sweep,
)
from tests.scenario.test_meetings import posts


async def ran(deps: Deps, kind: str) -> list[str]:
    """The recipients of the work of ``kind`` that has run (done, whatever it sent)."""
    async with deps.db.transaction() as s:
        found = await s.scalars(
            select(DueWork.recipient_id)
            .where(DueWork.kind == kind, DueWork.status == Status.DONE)
            .order_by(DueWork.id)
        )
        return [str(r) for r in found.all()]


PREPARE = "While you wait for your mentor"


async def test_a_mentee_matched_and_accepted_on_the_day_she_joined_is_not_told_she_waits(
    sender: SlackSender, fake: FakeSlack, deps: Deps, clock: ManualClock
) -> None:
    # Everyone joins on Monday 2 March, 09:00 UTC; Mia is matched with Omar, who accepts.
    await accepted_pair(sender, fake, deps)
    # Tuesday 10:00 UTC: the day-after nudges are due, in everyone's working hours.
    clock.set(datetime(2026, 3, 3, 10, 0, tzinfo=UTC))
    await sweep(deps)
    await sweep(deps)
    assert "UMIA" in await ran(deps, Kind.MENTEE_PREPARE)
    assert not posts(fake, "UMIA", PREPARE)  # she has her mentor
    # The mentees still waiting for a mentor's answer, or for a match, still get it.
    assert posts(fake, "UKEN", PREPARE) and posts(fake, "UZOE", PREPARE)
