"""The HTTP surface: Slack's endpoints through Bolt's Starlette adapter, plus health and
metrics for operators. No endpoint reads a body over :data:`MAX_BODY_BYTES`."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.meetings import calendar as ics
from handlers.dashboard import build_dashboard
from infra.deps import Deps
from mentorbot import gate
from storage.migrate import SchemaNotCurrent, check_current
from storage.models import Meeting

Hook = Callable[[], Awaitable[None]]
log = logging.getLogger("mentorbot.web")

# The most any request may carry. Slack's largest (a form whose every field is full of
# four-byte characters, percent-encoded) is a few hundred kilobytes.
MAX_BODY_BYTES = 1024 * 1024


def build_asgi(
    deps: Deps, app: AsyncApp, *, on_startup: Hook | None = None, on_shutdown: Hook | None = None
) -> Starlette:
    handler = AsyncSlackRequestHandler(app)
    metrics = deps.metrics

    async def slack_events(request: Request) -> Response:
        started = time.perf_counter()
        body = await request.body()
        kind, response = await _answer(body, request)
        if kind.startswith("event:"):
            # Bolt acknowledges an event before its listener's task has even started: one
            # turn of the loop lets the task take its first step, counting itself in flight
            # (mentorbot_listeners_in_flight), before the answer goes out. Other listeners
            # acknowledge from inside their task, so theirs has started already.
            await asyncio.sleep(0)
        metrics.ack_seconds.labels(kind).observe(time.perf_counter() - started)
        metrics.requests.labels(kind, str(response.status_code)).inc()
        return response

    async def _answer(body: bytes, request: Request) -> tuple[str, Response]:
        """401 for what Slack didn't sign, before anything is parsed; 400 for a signed body
        Slack would never send (or that can't be parsed at all); else Bolt's answer."""
        if not gate.signed(deps.settings.slack_signing_secret or "", body, request.headers):
            return "unsigned", Response("", status_code=401)
        kind, problem = gate.inspect(body, gate.content_type(request.headers.items()))
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
        # The managers' dashboard: Sign in with Slack, then pages (handlers/dashboard).
        Mount("/dashboard", app=build_dashboard(deps)),
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

    limit = Middleware(BodyLimit, limit=MAX_BODY_BYTES, refused=metrics.too_large.inc)
    return Starlette(routes=routes, lifespan=lifespan, middleware=[limit])


class _TooLarge(Exception):
    """A streamed body went past the limit while it was being read."""


class BodyLimit:
    """Answers 413 to a request whose body is over ``limit`` bytes, without reading it: at
    once when its Content-Length says so, else (a chunked body) as soon as what has been read
    passes the limit. The connection is closed, so the server reads no more of it either."""

    def __init__(self, app: ASGIApp, *, limit: int, refused: Callable[[], None]) -> None:
        self.app = app
        self.limit = limit
        self.refused = refused

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _content_length(scope) > self.limit:
            await self._refuse(scope, receive, send)
            return
        read = 0
        answered = False

        async def limited_receive() -> Message:
            nonlocal read
            message = await receive()
            read += len(message.get("body", b""))
            if read > self.limit:
                raise _TooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal answered
            answered = True
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except _TooLarge:
            if answered:  # every endpoint reads its body before answering
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.refused()
        response = Response(
            f"Request body over {self.limit} bytes\n",
            status_code=413,
            media_type="text/plain",
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int:
    """The declared body length (0 when there is none, or it isn't a number)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0
