"""Running the app: the HTTP server, Socket Mode and one-off sweeps, with start-up checks.

Each refuses to start on a database it can't reach (a :class:`ConfigError` naming
``DATABASE_URL``) or on an un-migrated or outdated schema (:class:`SchemaNotCurrent`).
"""

from __future__ import annotations

import gc
import logging
from datetime import datetime

import uvicorn

from bot.audit import service as audit
from infra.clock import ManualClock, SystemClock
from infra.config import ConfigError, Settings, Transport
from infra.db import Database, Unreachable, reach, safe_url
from infra.deps import Deps
from infra.slack import http_session
from mentorbot.app import build_app
from mentorbot.jobs import build_sweeper
from mentorbot.web import build_asgi
from scheduling.engine import SweepReport
from scheduling.runner import SweepScheduler, plan_housekeeping, run_sweep
from storage.migrate import check_current

log = logging.getLogger(__name__)


async def _deps(settings: Settings, *, pooled: bool = False) -> Deps:
    """``pooled``: a long-running process, whose Slack calls share one connection pool."""
    db = Database(settings.database_url)
    try:
        await _reach(db)
        await check_current(db.engine)
    except BaseException:
        await db.dispose()
        raise
    return Deps(
        settings=settings,
        db=db,
        clock=SystemClock(),
        http=http_session(settings) if pooled else None,
    )


async def reach_database(settings: Settings) -> None:
    """Raise :class:`ConfigError` unless the settings' database takes a connection."""
    db = Database(settings.database_url)
    try:
        await _reach(db)
    finally:
        await db.dispose()


async def _reach(db: Database) -> None:
    try:
        await reach(db.engine)
    except Unreachable as exc:
        check = (
            "check that its directory exists and can be written"
            if db.is_sqlite
            else "check that the server is running and that the URL's host, port, database, "
            "user and password are right"
        )
        raise ConfigError(
            f"DATABASE_URL: cannot connect to {safe_url(db.url)} ({exc}): {check}"
        ) from None


async def _close(deps: Deps) -> None:
    if deps.http is not None:
        await deps.http.close()
    await deps.db.dispose()


def _scheduler(deps: Deps, enabled: bool) -> SweepScheduler | None:
    if not enabled:
        return None
    sweeps = SweepScheduler(
        deps, build_sweeper(deps), interval=deps.settings.sweep_interval_seconds
    )
    deps.kick = sweeps.kick
    return sweeps


def freeze_startup_objects() -> None:
    """Move everything loaded at start-up (modules, the app, the solver's bindings) out of
    the garbage collector's sight: a full collection then walks only what requests created,
    instead of pausing the event loop for hundreds of milliseconds under load."""
    gc.collect()
    gc.freeze()


async def serve_http(settings: Settings, *, host: str, scheduler: bool) -> None:
    deps = await _deps(settings, pooled=True)
    app = build_app(deps, Transport.HTTP)
    sweeps = _scheduler(deps, scheduler)

    async def startup() -> None:
        freeze_startup_objects()
        if sweeps is not None:
            await plan_housekeeping(deps)
            sweeps.start()

    async def shutdown() -> None:
        if sweeps is not None:
            sweeps.stop()
        await _close(deps)

    asgi = build_asgi(deps, app, on_startup=startup, on_shutdown=shutdown)
    config = uvicorn.Config(
        asgi,
        host=host,
        port=settings.port,
        log_config=None,  # our own JSON logging
        access_log=False,
        lifespan="on",
    )
    log.info("serving", extra={"port": settings.port, "scheduler": scheduler})
    await uvicorn.Server(config).serve()


async def serve_socket(settings: Settings, *, scheduler: bool) -> None:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    deps = await _deps(settings, pooled=True)
    app = build_app(deps, Transport.SOCKET)
    sweeps = _scheduler(deps, scheduler)
    handler = AsyncSocketModeHandler(app, settings.slack_app_token)
    log.info("connecting over Socket Mode", extra={"scheduler": scheduler})
    freeze_startup_objects()
    if sweeps is not None:
        await plan_housekeeping(deps)
        sweeps.start()
    try:
        await handler.start_async()  # type: ignore[no-untyped-call]
    finally:
        if sweeps is not None:
            sweeps.stop()
        await _close(deps)


async def tick(settings: Settings, *, at: datetime | None) -> SweepReport:
    """One sweep as of ``at`` (default: now). Safe to repeat: done work never runs again.
    Plans the day's purge first, as the servers do when they start sweeping, so a deployment
    that only runs ``tick`` from cron purges too (once a day: the key names the date)."""
    deps = await _deps(settings)
    if at is not None:
        deps.clock = ManualClock(at)
    try:
        await plan_housekeeping(deps)
        return await run_sweep(deps, build_sweeper(deps))
    finally:
        await deps.db.dispose()


async def audit_csv(settings: Settings, *, team_id: str) -> str:
    """A workspace's whole audit trail as CSV (`mentorbot audit export`)."""
    deps = await _deps(settings)
    try:
        async with deps.db.transaction() as session:
            entries = await audit.latest(session=session, team_id=team_id, limit=None)
        return audit.export_csv(entries)
    finally:
        await _close(deps)
