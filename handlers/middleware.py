"""Cross-cutting listener concerns: dependencies, a request id for every request, Slack
clients that count their calls in /metrics, and a count of listener runs still in flight."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from prometheus_client import Gauge
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.listener.async_listener_completion_handler import AsyncListenerCompletionHandler
from slack_bolt.listener.async_listener_start_handler import AsyncListenerStartHandler
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from handlers.context import DEPS_KEY
from infra.deps import Deps
from infra.logs import REQUEST_ID
from infra.slack import MeteredRespond, metered_copy


def register(app: AsyncApp, deps: Deps) -> None:
    # Bolt runs each listener in a task of its own and answers Slack once it acknowledges:
    # these two bracket the whole run, the work after the acknowledgement (and the error
    # handler's reply) included, so /metrics shows when nothing is left running.
    runner = app.listener_runner
    runner.listener_start_handler = _Started(deps.metrics.listeners_in_flight)
    runner.listener_completion_handler = _Finished(deps.metrics.listeners_in_flight)

    @app.middleware
    async def inject(context: AsyncBoltContext, next: Callable[[], Awaitable[Any]]) -> Any:
        request_id = uuid.uuid4().hex[:12]
        REQUEST_ID.set(request_id)
        context["request_id"] = request_id
        context[DEPS_KEY] = deps
        # Bolt builds a plain client (and respond) per request; listeners get counting ones.
        context["client"] = metered_copy(context.client, deps.metrics.slack_call)
        if context.response_url:
            context["respond"] = MeteredRespond(
                response_url=context.response_url,
                on_call=deps.metrics.slack_call,
                proxy=context.client.proxy,
                ssl=context.client.ssl,
            )
        return await next()


class _Started(AsyncListenerStartHandler):
    def __init__(self, in_flight: Gauge) -> None:
        self.in_flight = in_flight

    async def handle(self, request: AsyncBoltRequest, response: BoltResponse | None) -> None:
        self.in_flight.inc()


class _Finished(AsyncListenerCompletionHandler):
    def __init__(self, in_flight: Gauge) -> None:
        self.in_flight = in_flight

    async def handle(self, request: AsyncBoltRequest, response: BoltResponse | None) -> None:
        self.in_flight.dec()
