"""The Web API client's retries, against the fake Slack: slack-sdk sends a call again after a
5xx or a dropped connection only when that can't do twice what Slack may already have done."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.state import RetryState

from fakeslack import FakeSlack
from infra.config import Settings
from infra.slack import MeteredWebClient, OnlyWhenResendable, web_client

TEAM = "T0001"
TOKEN = "xoxb-T0001-fake"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    fake.add_workspace(TEAM, bot_token=TOKEN)
    fake.add_user(TEAM, "U1", name="ann")
    async with fake:
        yield fake


def client(slack: FakeSlack) -> MeteredWebClient:
    settings = Settings(
        slack_bot_token=TOKEN,
        slack_signing_secret="s" * 32,
        slack_api_url=slack.base_url,
        _env_file=None,  # type: ignore[call-arg]
    )
    return web_client(settings, TOKEN)


async def test_a_post_slack_stored_before_a_5xx_is_not_sent_again(slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", status=500, stored=True)
    with pytest.raises(SlackApiError) as err:
        await client(slack).chat_postMessage(channel="U1", text="once")
    assert err.value.response.status_code == 500
    assert [m["text"] for m in slack.messages("U1")] == ["once"]
    assert len(slack.calls_to("chat.postMessage")) == 1
    slack.fail("chat.postEphemeral", status=503, stored=True)
    with pytest.raises(SlackApiError):
        await client(slack).chat_postEphemeral(channel="U1", user="U1", text="once")
    assert len(slack.calls_to("chat.postEphemeral")) == 1


async def test_a_post_whose_connection_dropped_is_not_sent_again(slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", disconnect=True)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await client(slack).chat_postMessage(channel="U1", text="once")
    assert [m["text"] for m in slack.messages("U1")] == ["once"]


async def test_reads_and_idempotent_calls_are_still_retried(slack: FakeSlack) -> None:
    slack.fail("conversations.history", status=500, stored=True)
    slack.fail("conversations.open", disconnect=True)
    slack.fail("users.info", status=503)
    c = client(slack)
    channel = (await c.conversations_open(users="U1"))["channel"]["id"]
    assert (await c.conversations_history(channel=channel))["ok"]
    assert (await c.users_info(user="U1"))["ok"]
    assert [x.status for x in slack.calls_to("conversations.open")] == [0, 200]
    assert [x.status for x in slack.calls_to("conversations.history")] == [500, 200]
    assert [x.status for x in slack.calls_to("users.info")] == [503, 200]


async def test_a_rate_limited_post_is_retried_slack_did_nothing(slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", status=429, retry_after=0)
    assert (await client(slack).chat_postMessage(channel="U1", text="once"))["ok"]
    assert [m["text"] for m in slack.messages("U1")] == ["once"]
    assert [x.status for x in slack.calls_to("chat.postMessage")] == [429, 200]


async def test_a_connection_never_made_is_retried_for_any_method() -> None:
    base = "https://slack.example/api/"
    handler = OnlyWhenResendable(AsyncConnectionErrorRetryHandler(max_retry_count=2), base)
    post = HttpRequest(method="POST", url=base + "chat.postMessage", headers={})
    refused = aiohttp.ClientConnectorError(
        aiohttp.client_reqrep.ConnectionKey("slack.example", 443, True, True, None, None, None),
        OSError(111, "Connection refused"),
    )
    dropped = aiohttp.ServerDisconnectedError()
    state = RetryState()
    assert await handler.can_retry_async(state=state, request=post, error=refused)
    assert not await handler.can_retry_async(state=state, request=post, error=dropped)
    read = HttpRequest(method="POST", url=base + "conversations.history", headers={})
    assert await handler.can_retry_async(state=state, request=read, error=dropped)
