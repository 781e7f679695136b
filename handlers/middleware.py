"""Cross-cutting listener concerns: dependencies and a request id for every request."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext

from bot.deps import Deps
from bot.logs import REQUEST_ID
from handlers.context import DEPS_KEY


def register(app: AsyncApp, deps: Deps) -> None:
    @app.middleware
    async def inject(context: AsyncBoltContext, next: Callable[[], Awaitable[Any]]) -> Any:
        request_id = uuid.uuid4().hex[:12]
        REQUEST_ID.set(request_id)
        context["request_id"] = request_id
        context[DEPS_KEY] = deps
        return await next()
