"""Running the app: the HTTP server and Socket Mode, with start-up checks.

Both refuse to start on an un-migrated or outdated schema (:class:`SchemaNotCurrent`).
"""

from __future__ import annotations

import logging

import uvicorn

from bot.app import build_app
from bot.clock import SystemClock
from bot.config import Settings, Transport
from bot.deps import Deps
from bot.web import build_asgi
from storage.db import Database
from storage.migrate import check_current

log = logging.getLogger(__name__)


async def _deps(settings: Settings) -> Deps:
    db = Database(settings.database_url)
    try:
        await check_current(db.engine)
    except BaseException:
        await db.dispose()
        raise
    return Deps(settings=settings, db=db, clock=SystemClock())


async def serve_http(settings: Settings, *, host: str, scheduler: bool) -> None:
    deps = await _deps(settings)
    app = build_app(deps, Transport.HTTP)

    async def shutdown() -> None:
        await deps.db.dispose()

    asgi = build_asgi(deps, app, on_shutdown=shutdown)
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

    deps = await _deps(settings)
    app = build_app(deps, Transport.SOCKET)
    handler = AsyncSocketModeHandler(app, settings.slack_app_token)
    log.info("connecting over Socket Mode", extra={"scheduler": scheduler})
    try:
        await handler.start_async()
    finally:
        await deps.db.dispose()
