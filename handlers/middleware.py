"""Cross-cutting listener concerns: dependencies, a request id for every request, and Slack
clients that count their calls in /metrics."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext

from bot.deps import Deps
from bot.logs import REQUEST_ID
from bot.slackapi import MeteredRespond, metered_copy
from handlers.context import DEPS_KEY


def register(app: AsyncApp, deps: Deps) -> None:
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
