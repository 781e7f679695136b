"""How a sweep's cost grows: with what is due, not with what is stored.

For each database and each table size, it fills ``due_work`` with N pending rows that are
not due yet, adds D due rows, and times one sweep that claims and completes the due rows
with handlers that only record. Target: at most 200 ms per 1,000 due rows with 1,000,000
pending, on PostgreSQL, on a 2-core machine.

    python -m bench.sweep [--sizes 100000,1000000] [--due 1000] [--databases sqlite,postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
from datetime import UTC, datetime

from sqlalchemy import text

from bench.common import migrated_database, postgres_reachable
from infra.clock import ManualClock
from infra.config import Settings
from infra.db import Database
from infra.deps import Deps
from mentorbot.jobs import build_sweeper
from scheduling.registry import JobContext, Registry

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TARGET_MS_PER_1000 = 200.0

_COLUMNS = (
    "kind, dedup_key, team_id, delivery, payload, due_at, not_before, status, attempts, "
    "created_at, updated_at"
)


async def fill(db: Database, *, pending: int, due: int) -> None:
    """Insert ``pending`` future rows and ``due`` rows due now, in bulk, server-side."""
    future, past = "2027-01-01 00:00:00", "2026-03-02 08:00:00"
    async with db.engine.begin() as conn:
        for count, when, prefix in ((pending, future, "later"), (due, past, "now")):
            if not count:
                continue
            if db.is_sqlite:
                sql = f"""
                    WITH RECURSIVE seq(n) AS
                        (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {count})
                    INSERT INTO due_work ({_COLUMNS})
                    SELECT 'bench.record', '{prefix}:' || n, 'T0001', 'immediate', '{{}}',
                           '{when}', '{when}', 'pending', 0, '{past}', '{past}' FROM seq"""
            else:
                sql = f"""
                    INSERT INTO due_work ({_COLUMNS})
                    SELECT 'bench.record', '{prefix}:' || n, 'T0001', 'immediate', '{{}}',
                           timestamptz '{when}+00', timestamptz '{when}+00', 'pending', 0,
                           timestamptz '{past}+00', timestamptz '{past}+00'
                    FROM generate_series(1, {count}) AS n"""
            await conn.execute(text(sql))
        await conn.execute(text("ANALYZE due_work" if not db.is_sqlite else "ANALYZE"))


async def measure(kind: str, pending: int, due: int) -> float:
    async with migrated_database(kind) as url:
        db = Database(url)
        try:
            await fill(db, pending=pending, due=due)
            recorded: list[int] = []
            registry = Registry()

            async def record(ctx: JobContext) -> None:
                recorded.append(ctx.work.id)

            registry.register("bench.record", record)
            settings = Settings(slack_bot_token="xoxb-bench", database_url=url, _env_file=None)
            deps = Deps(settings=settings, db=db, clock=ManualClock(NOW))
            sweeper = build_sweeper(deps, registry=registry, worker_id="bench")
            sweeper.batch_size = 1000
            await db.ping()  # a warm connection, as in a running app
            # Collect the garbage of the fill and of the imports now: otherwise a full
            # collection it triggers can land inside the timed sweep of the first measure.
            gc.collect()
            started = time.perf_counter()
            report = await sweeper.sweep()
            elapsed = time.perf_counter() - started
            assert report.claimed == due and len(recorded) == due, (report.claimed, len(recorded))
            async with db.engine.connect() as conn:
                left = (
                    await conn.execute(
                        text("SELECT count(*) FROM due_work WHERE status = 'pending'")
                    )
                ).scalar()
            assert left == pending
            return elapsed
        finally:
            await db.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,100000,1000000")
    parser.add_argument("--due", default="1000,2000")
    parser.add_argument("--databases", default="sqlite,postgres")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    dues = [int(d) for d in args.due.split(",")]
    print(
        f"sweep benchmark: time to claim and complete due rows (target on PostgreSQL: "
        f"<= {TARGET_MS_PER_1000:.0f} ms per 1,000 due with 1,000,000 pending)"
    )
    print(
        f"{'database':<10} {'pending':>10} {'due':>6} {'sweep ms':>10} {'ms/1000 due':>12}  verdict"
    )
    for kind in args.databases.split(","):
        if kind == "postgres" and not await postgres_reachable():
            print("postgres   PostgreSQL is not reachable: skipped")
            continue
        for pending in sizes:
            for due in dues:
                elapsed = await measure(kind, pending, due)
                per_1000 = elapsed * 1000 / (due / 1000)
                verdict = ""
                if kind == "postgres" and pending >= 1_000_000:
                    verdict = "meets target" if per_1000 <= TARGET_MS_PER_1000 else "MISSES target"
                figures = f"{elapsed * 1000:>10.1f} {per_1000:>12.1f}"
                print(f"{kind:<10} {pending:>10,} {due:>6,} {figures}  {verdict}")


if __name__ == "__main__":
    asyncio.run(main())
