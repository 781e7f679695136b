"""The database drops every connection in the middle of a sweep: the sweep carries on (or
fails cleanly), the scheduler keeps running, the next sweeps finish all the work with nothing
lost or sent twice, and /healthz recovers."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import asyncpg
import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from fakeslack import FakeSlack
from infra.clock import ManualClock
from infra.deps import Deps
from mentorbot import jobs
from mentorbot.jobs import build_sweeper
from scheduling.api import schedule
from scheduling.registry import JobContext, Registry
from scheduling.runner import SweepScheduler
from storage.due_work import DueWork, Status, Timing
from tests.conftest import PEOPLE, TEAM

ROWS = 60


async def terminate_all(database_url: str) -> int:
    """Cut every other connection to the database, as a failover or a restart would."""
    url = make_url(database_url)
    conn = await asyncpg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database,
    )
    try:
        killed = await conn.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await conn.close()
    return len(killed)


@pytest.mark.postgres
async def test_connections_dropped_mid_sweep_lose_and_double_nothing(
    deps: Deps, clock: ManualClock, fake: FakeSlack, database_url: str, http: httpx.AsyncClient
) -> None:
    drops: list[int] = []
    registry = Registry()
    jobs.register(registry)

    async def dm(ctx: JobContext) -> None:
        assert ctx.work.recipient_id is not None
        if ctx.work.dedup_key == f"dm:{ROWS // 2}" and not drops:
            drops.append(await terminate_all(database_url))
            await ctx.session.execute(text("SELECT 1"))  # this connection is gone too
        ctx.dm(ctx.work.recipient_id, text=f"Message {ctx.work.dedup_key}")

    registry.register("test.dm", dm)
    people = list(PEOPLE)
    async with deps.db.transaction() as session:
        for i in range(ROWS):
            await schedule(
                session=session,
                now=clock.now(),
                kind="test.dm",
                key=f"dm:{i}",
                team_id=TEAM,
                due_at=clock.now(),
                timing=Timing.IMMEDIATE,
                recipient_id=people[i % len(people)],
            )
    sweeps = SweepScheduler(
        deps, build_sweeper(deps, registry=registry, worker_id="w"), interval=0.2
    )
    sweeps.start()
    try:
        deadline = time.monotonic() + 30
        while True:
            async with deps.db.transaction() as session:
                done = await session.scalar(
                    select(func.count()).select_from(DueWork).where(DueWork.status == Status.DONE)
                )
            if done == ROWS:
                break
            assert time.monotonic() < deadline, f"only {done} of {ROWS} done"
            clock.advance(seconds=30)  # retries and paced sends come due
            await asyncio.sleep(0.2)
    finally:
        sweeps.stop()
    assert drops and drops[0] >= 1, "connections really were dropped"
    sent = Counter(
        c.args["metadata"]["event_payload"]["key"]
        for c in fake.calls_to("chat.postMessage")
        if c.ok and c.args.get("metadata")
    )
    assert set(sent) == {f"dm:{i}#0" for i in range(ROWS)}
    assert max(sent.values()) == 1
    health = await http.get("/healthz")
    assert health.status_code == 200 and health.json()["database"] == "ok"
