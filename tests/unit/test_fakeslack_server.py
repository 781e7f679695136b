"""The fake Slack itself, driven over real HTTP by slack_sdk's own AsyncWebClient."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable
from datetime import UTC, datetime
from typing import Any

import aiohttp
import httpx
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from fakeslack import FakeSlack
from tests.unit.test_fakeslack_blockkit import MESSAGE_CASES, VIEW_CASES

TEAM = "T0001"
TOKEN = "xoxb-T0001-fake"
JULY = datetime(2026, 7, 1, 12, 0, tzinfo=UTC).timestamp()


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock(JULY)


@pytest.fixture
async def slack(clock: Clock) -> AsyncIterator[FakeSlack]:
    fake = FakeSlack(now=clock)
    fake.add_workspace(TEAM, bot_token=TOKEN)
    fake.add_user(TEAM, "U1", name="ann", real_name="Ann Admin", tz="Asia/Kolkata", is_admin=True)
    fake.add_user(TEAM, "U2", name="bob")
    fake.add_user(TEAM, "U3", name="cat")
    fake.add_user(TEAM, "UGONE", name="gone", deleted=True)
    fake.add_channel(TEAM, "CPUB", "general", members=["U1"])
    fake.add_channel(TEAM, "CIN", "team", members=["U1", "UBOT0001"])
    fake.add_channel(TEAM, "CPRIV", "secret", is_private=True, members=["U1"])
    fake.add_channel(TEAM, "COLD", "old", is_archived=True, members=["UBOT0001"])
    async with fake:
        yield fake


def client(fake: FakeSlack, token: str | None = TOKEN, **kwargs: Any) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=fake.base_url, **kwargs)


async def error_of(call: Awaitable[Any]) -> str:
    with pytest.raises(SlackApiError) as err:
        await call
    return str(err.value.response["error"])


MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "cb",
    "title": {"type": "plain_text", "text": "Hi"},
    "close": {"type": "plain_text", "text": "Cancel"},
    "private_metadata": "42",
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}],
}


# ---------------------------------------------------------------------- auth and recording


async def test_auth_test_and_token_errors(slack: FakeSlack) -> None:
    me = await client(slack).auth_test()
    assert me["team_id"] == TEAM and me["user_id"] == "UBOT0001" and me["bot_id"] == "B0001"
    assert me["url"] == "https://acme.slack.com/" and me["is_enterprise_install"] is False
    assert await error_of(client(slack, "xoxb-wrong").auth_test()) == "invalid_auth"
    assert await error_of(client(slack, None).auth_test()) == "not_authed"
    slack.add_app_token("xapp-1")
    assert await error_of(client(slack, "xapp-1").auth_test()) == "not_allowed_token_type"
    slack.revoke_token(TOKEN)
    assert await error_of(client(slack).auth_test()) == "token_revoked"


async def test_token_as_a_form_field_and_unknown_methods(slack: FakeSlack) -> None:
    async with httpx.AsyncClient() as http:
        ok = await http.post(slack.base_url + "auth.test", data={"token": TOKEN})
        unknown = await http.post(slack.base_url + "nope.nope", data={"token": TOKEN})
    assert ok.json()["ok"] is True
    assert unknown.status_code == 404 and unknown.json() == {"ok": False, "error": "unknown_method"}
    [call] = slack.calls_to("auth.test")
    assert call.token == TOKEN and "token" not in call.args and call.team_id == TEAM


async def test_calls_are_recorded_with_decoded_args(slack: FakeSlack) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
    await client(slack).chat_postMessage(channel="U2", text="hi", blocks=blocks)
    with contextlib.suppress(SlackApiError):
        await client(slack).chat_postMessage(channel="CNOPE", text="x")
    ok, refused = slack.calls
    assert ok.method == "chat.postMessage" and ok.args["blocks"] == blocks  # decoded
    assert ok.ok and ok.status == 200 and ok.response and ok.response["ts"]
    assert ok.headers["Authorization"] == f"Bearer {TOKEN}" and ok.path == "/api/chat.postMessage"
    assert not refused.ok and refused.response == {"ok": False, "error": "channel_not_found"}
    assert ok.at <= refused.at <= time.monotonic()
    assert slack.calls_to("chat.postMessage", channel="U2") == [ok]
    assert slack.stats["calls"] == 2 and slack.stats["method:chat.postMessage"] == 2
    slack.reset_calls()
    assert slack.calls == []


async def test_wait_for_times_out_listing_recent_calls(slack: FakeSlack) -> None:
    await client(slack).auth_test()
    with pytest.raises(AssertionError, match=r"(?s)chat.postMessage.*auth.test -> 200 ok"):
        await slack.wait_for("chat.postMessage", timeout=0.05)


async def test_wait_for_sees_calls_made_meanwhile(slack: FakeSlack) -> None:
    async def later() -> None:
        await asyncio.sleep(0.05)
        await client(slack).chat_postMessage(channel="U2", text="one")
        await client(slack).chat_postMessage(channel="U2", text="two")

    task = asyncio.create_task(later())
    calls = await slack.wait_for("chat.postMessage", lambda c: c.ok, count=2, timeout=2)
    await task
    assert [c.args["text"] for c in calls] == ["one", "two"]


# ---------------------------------------------------------------------- users


async def test_users_info_has_slacks_shape(slack: FakeSlack) -> None:
    user = (await client(slack).users_info(user="U1"))["user"]
    assert user["id"] == "U1" and user["team_id"] == TEAM and user["name"] == "ann"
    assert user["real_name"] == "Ann Admin" and user["profile"]["display_name"] == "ann"
    assert user["profile"]["email"] == "ann@example.com" and user["profile"]["real_name"]
    assert user["tz"] == "Asia/Kolkata" and user["tz_offset"] == 19800 and user["tz_label"]
    assert user["is_admin"] and not user["is_owner"] and not user["is_bot"]
    assert not user["deleted"]
    assert (await client(slack).users_info(user="UGONE"))["user"]["deleted"] is True
    assert await error_of(client(slack).users_info(user="UNOPE")) == "user_not_found"


async def test_tz_offset_follows_daylight_saving_and_update_user(slack: FakeSlack) -> None:
    bob = (await client(slack).users_info(user="U2"))["user"]
    assert bob["tz"] == "Europe/London" and bob["tz_offset"] == 3600  # BST in July
    slack.update_user(TEAM, "U2", tz="America/New_York", is_admin=True)
    bob = (await client(slack).users_info(user="U2"))["user"]
    assert bob["tz_offset"] == -4 * 3600 and bob["is_admin"] and bob["name"] == "bob"


async def test_users_list_pages_with_cursors(slack: FakeSlack) -> None:
    c = client(slack)
    seen: list[str] = []
    cursor = None
    while True:
        page = await c.users_list(limit=2, cursor=cursor)
        seen += [m["id"] for m in page["members"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(["UBOT0001", "U1", "U2", "U3", "UGONE"])
    assert await error_of(c.users_list(cursor="bogus")) == "invalid_cursor"


# ---------------------------------------------------------------------- chat


async def test_post_message_to_a_person_lands_in_their_dm(slack: FakeSlack) -> None:
    c = client(slack)
    first = await c.chat_postMessage(channel="U2", text="hi")
    second = await c.chat_postMessage(channel=slack.dm_channel(TEAM, "U2"), text="again")
    assert first["channel"] == second["channel"] == slack.dm_channel(TEAM, "U2") == "D2"
    assert float(first["ts"]) < float(second["ts"]) and first["ts"].startswith(str(int(JULY)))
    message = first["message"]
    assert message["text"] == "hi" and message["user"] == "UBOT0001" and message["bot_id"]
    assert [m["text"] for m in slack.messages("D2")] == ["hi", "again"]
    assert slack.messages("U2") == slack.messages("D2")


async def test_threads(slack: FakeSlack) -> None:
    c = client(slack)
    parent = await c.chat_postMessage(channel="CIN", text="parent")
    reply = await c.chat_postMessage(channel="CIN", text="reply", thread_ts=parent["ts"])
    assert reply["message"]["thread_ts"] == parent["ts"]
    stored_parent, stored_reply = slack.messages("CIN")
    assert stored_parent["reply_count"] == 1 and stored_reply["thread_ts"] == parent["ts"]


@pytest.mark.parametrize(
    ("channel", "error"),
    [
        ("", "channel_not_found"),
        ("CNOPE", "channel_not_found"),
        ("UNOPE", "channel_not_found"),
        ("CPUB", "not_in_channel"),
        ("CPRIV", "not_in_channel"),
        ("COLD", "is_archived"),
        ("UGONE", "user_disabled"),
        ("UBOT0001", "cannot_dm_bot"),
    ],
)
async def test_post_message_errors(slack: FakeSlack, channel: str, error: str) -> None:
    assert await error_of(client(slack).chat_postMessage(channel=channel, text="x")) == error


async def test_post_message_needs_text_or_blocks(slack: FakeSlack) -> None:
    assert await error_of(client(slack).chat_postMessage(channel="U2")) == "no_text"


async def test_post_ephemeral(slack: FakeSlack) -> None:
    c = client(slack)
    sent = await c.chat_postEphemeral(channel="CPUB", user="U1", text="psst")
    assert sent["message_ts"]
    await c.chat_postEphemeral(channel="U2", user="U2", text="in a DM")
    slack.add_channel(TEAM, "COPEN", "anyone")  # no member list: anyone may be addressed
    await c.chat_postEphemeral(channel="COPEN", user="U3", text="hi")
    not_member = c.chat_postEphemeral(channel="CPUB", user="U2", text="x")
    assert await error_of(not_member) == "user_not_in_channel"
    assert await error_of(c.chat_postEphemeral(channel="CPUB", user="UX", text="x")) == (
        "user_not_found"
    )
    assert slack.messages("CPUB") == []  # ephemeral messages are not in the channel


async def test_update_and_delete(slack: FakeSlack) -> None:
    c = client(slack)
    posted = await c.chat_postMessage(channel="U2", text="hi")
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "edited"}}]
    updated = await c.chat_update(
        channel=posted["channel"], ts=posted["ts"], text="e", blocks=blocks
    )
    assert updated["ts"] == posted["ts"] and updated["message"]["blocks"] == blocks
    [message] = slack.messages(posted["channel"])
    assert message["text"] == "e" and message["blocks"] == blocks and message["edited"]
    await c.chat_delete(channel=posted["channel"], ts=posted["ts"])
    assert slack.messages(posted["channel"]) == []
    assert await error_of(c.chat_update(channel="CIN", ts="1.2", text="x")) == "message_not_found"
    assert await error_of(c.chat_delete(channel="CIN", ts="1.2")) == "message_not_found"


@pytest.mark.parametrize(("blocks", "pointer"), MESSAGE_CASES)
async def test_every_block_kit_rule_answers_invalid_blocks(
    slack: FakeSlack, blocks: list[dict[str, Any]], pointer: str
) -> None:
    with pytest.raises(SlackApiError) as err:
        await client(slack).chat_postMessage(channel="U2", text="fallback", blocks=blocks)
    body = err.value.response.data
    assert isinstance(body, dict) and body["error"] == "invalid_blocks"
    assert any(pointer in e for e in body["errors"]), body["errors"]
    assert all(m.startswith("[ERROR] ") for m in body["response_metadata"]["messages"])
    assert slack.messages("U2") == []


async def test_ephemeral_and_update_check_blocks_too(slack: FakeSlack) -> None:
    c = client(slack)
    bad = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    eph = c.chat_postEphemeral(channel="U2", user="U2", text="x", blocks=bad)
    assert await error_of(eph) == "invalid_blocks"
    posted = await c.chat_postMessage(channel="U2", text="ok")
    upd = c.chat_update(channel=posted["channel"], ts=posted["ts"], text="x", blocks=bad)
    assert await error_of(upd) == "invalid_blocks"
    assert slack.messages("U2")[0]["text"] == "ok"
    too_long = c.chat_postMessage(channel="U2", text="x" * 40_001)
    assert await error_of(too_long) == "invalid_blocks"


# ---------------------------------------------------------------------- conversations


async def test_conversations_open(slack: FakeSlack) -> None:
    c = client(slack)
    dm = await c.conversations_open(users="U1")
    assert dm["channel"] == {"id": "D1"} and "already_open" not in dm.data
    again = await c.conversations_open(users="U1", return_im=True)
    assert again["already_open"] and again["channel"]["is_im"] and again["channel"]["user"] == "U1"
    group = await c.conversations_open(users="U2,U1")
    assert group["channel"]["id"].startswith("G")
    assert (await c.conversations_open(users="U1,U2"))["channel"] == group["channel"]
    assert (await c.conversations_open(users="U1,U3"))["channel"] != group["channel"]
    await c.chat_postMessage(channel=group["channel"]["id"], text="hello both")
    assert (await c.conversations_open(channel="CIN"))["channel"]["id"] == "CIN"
    assert await error_of(c.conversations_open(users="U1,UNOPE")) == "user_not_found"
    assert await error_of(c.conversations_open(users="UGONE")) == "user_disabled"


async def test_conversations_join(slack: FakeSlack) -> None:
    c = client(slack)
    joined = await c.conversations_join(channel="CPUB")
    assert joined["channel"]["is_member"] and joined["channel"]["name"] == "general"
    assert "warning" not in joined.data
    again = await c.conversations_join(channel="CPUB")
    assert again["warning"] == "already_in_channel"
    await c.chat_postMessage(channel="CPUB", text="now I may post")
    private = c.conversations_join(channel="CPRIV")
    assert await error_of(private) == "method_not_supported_for_channel_type"
    slack.add_channel(TEAM, "CARCH", "archived-public", is_archived=True)
    assert await error_of(c.conversations_join(channel="CARCH")) == "is_archived"
    assert await error_of(c.conversations_join(channel="CNOPE")) == "channel_not_found"


async def test_conversations_info_and_members(slack: FakeSlack) -> None:
    c = client(slack)
    info = (await c.conversations_info(channel="CPUB", include_num_members=True))["channel"]
    assert info["id"] == "CPUB" and info["name"] == "general" and info["is_channel"]
    assert not info["is_private"] and not info["is_member"] and not info["is_archived"]
    assert info["num_members"] == 1
    assert (await c.conversations_info(channel="COLD"))["channel"]["is_archived"]
    assert await error_of(c.conversations_info(channel="CPRIV")) == "channel_not_found"
    slack.add_members(TEAM, "CPRIV", "UBOT0001")
    private = (await c.conversations_info(channel="CPRIV"))["channel"]
    assert private["is_private"] and private["is_member"]
    first = await c.conversations_members(channel="CPRIV", limit=1)
    rest = await c.conversations_members(
        channel="CPRIV", cursor=first["response_metadata"]["next_cursor"]
    )
    assert first["members"] + rest["members"] == ["U1", "UBOT0001"]
    assert rest["response_metadata"]["next_cursor"] == ""


async def test_history_with_metadata(slack: FakeSlack) -> None:
    c = client(slack)
    meta = {"event_type": "mentorbot_delivery", "event_payload": {"key": "k#0"}}
    posted = await c.chat_postMessage(channel="U2", text="hi", metadata=meta)
    await c.chat_postMessage(channel="U2", text="newer")
    history = await c.conversations_history(channel=posted["channel"], include_all_metadata=True)
    assert [m["text"] for m in history["messages"]] == ["newer", "hi"]
    assert history["messages"][1]["metadata"]["event_payload"]["key"] == "k#0"
    plain = await c.conversations_history(channel=posted["channel"], limit=1)
    assert "metadata" not in plain["messages"][0] and plain["has_more"]


# ---------------------------------------------------------------------- views


async def test_views_open_returns_slacks_view_object(slack: FakeSlack) -> None:
    trigger = slack.issue_trigger("U1", TEAM)
    view = (await client(slack).views_open(trigger_id=trigger, view=MODAL))["view"]
    assert view["id"].startswith("V") and view["team_id"] == TEAM and view["type"] == "modal"
    assert view["callback_id"] == "cb" and view["private_metadata"] == "42"
    assert view["title"] == MODAL["title"] and view["blocks"] == MODAL["blocks"]
    assert view["close"] == MODAL["close"] and view["submit"] is None
    assert view["state"] == {"values": {}} and view["hash"]
    assert view["root_view_id"] == view["id"] and view["previous_view_id"] is None
    assert view["app_id"] == "A0001" and view["bot_id"] == "B0001"
    assert slack.open_view("U1") == view
    assert await slack.wait_for_view("U1", callback_id="cb") == view
    assert slack.open_view("U2") is None


async def test_trigger_ids_are_single_use_short_lived_and_per_person(
    slack: FakeSlack, clock: Clock
) -> None:
    c = client(slack)
    trigger = slack.issue_trigger("U1", TEAM)
    await c.views_open(trigger_id=trigger, view=MODAL)
    assert await error_of(c.views_open(trigger_id=trigger, view=MODAL)) == "exchanged_trigger_id"
    assert await error_of(c.views_open(trigger_id="1.2.3", view=MODAL)) == "invalid_trigger_id"
    assert await error_of(c.views_open(trigger_id="", view=MODAL)) == "invalid_trigger_id"
    unissued = f"{int(clock.now * 1000)}.123456.abcdef0123"
    assert await error_of(c.views_open(trigger_id=unissued, view=MODAL)) == "invalid_trigger_id"
    stale = slack.issue_trigger("U2", TEAM)
    clock.advance(3.5)
    assert await error_of(c.views_open(trigger_id=stale, view=MODAL)) == "expired_trigger_id"
    fresh = slack.issue_trigger("U2", TEAM)
    clock.advance(2.5)
    await c.views_open(trigger_id=fresh, view=MODAL)
    assert slack.open_view("U2") is not None
    elsewhere = slack.issue_trigger("U1", "T0002")
    assert await error_of(c.views_open(trigger_id=elsewhere, view=MODAL)) == "invalid_trigger_id"


async def test_view_stack_update_push_and_hash_conflicts(slack: FakeSlack) -> None:
    c = client(slack)
    opened = (await c.views_open(trigger_id=slack.issue_trigger("U1", TEAM), view=MODAL))["view"]
    changed = {**MODAL, "callback_id": "cb2"}
    updated = (await c.views_update(view_id=opened["id"], hash=opened["hash"], view=changed))[
        "view"
    ]
    assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]
    assert (slack.open_view("U1") or {})["callback_id"] == "cb2"
    stale = c.views_update(view_id=opened["id"], hash=opened["hash"], view=MODAL)
    assert await error_of(stale) == "hash_conflict"
    assert await error_of(c.views_update(view_id="VNOPE", view=MODAL)) == "not_found"
    pushed = (await c.views_push(trigger_id=slack.issue_trigger("U1", TEAM), view=MODAL))["view"]
    assert pushed["root_view_id"] == opened["id"] and pushed["previous_view_id"] == opened["id"]
    await c.views_push(
        trigger_id=slack.issue_trigger("U1", TEAM), view={**MODAL, "external_id": "ext-1"}
    )
    assert len(slack.view_stack("U1")) == 3
    too_many = c.views_push(trigger_id=slack.issue_trigger("U1", TEAM), view=MODAL)
    assert await error_of(too_many) == "push_limit_reached"
    by_external = await c.views_update(external_id="ext-1", view={**MODAL, "callback_id": "x"})
    assert (slack.open_view("U1") or {})["id"] == by_external["view"]["id"]
    assert (slack.open_view("U1") or {})["callback_id"] == "x"
    slack.close_views("U1")
    assert slack.open_view("U1") is None and slack.view_stack("U1") == []


async def test_response_actions_move_the_stack(slack: FakeSlack) -> None:
    c = client(slack)
    await c.views_open(trigger_id=slack.issue_trigger("U1", TEAM), view=MODAL)
    root = slack.open_view("U1") or {}
    slack.apply_response_action("U1", {"response_action": "errors", "errors": {"b": "no"}})
    assert (slack.open_view("U1") or {})["id"] == root["id"]
    slack.apply_response_action("U1", {"response_action": "push", "view": MODAL})
    assert len(slack.view_stack("U1")) == 2
    slack.apply_response_action(
        "U1", {"response_action": "update", "view": {**MODAL, "callback_id": "u"}}
    )
    assert (slack.open_view("U1") or {})["callback_id"] == "u"
    slack.apply_response_action("U1", None)  # a plain ack closes the top modal
    assert (slack.open_view("U1") or {})["id"] == root["id"]
    slack.apply_response_action("U1", {"response_action": "push", "view": MODAL})
    slack.apply_response_action("U1", {"response_action": "clear"})
    assert slack.open_view("U1") is None
    await c.views_open(trigger_id=slack.issue_trigger("U1", TEAM), view=MODAL)
    with pytest.raises(AssertionError, match="invalid view"):
        slack.apply_response_action("U1", {"response_action": "update", "view": {"type": "modal"}})


async def test_home_tab(slack: FakeSlack) -> None:
    c = client(slack)
    home = {"type": "home", "blocks": MODAL["blocks"]}
    first = (await c.views_publish(user_id="U2", view=home))["view"]
    second = (await c.views_publish(user_id="U2", view=home, hash=first["hash"]))["view"]
    assert second["id"] == first["id"] and (slack.home_view("U2") or {})["hash"] == second["hash"]
    stale = c.views_publish(user_id="U2", view=home, hash=first["hash"])
    assert await error_of(stale) == "hash_conflict"
    assert await error_of(c.views_publish(user_id="UNOPE", view=home)) == "user_not_found"
    assert await error_of(c.views_publish(user_id="U2", view=MODAL)) == "invalid_arguments"
    assert slack.home_view("U3") is None
    updated = await c.views_update(view_id=first["id"], view={**home, "callback_id": "h"})
    assert (slack.home_view("U2") or {})["callback_id"] == "h" == updated["view"]["callback_id"]


@pytest.mark.parametrize(("view", "pointer"), VIEW_CASES)
async def test_every_view_rule_answers_invalid_arguments(
    slack: FakeSlack, view: dict[str, Any], pointer: str
) -> None:
    c = client(slack)
    if view.get("type") == "home":
        call = c.views_publish(user_id="U1", view=view)
    else:
        call = c.views_open(trigger_id=slack.issue_trigger("U1", TEAM), view=view)
    with pytest.raises(SlackApiError) as err:
        await call
    body = err.value.response.data
    assert isinstance(body, dict) and body["error"] == "invalid_arguments"
    messages = body["response_metadata"]["messages"]
    assert all(m.startswith("[ERROR] ") for m in messages)
    assert any(pointer in m for m in messages), messages
    assert slack.open_view("U1") is None and slack.home_view("U1") is None


# ---------------------------------------------------------------------- faults


async def test_injected_429_is_seen_and_retried_by_slack_sdk(slack: FakeSlack) -> None:
    slack.fail("auth.test", status=429, retry_after=1)
    with pytest.raises(SlackApiError) as err:
        await client(slack).auth_test()
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] in ("1", ["1"])
    assert err.value.response["error"] == "ratelimited"
    slack.fail("auth.test", status=429, retry_after=1)
    retrying = client(slack, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)])
    started = time.monotonic()
    assert (await retrying.auth_test())["ok"]
    assert time.monotonic() - started >= 1  # it honoured Retry-After
    assert slack.stats["fault:429"] == 2


async def test_injected_server_errors_and_slack_sdk_retries(slack: FakeSlack) -> None:
    slack.fail("auth.test", status=500)
    retrying = client(slack, retry_handlers=[AsyncServerErrorRetryHandler(max_retry_count=1)])
    assert (await retrying.auth_test())["ok"]
    assert [c.status for c in slack.calls_to("auth.test")] == [500, 200]
    slack.fail(status=503, times=2)  # "*": any method
    with pytest.raises(SlackApiError) as err:
        await client(slack).users_info(user="U1")
    assert err.value.response.status_code == 503
    assert await error_of(client(slack).auth_test()) == "internal_error"
    assert (await client(slack).auth_test())["ok"]  # times=2 used up
    slack.fail("auth.test", error="fatal_error")
    assert await error_of(client(slack).auth_test()) == "fatal_error"
    assert slack.calls[-1].status == 200
    assert slack.stats["fault:500"] == 1 and slack.stats["fault:503"] == 2
    assert slack.stats["fault:error"] == 1


async def test_a_delay_times_the_client_out_but_slack_still_posts(slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", delay=0.6)
    impatient = client(slack, timeout=0.2)
    with pytest.raises(asyncio.TimeoutError):
        await impatient.chat_postMessage(channel="U2", text="slow")
    await slack.wait_for("chat.postMessage", lambda c: c.ok, timeout=2)
    assert [m["text"] for m in slack.messages("U2")] == ["slow"]
    assert slack.stats["fault:timeout"] == 1


async def test_a_held_call_is_recorded_at_once_and_answered_on_release(slack: FakeSlack) -> None:
    release = slack.hold("chat.postMessage")
    posting = asyncio.create_task(client(slack).chat_postMessage(channel="U2", text="held"))
    [held] = await slack.wait_for("chat.postMessage")
    assert held.response is None and not posting.done() and slack.messages("U2") == []
    release()
    assert (await posting)["ok"] and held.ok
    assert [m["text"] for m in slack.messages("U2")] == ["held"]
    # Only the next call was held.
    assert (await client(slack).chat_postMessage(channel="U2", text="free"))["ok"]


async def test_a_stored_server_error_posts_and_then_answers_500(slack: FakeSlack) -> None:
    """Slack took the post, but its answer is a 500: the message is there all the same, and
    slack-sdk's server-error handler, re-sending at once, posts it a second time."""
    slack.fail("chat.postMessage", status=500, stored=True)
    with pytest.raises(SlackApiError) as err:
        await client(slack).chat_postMessage(channel="U2", text="once")
    assert err.value.response.status_code == 500
    assert [m["text"] for m in slack.messages("U2")] == ["once"]
    [call] = slack.calls_to("chat.postMessage")
    assert call.status == 500 and not call.ok
    slack.fail("chat.postMessage", status=503, stored=True)
    retrying = client(slack, retry_handlers=[AsyncServerErrorRetryHandler(max_retry_count=1)])
    assert (await retrying.chat_postMessage(channel="U3", text="twice"))["ok"]
    assert [m["text"] for m in slack.messages("U3")] == ["twice", "twice"]
    assert slack.stats["fault:stored-500"] == 1 and slack.stats["fault:stored-503"] == 1
    with pytest.raises(ValueError, match="5xx"):
        slack.fail("chat.postMessage", status=429, stored=True)


async def test_a_disconnect_posts_and_then_drops_the_connection(slack: FakeSlack) -> None:
    """The connection drops after Slack took the post: the client sees a dropped connection,
    and slack-sdk's connection-error handler, re-sending at once, posts it a second time."""
    slack.fail("chat.postMessage", disconnect=True)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await client(slack, retry_handlers=[]).chat_postMessage(channel="U2", text="once")
    assert [m["text"] for m in slack.messages("U2")] == ["once"]
    slack.fail("chat.postMessage", disconnect=True)
    retrying = client(slack, retry_handlers=[AsyncConnectionErrorRetryHandler(max_retry_count=1)])
    assert (await retrying.chat_postMessage(channel="U3", text="twice"))["ok"]
    assert [m["text"] for m in slack.messages("U3")] == ["twice", "twice"]
    assert slack.stats["fault:disconnect"] == 2


async def test_fault_rate_can_store_before_failing(slack: FakeSlack) -> None:
    slack.set_fault_rate(1.0, kinds=("stored-502",), methods=["chat.postMessage"])
    for n in range(3):
        with contextlib.suppress(SlackApiError):
            await client(slack).chat_postMessage(channel="U2", text=str(n))
    assert [m["text"] for m in slack.messages("U2")] == ["0", "1", "2"]
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [502, 502, 502]
    slack.set_fault_rate(1.0, kinds=("disconnect",), methods=["chat.postMessage"])
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await client(slack, retry_handlers=[]).chat_postMessage(channel="U2", text="3")
    assert len(slack.messages("U2")) == 4


async def test_fault_rate_is_deterministic_by_seed(slack: FakeSlack) -> None:
    async def run(seed: int, methods: list[str] | None = None) -> list[int]:
        slack.reset_calls()
        slack.set_fault_rate(0.3, kinds=("429", "500"), seed=seed, methods=methods)
        for _ in range(40):
            with contextlib.suppress(SlackApiError):
                await client(slack).auth_test()
        return [c.status for c in slack.calls_to("auth.test")]

    first = await run(7)
    assert first == await run(7)
    assert first != await run(8)
    assert 0 < sum(s != 200 for s in first) < 40 and set(first) <= {200, 429, 500}
    assert set(await run(7, methods=["chat.postMessage"])) == {200}
    slack.set_fault_rate(0)
    assert (await client(slack).auth_test())["ok"]


async def test_per_channel_rate_limit(slack: FakeSlack) -> None:
    slack.set_rate_limits(per_channel_per_second=1, channel_burst=2)
    c = client(slack)
    await c.chat_postMessage(channel="U2", text="1")
    await c.chat_postMessage(channel="D2", text="2")  # the same DM as U2
    with pytest.raises(SlackApiError) as err:
        await c.chat_postMessage(channel="U2", text="3")
    assert err.value.response.status_code == 429
    retry_after = err.value.response.headers["Retry-After"]
    assert int(retry_after if isinstance(retry_after, str) else retry_after[0]) >= 1
    await c.chat_postMessage(channel="U1", text="another channel is fine")
    assert slack.stats["rate_limited"] == 1
    assert [m["text"] for m in slack.messages("U2")] == ["1", "2"]


async def test_workspace_rate_limit(slack: FakeSlack) -> None:
    slack.set_rate_limits(per_channel_per_second=None, workspace_per_minute=3)
    c = client(slack)
    for user in ("U1", "U2", "U3"):
        await c.chat_postMessage(channel=user, text="hi")
    with pytest.raises(SlackApiError) as err:
        await c.chat_postMessage(channel="CIN", text="one too many")
    assert err.value.response.status_code == 429
    assert slack.stats["rate_limited"] == 1


async def test_no_rate_limits_unless_asked(slack: FakeSlack) -> None:
    c = client(slack)
    for i in range(20):
        await c.chat_postMessage(channel="U2", text=str(i))
    assert len(slack.messages("U2")) == 20 and slack.stats["rate_limited"] == 0


# ---------------------------------------------------------------------- response_url


async def test_response_url(slack: FakeSlack) -> None:
    url = slack.response_url("k1")
    assert url == f"{slack.url}/response/k1"
    bad_blocks = {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]}
    async with httpx.AsyncClient() as http:
        ok = await http.post(url, json={"text": "hi", "response_type": "ephemeral"})
        bad = await http.post(url, json=bad_blocks)
        empty = await http.post(url, json={"replace_original": True})
        garbage = await http.post(url, content=b"not json")
        used = [(await http.post(url, json={"text": "x"})).status_code for _ in range(4)]
    assert ok.status_code == 200 and ok.text == "ok"
    assert bad.status_code == 400 and "invalid_blocks" in bad.text
    assert "json-pointer:/blocks/0/text/text" in bad.text
    assert empty.status_code == 400 and garbage.status_code == 400
    assert used == [200, 200, 404, 404]  # five posts to one response_url, as on Slack
    calls = slack.calls_to("response_url")
    assert calls[0].args == {"text": "hi", "response_type": "ephemeral"} and calls[0].ok
    assert [c.status for c in calls] == [200, 400, 400, 400, 200, 200, 404, 404]


# ---------------------------------------------------------------------- files, OAuth


async def test_files_upload_v2(slack: FakeSlack) -> None:
    c = client(slack)
    refused = c.files_upload_v2(channel="CPUB", filename="r.csv", content=b"x")
    assert await error_of(refused) == "not_in_channel"
    done = await c.files_upload_v2(
        channel="CIN", filename="report.csv", content=b"a,b\n1,2\n", title="Report"
    )
    assert done["file"]["title"] == "Report"
    [upload] = slack.uploaded_files
    assert upload["content"] == b"a,b\n1,2\n" and upload["filename"] == "report.csv"
    assert upload["title"] == "Report" and upload["channel"] == "CIN"
    # Sharing a file posts a message that carries it, as Slack's history shows.
    await c.files_upload_v2(
        channel="U2", filename="mine.csv", content=b"z", initial_comment="Yours"
    )
    [shared] = slack.messages("U2")
    assert shared["text"] == "Yours" and shared["upload"] is True
    assert [f["id"] for f in shared["files"]] == [slack.uploaded_files[-1]["id"]]
    history = await c.conversations_history(channel=slack.dm_channel(TEAM, "U2"))
    assert history["messages"][0]["files"][0]["name"] == "mine.csv"


async def test_oauth_v2_access(slack: FakeSlack) -> None:
    slack.add_oauth_app(
        "123.456", "s3cret", team_id="T0002", code="code-1", installer="UINST", name="Globex"
    )
    anonymous = AsyncWebClient(base_url=slack.base_url)
    wrong_secret = anonymous.oauth_v2_access(client_id="123.456", client_secret="no", code="code-1")
    assert await error_of(wrong_secret) == "bad_client_secret"
    wrong_client = anonymous.oauth_v2_access(client_id="9", client_secret="s3cret", code="code-1")
    assert await error_of(wrong_client) == "invalid_client_id"
    granted = await anonymous.oauth_v2_access(
        client_id="123.456", client_secret="s3cret", code="code-1"
    )
    assert granted["team"] == {"id": "T0002", "name": "Globex"}
    assert granted["access_token"].startswith("xoxb-") and granted["token_type"] == "bot"
    assert granted["authed_user"] == {"id": "UINST"} and granted["bot_user_id"]
    assert granted["enterprise"] is None and granted["is_enterprise_install"] is False
    assert granted["app_id"] == "A0001" and "chat:write" in granted["scope"]
    assert (await client(slack, granted["access_token"]).auth_test())["team_id"] == "T0002"
    reused = anonymous.oauth_v2_access(client_id="123.456", client_secret="s3cret", code="code-1")
    assert await error_of(reused) == "invalid_code"


async def test_oauth_with_form_credentials_and_redirect_uri(slack: FakeSlack) -> None:
    slack.add_oauth_app("c1", "s1", team_id=TEAM, code="c", redirect_uri="https://app/cb")
    form = {"client_id": "c1", "client_secret": "s1", "code": "c"}
    async with httpx.AsyncClient() as http:
        wrong = await http.post(
            slack.base_url + "oauth.v2.access", data={**form, "redirect_uri": "https://evil"}
        )
        right = await http.post(
            slack.base_url + "oauth.v2.access", data={**form, "redirect_uri": "https://app/cb"}
        )
    assert wrong.json()["error"] == "bad_redirect_uri"
    assert right.json()["ok"] and right.json()["team"]["id"] == TEAM
    assert slack.workspaces[TEAM].bot_token == right.json()["access_token"]


# ---------------------------------------------------------------------- other ways to run it


def test_threaded_mode_from_sync_code() -> None:
    from slack_sdk import WebClient

    fake = FakeSlack()
    fake.add_workspace(TEAM, bot_token=TOKEN)
    fake.add_user(TEAM, "U1", name="ann")
    fake.start_in_thread()
    try:
        web = WebClient(token=TOKEN, base_url=fake.base_url)
        assert web.chat_postMessage(channel="U1", text="from a thread")["ok"]
        [call] = fake.wait_for_sync("chat.postMessage")
        assert call.args["text"] == "from a thread"
        with pytest.raises(AssertionError, match=r"chat\.postMessage -> 200 ok"):
            fake.wait_for_sync("users.info", timeout=0.05)
    finally:
        fake.stop_thread()
    with pytest.raises(OSError):  # really stopped
        WebClient(token=TOKEN, base_url=fake.base_url, timeout=1).auth_test()


def test_threaded_mode_reports_a_failure_to_start() -> None:
    first = FakeSlack()
    first.start_in_thread()
    try:
        with pytest.raises(RuntimeError, match="could not start"):
            FakeSlack(port=first.port).start_in_thread()
    finally:
        first.stop_thread()


def test_standalone_process() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fakeslack",
            "--port",
            "0",
            "--team",
            "T9",
            "--bot-token",
            "xoxb-T9-x",
            "--user",
            "U1:alice:Europe/Paris:admin",
            "--channel",
            "C1:general:member",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        base_url = line.split()[5]
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/api/")
        headers = {"Authorization": "Bearer xoxb-T9-x"}
        user = httpx.post(base_url + "users.info", data={"user": "U1"}, headers=headers).json()
        assert user["user"]["tz"] == "Europe/Paris" and user["user"]["is_admin"]
        posted = httpx.post(
            base_url + "chat.postMessage", data={"channel": "C1", "text": "hi"}, headers=headers
        ).json()
        assert posted["ok"], posted
    finally:
        process.terminate()
        process.wait(5)


# ---------------------------------------------------------------------- Socket Mode


async def test_socket_mode_envelopes_and_acks(slack: FakeSlack) -> None:
    from slack_sdk.socket_mode.aiohttp import SocketModeClient
    from slack_sdk.socket_mode.request import SocketModeRequest
    from slack_sdk.socket_mode.response import SocketModeResponse

    slack.add_app_token("xapp-1-test")
    received: list[SocketModeRequest] = []

    async def listener(socket: SocketModeClient, request: SocketModeRequest) -> None:
        received.append(request)
        answer = {"text": "got it"} if request.type == "slash_commands" else None
        await socket.send_socket_mode_response(
            SocketModeResponse(envelope_id=request.envelope_id, payload=answer)
        )

    socket = SocketModeClient(app_token="xapp-1-test", web_client=client(slack))
    socket.socket_mode_request_listeners.append(listener)  # type: ignore[arg-type]
    await socket.connect()
    try:
        ack = await slack.socket_send("slash_commands", {"command": "/mentor", "text": "help"})
        event_ack = await slack.socket_send("events_api", {"event": {"type": "app_home_opened"}})
    finally:
        await socket.close()
    assert ack["payload"] == {"text": "got it"} and ack["envelope_id"] == received[0].envelope_id
    assert "payload" not in event_ack
    assert received[0].payload == {"command": "/mentor", "text": "help"}
    assert received[0].accepts_response_payload and not received[1].accepts_response_payload
    [opened, *_] = slack.calls_to("apps.connections.open")
    assert opened.ok and opened.token == "xapp-1-test"


async def test_socket_mode_refusals(slack: FakeSlack) -> None:
    assert await error_of(client(slack).apps_connections_open(app_token=TOKEN)) == (
        "not_allowed_token_type"
    )
    assert await error_of(client(slack).apps_connections_open(app_token="xapp-x")) == (
        "invalid_auth"
    )
    with pytest.raises(AssertionError, match="no Socket Mode client"):
        await slack.socket_send("events_api", {}, timeout=0.05)
    async with httpx.AsyncClient() as http:
        assert (await http.get(slack.url + "/socket?ticket=forged")).status_code == 401


async def test_socket_mode_against_a_threaded_fake() -> None:
    from slack_sdk.socket_mode.aiohttp import SocketModeClient
    from slack_sdk.socket_mode.request import SocketModeRequest
    from slack_sdk.socket_mode.response import SocketModeResponse

    fake = FakeSlack()
    fake.add_workspace(TEAM, bot_token=TOKEN, app_token="xapp-1-thread")
    fake.start_in_thread()

    async def listener(socket: SocketModeClient, request: SocketModeRequest) -> None:
        await socket.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))

    socket = SocketModeClient(app_token="xapp-1-thread", web_client=client(fake))
    socket.socket_mode_request_listeners.append(listener)  # type: ignore[arg-type]
    try:
        await socket.connect()
        ack = await fake.socket_send("interactive", {"type": "block_actions"})
        assert set(ack) == {"envelope_id"}
    finally:
        await socket.close()
        fake.stop_thread()
