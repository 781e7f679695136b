"""A sweeper in its own process, for the concurrency and crash tests.

    python -m tests.process.sweep_worker <database-url> <worker-id> <mode> <iso-instant>

``race``: sweep until nothing is left, recording each run in ``test_runs``.
``crash``: claim, then hang inside the handler (after writing a marker file) until killed.
``deliver``: sweep until nothing is left, each ``test.dm`` row planning one DM to its
recipient, sent to the Web API at ``SLACK_API_URL`` (a fake Slack).
``jobs``: sweep until nothing is left, with every kind's real handler (mentorbot.jobs),
pausing ``SWEEP_PAUSE`` seconds between sweeps (so a test can kill it between two).
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy import text

from infra.clock import ManualClock
from infra.config import Settings
from infra.db import Database
from infra.deps import Deps
from mentorbot.jobs import all_jobs, build_sweeper
from scheduling.registry import JobContext, Registry


async def main(url: str, worker: str, mode: str, at: str, marker: str = "") -> None:
    registry = Registry()

    async def record(ctx: JobContext) -> None:
        await ctx.session.execute(
            text("INSERT INTO test_runs (work_id, worker) VALUES (:w, :k)"),
            {"w": ctx.work.id, "k": worker},
        )

    async def hang(ctx: JobContext) -> None:
        Path(marker).write_text(str(ctx.work.id))
        await asyncio.sleep(3600)

    async def dm(ctx: JobContext) -> None:
        assert ctx.work.recipient_id is not None
        ctx.dm(ctx.work.recipient_id, text=f"Message {ctx.work.dedup_key}")

    registry.register("test.record", record)
    registry.register("test.dm", dm)
    registry.register("test.hang", hang)
    if mode == "jobs":
        registry = all_jobs()
    settings = Settings(
        slack_bot_token=os.environ.get("SLACK_BOT_TOKEN", "xoxb-worker"),
        database_url=url,
        slack_api_url=os.environ.get("SLACK_API_URL", "http://127.0.0.1:9/api/"),
        _env_file=None,
    )
    deps = Deps(settings=settings, db=Database(url), clock=ManualClock(datetime.fromisoformat(at)))
    sweeper = build_sweeper(deps, registry=registry, worker_id=worker)
    sweeper.batch_size = 1 if mode == "crash" else 50
    # Racing workers start sweeping together, whatever their start-up took (otherwise the
    # first one up can finish the work before the other has imported): each says it is
    # ready, then waits for the word to go.
    if os.environ.get("SWEEP_BARRIER"):
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
    pause = float(os.environ.get("SWEEP_PAUSE", "0"))
    try:
        while True:
            if not (await sweeper.sweep()).claimed:
                break
            await asyncio.sleep(pause)
    finally:
        await deps.db.dispose()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))
