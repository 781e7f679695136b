"""Delivering 10,000 DMs through Slack's rate limits, and nothing lost or doubled.

The fake Slack answers 429 with ``Retry-After`` beyond about one message per second per
channel (bursts of 3) and beyond a workspace-wide cap. The sweep delivers every message; the
benchmark prints the delivery time against the floor those limits allow, the retries, and
checks each message arrived exactly once.

Slack documents a workspace limit of "several hundred messages per minute" for
chat.postMessage; the default cap here is higher so the run stays short, but below the
number of messages, so the workspace limit binds. The fake's cap is a sliding window (at most
that many in any 60 s), so message k can go no sooner than 60 s × (k // cap): 10,000
messages at 6,000 a minute have a floor of 60 s. The ratio to the floor is the figure to
watch.

    python -m bench.delivery [--messages 10000] [--recipients 2500] [--workspace-per-minute 6000]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import time
from datetime import timedelta

from sqlalchemy import func, select

from bench.common import migrated_database, postgres_reachable
from fakeslack import FakeSlack
from infra.clock import SystemClock
from infra.config import Settings
from infra.db import Database
from infra.deps import Deps
from mentorbot.jobs import build_sweeper
from scheduling.api import schedule
from scheduling.registry import JobContext, Registry
from storage.due_work import DueWork, Status, Timing

TEAM, TOKEN = "T0001", "xoxb-bench"
CHANNEL_RATE, CHANNEL_BURST = 1.0, 3


async def run(messages: int, recipients: int, per_minute: int, database: str) -> None:
    fake = FakeSlack()
    fake.add_workspace(TEAM, bot_token=TOKEN)
    users = [f"U{i:06d}" for i in range(recipients)]
    for user in users:
        fake.add_user(TEAM, user, name=user.lower())
    fake.set_rate_limits(
        per_channel_per_second=CHANNEL_RATE,
        channel_burst=CHANNEL_BURST,
        workspace_per_minute=per_minute,
    )
    await fake.start()
    try:
        async with migrated_database(database) as url:
            db = Database(url)
            try:
                await deliver(fake, db, url, messages, users, per_minute, database)
            finally:
                await db.dispose()
    finally:
        await fake.stop()


async def deliver(
    fake: FakeSlack,
    db: Database,
    url: str,
    messages: int,
    users: list[str],
    per_minute: int,
    database: str,
) -> None:
    clock = SystemClock()
    now = clock.now()
    async with db.transaction() as session:
        for i in range(messages):
            await schedule(
                session=session,
                now=now,
                kind="bench.dm",
                key=f"bench-dm:{i}",
                team_id=TEAM,
                recipient_id=users[i % len(users)],
                due_at=now,
                timing=Timing.IMMEDIATE,
            )
    registry = Registry()

    async def dm(ctx: JobContext) -> None:
        ctx.dm(str(ctx.work.recipient_id), text=f"Nudge {ctx.work.dedup_key}")

    registry.register("bench.dm", dm)
    settings = Settings(
        slack_bot_token=TOKEN, slack_api_url=fake.base_url, database_url=url, _env_file=None
    )
    deps = Deps(settings=settings, db=db, clock=clock)
    sweeper = build_sweeper(deps, registry=registry, worker_id="bench")
    sweeper.batch_size = 500
    sweeper.concurrency = 32

    started = time.perf_counter()
    retried = 0
    while True:
        report = await sweeper.sweep()
        retried += report.total("retried")
        async with db.transaction() as session:
            left = await session.scalar(
                select(func.count()).select_from(DueWork).where(DueWork.status != Status.DONE)
            )
            nxt = await session.scalar(
                select(func.min(DueWork.not_before)).where(DueWork.status == Status.PENDING)
            )
        if not left:
            break
        if not report.claimed and nxt is not None:
            await asyncio.sleep(min(max((nxt - clock.now()) / timedelta(seconds=1), 0.01), 0.25))
    elapsed = time.perf_counter() - started

    keys = collections.Counter(
        m["metadata"]["event_payload"]["key"]
        for ws in fake.workspaces.values()
        for channel in ws.messages.values()
        for m in channel
        if m.get("metadata")
    )
    expected = {f"bench-dm:{i}#0" for i in range(messages)}
    lost = expected - set(keys)
    doubled = [k for k, n in keys.items() if n > 1]
    per_user = messages / len(users)
    floor = max(
        60.0 * ((messages - 1) // per_minute),  # the workspace's sliding minute
        max(per_user - CHANNEL_BURST, 0) / CHANNEL_RATE,  # each person's DM beyond the burst
    )
    print(f"delivery benchmark ({database}): {messages:,} DMs to {len(users):,} people")
    print(
        f"  limits: {CHANNEL_RATE:g}/s per channel (burst {CHANNEL_BURST}), "
        f"{per_minute:,}/min per workspace"
    )
    print(
        f"  delivered in {elapsed:.1f} s; floor the limits allow {floor:.1f} s "
        f"({elapsed / floor:.2f}x the floor)"
    )
    print(
        f"  429s answered by the fake: {fake.stats['rate_limited']:,}; "
        f"sweep-level retries: {retried:,}; Web API calls: {fake.stats['calls']:,}"
    )
    print(
        f"  lost: {len(lost)}, doubled: {len(doubled)}  -> "
        f"{'OK: every message exactly once' if not lost and not doubled else 'FAILED'}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--recipients", type=int, default=2_500)
    parser.add_argument("--workspace-per-minute", type=int, default=6_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    args = parser.parse_args()
    database = args.database
    if database == "postgres" and not await postgres_reachable():
        print("PostgreSQL is not reachable: running on SQLite")
        database = "sqlite"
    await run(args.messages, args.recipients, args.workspace_per_minute, database)


if __name__ == "__main__":
    asyncio.run(main())
