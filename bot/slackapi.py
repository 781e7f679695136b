"""Web API clients: every call goes to ``SLACK_API_URL`` with slack-sdk's retry handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from storage.db import Database


def slack_error_code(exc: SlackApiError) -> str:
    """The ``error`` of a failed Web API call (or ``http_<status>`` for a non-JSON answer)."""
    data = exc.response.data if exc.response is not None else None
    if isinstance(data, dict) and data.get("error"):
        return str(data["error"])
    return f"http_{getattr(exc.response, 'status_code', 0)}"


ClientFactory = Callable[[str], Awaitable[AsyncWebClient | None]]


def web_client(
    settings: Settings, token: str | None = None, *, rate_limit_retries: int = 3
) -> AsyncWebClient:
    """A client on ``SLACK_API_URL`` that retries rate limits (honouring ``Retry-After``),
    5xx answers and dropped connections, using slack-sdk's own retry handlers."""
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=settings.slack_timeout_seconds,  # type: ignore[arg-type]
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=rate_limit_retries),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def installation_store(settings: Settings, db: Database) -> AsyncSQLAlchemyInstallationStore:
    assert settings.slack_client_id is not None
    return AsyncSQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=db.engine)


def team_clients(settings: Settings, db: Database, *, rate_limit_retries: int = 1) -> ClientFactory:
    """A client per workspace, for work that happens outside a Slack request: the bot token
    in single-workspace mode, the installed bot's token in OAuth mode (None if uninstalled).

    Scheduled delivery keeps in-call rate-limit retries low: the sweep reschedules the work
    instead of holding a worker through a long ``Retry-After``.
    """
    if not settings.oauth:
        single = web_client(
            settings, settings.slack_bot_token, rate_limit_retries=rate_limit_retries
        )

        async def single_team(team_id: str) -> AsyncWebClient | None:
            return single

        return single_team

    store = installation_store(settings, db)

    async def per_team(team_id: str) -> AsyncWebClient | None:
        bot = await store.async_find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            return None
        return web_client(settings, bot.bot_token, rate_limit_retries=rate_limit_retries)

    return per_team
