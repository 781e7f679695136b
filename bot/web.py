"""The HTTP surface: Slack's endpoints through Bolt's Starlette adapter, plus health and
metrics for operators."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot import ics, inbound
from bot.deps import Deps
from storage.migrate import SchemaNotCurrent, check_current
from storage.models import Meeting

Hook = Callable[[], Awaitable[None]]
log = logging.getLogger("mentorbot.web")


def build_asgi(
    deps: Deps, app: AsyncApp, *, on_startup: Hook | None = None, on_shutdown: Hook | None = None
) -> Starlette:
    handler = AsyncSlackRequestHandler(app)
    metrics = deps.metrics

    async def slack_events(request: Request) -> Response:
        started = time.perf_counter()
        body = await request.body()
        kind, response = await _answer(body, request)
        # A listener Bolt has just started takes its first step (and counts itself in
        # flight) before the answer goes out: an event's listener starts only after its
        # automatic acknowledgement.
        await asyncio.sleep(0)
        metrics.ack_seconds.labels(kind).observe(time.perf_counter() - started)
        metrics.requests.labels(kind, str(response.status_code)).inc()
        return response

    async def _answer(body: bytes, request: Request) -> tuple[str, Response]:
        """401 for what Slack didn't sign, before anything is parsed; 400 for a signed body
        Slack would never send (or that can't be parsed at all); else Bolt's answer."""
        if not inbound.signed(deps.settings.slack_signing_secret or "", body, request.headers):
            return "unsigned", Response("", status_code=401)
        kind, problem = inbound.inspect(body, request.headers.get("content-type", ""))
        if problem is not None:
            log.warning("malformed request", extra={"problem": problem, "bytes": len(body)})
            return kind, Response("", status_code=400)
        return kind, await handler.handle(request)

    async def oauth(request: Request) -> Response:
        return await handler.handle(request)

    async def healthz(_: Request) -> Response:
        try:
            await asyncio.wait_for(deps.db.ping(), timeout=3)
            await check_current(deps.db.engine)
        except SchemaNotCurrent as exc:
            return JSONResponse({"status": "unavailable", "database": str(exc)}, status_code=503)
        except Exception as exc:  # any failure to reach the database is "unhealthy"
            return JSONResponse(
                {"status": "unavailable", "database": type(exc).__name__}, status_code=503
            )
        return JSONResponse({"status": "ok", "database": "ok"})

    async def meeting_ics(request: Request) -> Response:
        """A meeting as a calendar file, for a correctly signed link only."""
        team_id = request.path_params["team_id"]
        meeting_id = int(request.path_params["meeting_id"])
        secret = deps.settings.link_secret
        if not ics.verify(secret, team_id, meeting_id, request.query_params.get("sig", "")):
            return Response("Not found", status_code=404, media_type="text/plain")
        async with deps.db.transaction() as session:
            meeting = await session.get(Meeting, meeting_id)
            if meeting is None or meeting.team_id != team_id:
                return Response("Not found", status_code=404, media_type="text/plain")
            pair = meeting.pair
            summary = f"Mentoring: {pair.mentee.display} and {pair.mentor.display}"
            body = ics.calendar(meeting, summary=summary, now=deps.clock.now())
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="meeting-{meeting_id}.ics"'},
        )

    async def metrics_endpoint(_: Request) -> Response:
        return Response(metrics.render(), media_type=metrics.content_type)

    routes = [
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
        Route("/meetings/{team_id}/{meeting_id:int}.ics", meeting_ics, methods=["GET"]),
    ]
    if app.oauth_flow is not None:
        routes += [
            Route(app.oauth_flow.install_path, oauth, methods=["GET"]),
            Route(app.oauth_flow.redirect_uri_path, oauth, methods=["GET"]),
        ]

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if on_startup is not None:
            await on_startup()
        try:
            yield
        finally:
            if on_shutdown is not None:
                await on_shutdown()

    return Starlette(routes=routes, lifespan=lifespan)
