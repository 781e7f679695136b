"""The fake Slack itself, driven by slack-sdk's real AsyncWebClient."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakeslack import FakeSlack

TOKEN = "xoxb-T0001-fake"


@pytest.fixture
async def slack():
    fake = FakeSlack()
    fake.add_workspace("T0001", bot_token=TOKEN)
    fake.add_user("T0001", "U1", name="ann", tz="Asia/Kolkata", is_admin=True)
    fake.add_user("T0001", "U2", name="bob")
    fake.add_user("T0001", "UGONE", name="gone", deleted=True)
    fake.add_channel("T0001", "CPUB", "general", members=["U1"])
    fake.add_channel("T0001", "GPRIV", "secret", is_private=True)
    fake.add_channel("T0001", "COLD", "old", is_archived=True)
    await fake.start()
    yield fake
    await fake.stop()


def client(fake: FakeSlack, token: str = TOKEN, **kwargs) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=fake.base_url, **kwargs)


async def error_of(coro) -> str:
    with pytest.raises(SlackApiError) as err:
        await coro
    return str(err.value.response["error"])


async def test_auth_and_users(slack: FakeSlack) -> None:
    c = client(slack)
    assert (await c.auth_test())["team_id"] == "T0001"
    user = (await c.users_info(user="U1"))["user"]
    assert user["tz"] == "Asia/Kolkata" and user["tz_offset"] == 19800 and user["is_admin"]
    assert await error_of(c.users_info(user="UNOPE")) == "user_not_found"
    assert await error_of(client(slack, "xoxb-wrong").auth_test()) == "invalid_auth"
    assert await error_of(AsyncWebClient(base_url=slack.base_url).auth_test()) == "not_authed"
    assert slack.calls_to("users.info", user="U1")


async def test_post_update_delete_and_errors(slack: FakeSlack) -> None:
    c = client(slack)
    posted = await c.chat_postMessage(channel="U2", text="hi")
    assert posted["channel"] == slack.dm_channel("T0001", "U2")
    await c.chat_update(channel=posted["channel"], ts=posted["ts"], text="edited")
    assert slack.messages(posted["channel"])[0]["text"] == "edited"
    await c.chat_delete(channel=posted["channel"], ts=posted["ts"])
    assert slack.messages(posted["channel"]) == []
    assert await error_of(c.chat_postMessage(channel="", text="x")) == "channel_not_found"
    assert await error_of(c.chat_postMessage(channel="CNOPE", text="x")) == "channel_not_found"
    assert await error_of(c.chat_postMessage(channel="GPRIV", text="x")) == "not_in_channel"
    assert await error_of(c.chat_postMessage(channel="COLD", text="x")) == "is_archived"
    assert await error_of(c.chat_postMessage(channel="UGONE", text="x")) == "user_disabled"
    assert await error_of(c.chat_postMessage(channel="U2")) == "no_text"
    assert await error_of(c.chat_update(channel="CPUB", ts="1.2", text="x")) == "message_not_found"


async def test_invalid_blocks_shape(slack: FakeSlack) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    with pytest.raises(SlackApiError) as err:
        await client(slack).chat_postMessage(channel="U2", text="x", blocks=blocks)
    body = err.value.response.data
    assert body["error"] == "invalid_blocks"
    assert "json-pointer:/blocks/0/text/text" in body["errors"][0]
    assert body["response_metadata"]["messages"][0].startswith("[ERROR]")


async def test_ephemeral_membership(slack: FakeSlack) -> None:
    c = client(slack)
    await c.chat_postEphemeral(channel="CPUB", user="U1", text="psst")
    assert (
        await error_of(c.chat_postEphemeral(channel="CPUB", user="U2", text="x"))
        == "user_not_in_channel"
    )


async def test_conversations(slack: FakeSlack) -> None:
    c = client(slack)
    joined = await c.conversations_join(channel="CPUB")
    assert joined["channel"]["is_member"]
    again = await c.conversations_join(channel="CPUB")
    assert again["warning"] == "already_in_channel"
    assert (
        await error_of(c.conversations_join(channel="GPRIV"))
        == "method_not_supported_for_channel_type"
    )
    assert await error_of(c.conversations_join(channel="COLD")) == "is_archived"
    assert await error_of(c.conversations_info(channel="GPRIV")) == "channel_not_found"
    slack.workspaces["T0001"].channels["GPRIV"]["members"].add("UBOT0001")
    assert (await c.conversations_info(channel="GPRIV"))["channel"]["is_member"]
    dm = await c.conversations_open(users="U1")
    group = await c.conversations_open(users="U2,U1")
    assert dm["channel"]["id"].startswith("D") and group["channel"]["id"].startswith("G")
    assert (await c.conversations_open(users="U1,U2"))["channel"]["id"] == group["channel"]["id"]
    await c.chat_postMessage(channel=group["channel"]["id"], text="hello both")
    assert await error_of(c.conversations_open(users="U1,UNOPE")) == "user_not_found"


async def test_history_with_metadata(slack: FakeSlack) -> None:
    c = client(slack)
    meta = {"event_type": "mentorbot_delivery", "event_payload": {"key": "k#0"}}
    posted = await c.chat_postMessage(channel="U2", text="hi", metadata=meta)
    history = await c.conversations_history(channel=posted["channel"], include_all_metadata=True)
    assert history["messages"][0]["metadata"]["event_payload"]["key"] == "k#0"
    plain = await c.conversations_history(channel=posted["channel"])
    assert "metadata" not in plain["messages"][0]


MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "cb",
    "title": {"type": "plain_text", "text": "Hi"},
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}],
}


async def test_view_stack_and_triggers(slack: FakeSlack) -> None:
    c = client(slack)
    trigger = slack.issue_trigger("U1", "T0001")
    opened = (await c.views_open(trigger_id=trigger, view=MODAL))["view"]
    assert (slack.open_view("U1") or {}).get("id") == opened["id"]
    assert await error_of(c.views_open(trigger_id=trigger, view=MODAL)) == "exchanged_trigger_id"
    assert await error_of(c.views_open(trigger_id="1.2.3", view=MODAL)) == "invalid_trigger_id"
    updated = (await c.views_update(view_id=opened["id"], hash=opened["hash"], view=MODAL))["view"]
    assert (
        await error_of(c.views_update(view_id=opened["id"], hash=opened["hash"], view=MODAL))
        == "hash_conflict"
    )
    assert await error_of(c.views_update(view_id="VNOPE", view=MODAL)) == "not_found"
    for _ in range(2):
        await c.views_push(trigger_id=slack.issue_trigger("U1", "T0001"), view=MODAL)
    assert (
        await error_of(c.views_push(trigger_id=slack.issue_trigger("U1", "T0001"), view=MODAL))
        == "push_limit_reached"
    )
    assert updated["id"] == opened["id"]
    slack.close_views("U1")
    assert slack.open_view("U1") is None
    too_many = {**MODAL, "blocks": MODAL["blocks"] * 101}
    with pytest.raises(SlackApiError) as err:
        await c.views_open(trigger_id=slack.issue_trigger("U1", "T0001"), view=too_many)
    assert err.value.response["error"] == "invalid_arguments"
    assert "/view/blocks" in err.value.response["response_metadata"]["messages"][0]


async def test_expired_trigger(slack: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    trigger = slack.issue_trigger("U1", "T0001")
    real = time.time
    monkeypatch.setattr("tests.fakeslack.server.time.time", lambda: real() + 4)
    assert (
        await error_of(client(slack).views_open(trigger_id=trigger, view=MODAL))
        == "expired_trigger_id"
    )


async def test_home_publish(slack: FakeSlack) -> None:
    home = {"type": "home", "blocks": MODAL["blocks"]}
    await client(slack).views_publish(user_id="U2", view=home)
    assert (slack.home_view("U2") or {}).get("type") == "home"


async def test_injected_429_is_seen_and_retried_by_slack_sdk(slack: FakeSlack) -> None:
    slack.fail("auth.test", status=429, retry_after=1)
    with pytest.raises(SlackApiError) as err:
        await client(slack).auth_test()
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "1"
    slack.fail("auth.test", status=429, retry_after=1)
    retrying = client(slack, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)])
    started = time.monotonic()
    assert (await retrying.auth_test())["ok"]
    assert time.monotonic() - started >= 1  # it honoured Retry-After


async def test_injected_500_and_server_error_retry(slack: FakeSlack) -> None:
    slack.fail("auth.test", status=500, times=1)
    retrying = client(slack, retry_handlers=[AsyncServerErrorRetryHandler(max_retry_count=1)])
    assert (await retrying.auth_test())["ok"]
    assert [c.status for c in slack.calls_to("auth.test")] == [500, 200]
    slack.fail("auth.test", error="fatal_error")
    assert await error_of(client(slack).auth_test()) == "fatal_error"


async def test_fault_rate_is_deterministic(slack: FakeSlack) -> None:
    def pattern() -> list[int]:
        return [c.status for c in slack.calls_to("auth.test")]

    async def run() -> list[int]:
        slack.reset_calls()
        slack.set_fault_rate(0.3, kinds=("429", "500"), seed=7)
        for _ in range(30):
            with contextlib.suppress(SlackApiError):
                await client(slack).auth_test()
        return pattern()

    first = await run()
    assert first == await run()
    assert 0 < sum(s != 200 for s in first) < 30


async def test_per_channel_rate_limit(slack: FakeSlack) -> None:
    slack.set_rate_limits(per_channel_per_second=1, channel_burst=2)
    c = client(slack)
    await c.chat_postMessage(channel="U2", text="1")
    await c.chat_postMessage(channel="U2", text="2")
    with pytest.raises(SlackApiError) as err:
        await c.chat_postMessage(channel="U2", text="3")
    assert err.value.response.status_code == 429
    assert int(err.value.response.headers["Retry-After"]) >= 1
    await c.chat_postMessage(channel="U1", text="another channel is fine")
    assert slack.stats["rate_limited"] == 1


async def test_response_url_validates(slack: FakeSlack) -> None:
    import httpx

    url = slack.response_url()
    async with httpx.AsyncClient() as http:
        ok = await http.post(url, json={"text": "hi"})
        bad = await http.post(url, json={"blocks": [{"type": "bogus"}]})
    assert ok.status_code == 200 and bad.status_code == 400
    assert [c.status for c in slack.calls_to("response_url")] == [200, 400]


async def test_files_upload_v2(slack: FakeSlack) -> None:
    c = client(slack)
    assert (
        await error_of(c.files_upload_v2(channel="CPUB", filename="r.csv", content=b"x"))
        == "not_in_channel"
    )
    await c.conversations_join(channel="CPUB")
    await c.files_upload_v2(
        channel="CPUB", filename="report.csv", content=b"a,b\n1,2\n", title="Report"
    )
    [upload] = slack.uploaded_files
    assert upload["content"] == b"a,b\n1,2\n" and upload["title"] == "Report"


async def test_oauth_v2_access(slack: FakeSlack) -> None:
    slack.add_oauth_app("123.456", "s3cret", team_id="T0002", code="code-1", name="Globex")
    anonymous = AsyncWebClient(base_url=slack.base_url)
    assert (
        await error_of(
            anonymous.oauth_v2_access(client_id="123.456", client_secret="nope", code="code-1")
        )
        == "bad_client_secret"
    )
    granted = await anonymous.oauth_v2_access(
        client_id="123.456", client_secret="s3cret", code="code-1"
    )
    assert granted["team"]["id"] == "T0002" and granted["access_token"].startswith("xoxb-")
    assert (await client(slack, granted["access_token"]).auth_test())["team_id"] == "T0002"
    assert (
        await error_of(
            anonymous.oauth_v2_access(client_id="123.456", client_secret="s3cret", code="code-1")
        )
        == "invalid_code"
    )


def test_threaded_mode_from_sync_code() -> None:
    from slack_sdk import WebClient

    fake = FakeSlack()
    fake.add_workspace("T0001", bot_token=TOKEN)
    fake.start_in_thread()
    try:
        assert WebClient(token=TOKEN, base_url=fake.base_url).auth_test()["ok"]
        assert fake.wait_for_sync("auth.test")
    finally:
        fake.stop_thread()


async def test_socket_mode_envelopes(slack: FakeSlack) -> None:
    from slack_sdk.socket_mode.aiohttp import SocketModeClient
    from slack_sdk.socket_mode.response import SocketModeResponse

    slack.add_app_token("xapp-1-test")
    received = []

    async def listener(client: Any, request: Any) -> None:
        received.append(request.payload)
        await client.send_socket_mode_response(
            SocketModeResponse(envelope_id=request.envelope_id, payload={"text": "got it"})
        )

    socket = SocketModeClient(app_token="xapp-1-test", web_client=client(slack))
    socket.socket_mode_request_listeners.append(listener)
    await socket.connect()
    try:
        ack = await slack.socket_send("slash_commands", {"command": "/mentor", "text": "help"})
    finally:
        await socket.close()
        await asyncio.sleep(0)
    assert received == [{"command": "/mentor", "text": "help"}]
    assert ack["payload"] == {"text": "got it"}
