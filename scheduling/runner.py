"""Running sweeps: inside `serve`/`socket` every few seconds (APScheduler only triggers; the
database holds what is due), or once from `mentorbot tick`."""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from infra.clock import Clock
from infra.deps import Deps
from infra.slack import team_clients
from scheduling import housekeeping
from scheduling.engine import Sweeper, SweepReport, backlog
from scheduling.gateway import SlackGateway
from scheduling.registry import Registry

log = logging.getLogger(__name__)

JOB_ID = "mentorbot-sweep"


def build_sweeper(
    deps: Deps,
    *,
    clock: Clock | None = None,
    registry: Registry,
    worker_id: str | None = None,
) -> Sweeper:
    """A sweeper running ``registry``'s handlers (the servers pass every kind's:
    ``mentorbot.jobs.build_sweeper``)."""
    # The clients count every call they make (infra.slack.MeteredWebClient), so the
    # gateway needs no counting of its own.
    clients = team_clients(
        deps.settings, deps.db, on_call=deps.metrics.slack_call, session=deps.http
    )
    gateway = SlackGateway(clients)
    return Sweeper(
        db=deps.db,
        clock=clock or deps.clock,
        registry=registry,
        gateway=gateway,
        worker_id=worker_id,
        lease=timedelta(seconds=deps.settings.sweep_lease_seconds),
        settings=deps.settings,
    )


async def run_sweep(deps: Deps, sweeper: Sweeper) -> SweepReport:
    """One sweep, with its metrics and a log line when anything happened."""
    report = await sweeper.sweep()
    metrics = deps.metrics
    metrics.sweep_seconds.observe(report.seconds)
    for kind, counts in report.kinds.items():
        for outcome in ("ran", "deferred", "retried", "failed"):
            value = getattr(counts, outcome)
            if value:
                metrics.work_outcomes.labels(kind, outcome).inc(value)
    metrics.due_backlog.set(await backlog(deps.db, sweeper.clock.now()))
    if report.claimed:
        log.info("sweep", extra={"summary": report.lines()[0]})
    return report


async def plan_housekeeping(deps: Deps) -> None:
    """Start the daily purge chain (each purge plans the next; the key names the date, so
    restarts and replicas never double it). Called when a process starts sweeping."""
    async with deps.db.transaction() as session:
        await housekeeping.plan(session, deps.clock.now())


class SweepScheduler:
    """An APScheduler job that sweeps every ``interval`` seconds: a stable id, one instance at
    a time, and missed runs coalesced into one."""

    def __init__(self, deps: Deps, sweeper: Sweeper, *, interval: float) -> None:
        self.deps = deps
        self.sweeper = sweeper
        self.interval = interval
        self.scheduler = AsyncIOScheduler(timezone=UTC)

    async def _tick(self) -> None:
        try:
            await run_sweep(self.deps, self.sweeper)
        except Exception:  # keep the schedule alive; the next sweep retries the work
            log.exception("sweep failed")

    def start(self) -> None:
        self.scheduler.add_job(
            self._tick,
            "interval",
            seconds=self.interval,
            id=JOB_ID,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=max(1, math.ceil(self.interval)),
            # APScheduler runs on the wall clock, whatever clock the sweeps use.
            next_run_time=datetime.now(UTC),
        )
        self.scheduler.start()

    def kick(self) -> None:
        """Run a sweep as soon as possible (coalesced with one already running)."""
        if self.scheduler.running:
            self.scheduler.modify_job(JOB_ID, next_run_time=datetime.now(UTC))

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
