"""Web API clients: every call goes to ``SLACK_API_URL`` with slack-sdk's retry handlers,
narrowed so that nothing Slack may already have done is sent twice."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp
from aiohttp import FormData
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from slack_sdk.webhook import WebhookResponse

from infra.config import Settings
from infra.db import Database


def slack_error_code(exc: SlackApiError) -> str:
    """The ``error`` of a failed Web API call (or ``http_<status>`` for a non-JSON answer)."""
    data = exc.response.data if exc.response is not None else None
    if isinstance(data, dict) and data.get("error"):
        return str(data["error"])
    return f"http_{getattr(exc.response, 'status_code', 0)}"


ClientFactory = Callable[[str], Awaitable[AsyncWebClient | None]]
# Told of every Web API call once it is over (after the client's own retries): the method,
# and "ok" or what went wrong (Slack's error code, http_<status>, or the exception's name).
CallRecorder = Callable[[str, str], None]


def _ignore(method: str, outcome: str) -> None:
    return None


def failure_code(exc: BaseException) -> str:
    """The label a failed call is counted under: ``http_<status>`` when Slack answered with an
    HTTP error (429, 5xx), else Slack's error code, else the exception's name (a timeout)."""
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 200)
        return f"http_{status}" if status != 200 else slack_error_code(exc)
    return type(exc).__name__


class MeteredWebClient(AsyncWebClient):
    """An ``AsyncWebClient`` that reports every call's outcome, so /metrics counts the calls
    listeners make through Bolt as well as the scheduler's (one hook for both)."""

    def __init__(self, *args: Any, on_call: CallRecorder | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on_call: CallRecorder = on_call or _ignore

    async def api_call(
        self,
        api_method: str,
        *,
        http_verb: str = "POST",
        files: dict[str, Any] | None = None,
        data: dict[str, Any] | FormData | None = None,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        auth: dict[str, Any] | None = None,
    ) -> AsyncSlackResponse:
        try:
            response = await super().api_call(
                api_method,
                http_verb=http_verb,
                files=files,
                data=data,
                params=params,
                json=json,
                headers=headers,
                auth=auth,
            )
        except BaseException as exc:
            self.on_call(api_method, failure_code(exc))
            raise
        self.on_call(api_method, "ok")
        return response


class MeteredRespond(AsyncRespond):
    """Bolt's ``respond()`` (a POST to the request's response_url), counted as the
    ``response_url`` method: ``ok``, ``http_<status>`` or the exception's name."""

    def __init__(self, *, response_url: str | None, on_call: CallRecorder, **kwargs: Any) -> None:
        super().__init__(response_url=response_url, **kwargs)
        self.on_call = on_call

    async def __call__(  # type: ignore[override]
        self,
        text: str | dict[str, Any] = "",
        blocks: Sequence[Any] | None = None,
        **kwargs: Any,
    ) -> WebhookResponse:
        try:
            response = await super().__call__(text, blocks, **kwargs)
        except BaseException as exc:
            self.on_call("response_url", failure_code(exc))
            raise
        status = response.status_code
        self.on_call("response_url", "ok" if status == 200 else f"http_{status}")
        return response


# Web API methods that leave Slack as it was when they are sent a second time: reads, an
# edit to a given state, joining a channel, opening a DM, a modal opened or pushed with a
# one-time trigger_id (Slack refuses its second use), an upload reserved but not yet shared.
# Only these are sent again by slack-sdk after a 5xx or a dropped connection, both of which
# can come after Slack did the work: sending chat.postMessage, chat.postEphemeral or
# files.completeUploadExternal again then would post twice. The scheduler retries its own
# posts and shares, looking in the conversation first (scheduling.engine; docs/scheduling.md).
RESENDABLE_METHODS = frozenset(
    {
        "apps.connections.open",
        "auth.test",
        "chat.update",
        "conversations.history",
        "conversations.info",
        "conversations.join",
        "conversations.members",
        "conversations.open",
        "conversations.replies",
        "files.getUploadURLExternal",
        "files.info",
        "team.info",
        "users.info",
        "users.list",
        "views.open",
        "views.publish",
        "views.push",
        "views.update",
    }
)


def resendable(base_url: str, request: HttpRequest) -> bool:
    """Whether sending ``request`` again can't do twice what Slack may already have done: a
    method of :data:`RESENDABLE_METHODS`, or the bytes of a reserved upload sent to its
    upload URL again (not a Web API method: the same file gets the same content)."""
    if not request.url.startswith(base_url):
        return True
    return request.url[len(base_url) :].split("?", 1)[0] in RESENDABLE_METHODS


class OnlyWhenResendable(AsyncRetryHandler):
    """One of slack-sdk's retry handlers (5xx, failed connections), narrowed: it sends a
    request again as that one would, but only a :func:`resendable` one, or one whose
    connection could not even be made (nothing reached Slack)."""

    def __init__(self, handler: AsyncRetryHandler, base_url: str) -> None:
        super().__init__(handler.max_retry_count, handler.interval_calculator)
        self.handler = handler
        self.base_url = base_url

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not await self.handler.can_retry_async(
            state=state, request=request, response=response, error=error
        ):
            return False
        return isinstance(error, aiohttp.ClientConnectorError) or resendable(self.base_url, request)

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        await self.handler.prepare_for_next_attempt_async(
            state=state, request=request, response=response, error=error
        )


def web_client(
    settings: Settings,
    token: str | None = None,
    *,
    rate_limit_retries: int = 3,
    on_call: CallRecorder | None = None,
    session: aiohttp.ClientSession | None = None,
) -> MeteredWebClient:
    """A client on ``SLACK_API_URL`` with slack-sdk's own retry handlers: rate limits
    (honouring ``Retry-After``: Slack did nothing) for every call, 5xx answers and dropped
    connections only for calls that are safe to send twice (:data:`RESENDABLE_METHODS`). With
    ``session`` (see :func:`http_session`) its calls reuse that session's connections."""
    base_url = settings.slack_api_url
    return MeteredWebClient(
        token=token,
        base_url=base_url,
        timeout=settings.slack_timeout_seconds,
        session=session,
        retry_handlers=[
            OnlyWhenResendable(AsyncConnectionErrorRetryHandler(max_retry_count=2), base_url),
            AsyncRateLimitErrorRetryHandler(max_retry_count=rate_limit_retries),
            OnlyWhenResendable(AsyncServerErrorRetryHandler(max_retry_count=2), base_url),
        ],
        on_call=on_call,
    )


def http_session(settings: Settings) -> aiohttp.ClientSession:
    """A connection pool for every Web API call of the process (call inside its event loop).
    Without it slack-sdk opens a new session, and a new TCP connection, for each call: CPU
    on the event loop that a busy server can't spare."""
    # A shared session's timeout is the one slack-sdk's calls get (their own applies only to
    # sessions they open themselves).
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=settings.slack_timeout_seconds)
    )


def metered_copy(client: AsyncWebClient, on_call: CallRecorder) -> MeteredWebClient:
    """The same client (token, URL, retries, session), counting its calls. Bolt builds a
    plain client for every request; listeners get this copy instead."""
    copy = MeteredWebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        session=client.session,
        trust_env_in_session=client.trust_env_in_session,
        headers=client.headers,
        logger=client.logger,
        retry_handlers=client.retry_handlers,
        on_call=on_call,
    )
    copy.default_params = dict(client.default_params)  # the request's team_id, if any
    return copy


def installation_store(settings: Settings, db: Database) -> AsyncSQLAlchemyInstallationStore:
    assert settings.slack_client_id is not None
    return AsyncSQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=db.engine)


def team_clients(
    settings: Settings,
    db: Database,
    *,
    rate_limit_retries: int = 1,
    on_call: CallRecorder | None = None,
    session: aiohttp.ClientSession | None = None,
) -> ClientFactory:
    """A client per workspace, for work that happens outside a Slack request: the bot token
    in single-workspace mode, the installed bot's token in OAuth mode (None if uninstalled).

    Scheduled delivery keeps in-call rate-limit retries low: the sweep reschedules the work
    instead of holding a worker through a long ``Retry-After``.
    """
    if not settings.oauth:
        single = web_client(
            settings,
            settings.slack_bot_token,
            rate_limit_retries=rate_limit_retries,
            on_call=on_call,
            session=session,
        )

        async def single_team(team_id: str) -> AsyncWebClient | None:
            return single

        return single_team

    store = installation_store(settings, db)

    async def per_team(team_id: str) -> AsyncWebClient | None:
        bot = await store.async_find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            return None
        return web_client(
            settings,
            bot.bot_token,
            rate_limit_retries=rate_limit_retries,
            on_call=on_call,
            session=session,
        )

    return per_team
