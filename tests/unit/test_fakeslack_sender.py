"""The signing client: Slack's signature scheme, Slack's payload and view-state shapes, and
a round trip through a real Bolt app talking to the fake."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from fakeslack import FakeSlack, SlackSender

SECRET = "s3cret-signing"
TOKEN = "xoxb-T0001-fake"


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def opt(value: str, text: str | None = None) -> dict[str, Any]:
    return {"text": plain(text or value.upper()), "value": value}


def field(block_id: str, element: dict[str, Any]) -> dict[str, Any]:
    return {"type": "input", "block_id": block_id, "label": plain(block_id), "element": element}


VIEW: dict[str, Any] = {
    "id": "V1",
    "hash": "1.abc",
    "type": "modal",
    "callback_id": "form",
    "title": plain("Form"),
    "submit": plain("Save"),
    "state": {"values": {}},
    "blocks": [
        field("name", {"type": "plain_text_input", "action_id": "a", "initial_value": "Ann"}),
        field("mail", {"type": "email_text_input", "action_id": "a"}),
        field("site", {"type": "url_text_input", "action_id": "a"}),
        field("n", {"type": "number_input", "action_id": "a", "is_decimal_allowed": False}),
        field("pick", {"type": "static_select", "action_id": "a", "options": [opt("1"), opt("2")]}),
        field(
            "grouped",
            {
                "type": "static_select",
                "action_id": "a",
                "option_groups": [{"label": plain("G"), "options": [opt("g1")]}],
            },
        ),
        field("ext", {"type": "external_select", "action_id": "a"}),
        field(
            "radio",
            {
                "type": "radio_buttons",
                "action_id": "a",
                "options": [opt("y"), opt("n")],
                "initial_option": opt("n"),
            },
        ),
        field(
            "multi",
            {"type": "multi_static_select", "action_id": "a", "options": [opt("x"), opt("z")]},
        ),
        field(
            "many",
            {
                "type": "checkboxes",
                "action_id": "a",
                "options": [opt("a"), opt("b")],
                "initial_options": [opt("b")],
            },
        ),
        field("who", {"type": "users_select", "action_id": "a", "initial_user": "U1"}),
        field("whos", {"type": "multi_users_select", "action_id": "a"}),
        field("where", {"type": "conversations_select", "action_id": "a"}),
        field("wheres", {"type": "multi_conversations_select", "action_id": "a"}),
        field("chan", {"type": "channels_select", "action_id": "a"}),
        field("day", {"type": "datepicker", "action_id": "a"}),
        field("at", {"type": "timepicker", "action_id": "a", "initial_time": "09:00"}),
        field("when", {"type": "datetimepicker", "action_id": "a"}),
        {"type": "section", "text": {"type": "mrkdwn", "text": "not an input"}},
    ],
}

# block id -> (what the person enters, the entry Slack sends under the action id)
ENTERED: dict[str, tuple[Any, dict[str, Any]]] = {
    "name": ("Bea", {"type": "plain_text_input", "value": "Bea"}),
    "mail": ("b@x.io", {"type": "email_text_input", "value": "b@x.io"}),
    "site": ("https://x.io", {"type": "url_text_input", "value": "https://x.io"}),
    "n": (3, {"type": "number_input", "value": "3"}),
    "pick": ("2", {"type": "static_select", "selected_option": opt("2")}),
    "grouped": ("g1", {"type": "static_select", "selected_option": opt("g1")}),
    "ext": ("Lisbon", {"type": "external_select", "selected_option": opt("Lisbon", "Lisbon")}),
    "radio": ("y", {"type": "radio_buttons", "selected_option": opt("y")}),
    "multi": (
        ["z", "x"],
        {"type": "multi_static_select", "selected_options": [opt("z"), opt("x")]},
    ),
    "many": (["a", "b"], {"type": "checkboxes", "selected_options": [opt("a"), opt("b")]}),
    "who": ("U2", {"type": "users_select", "selected_user": "U2"}),
    "whos": (["U1", "U3"], {"type": "multi_users_select", "selected_users": ["U1", "U3"]}),
    "where": ("C1", {"type": "conversations_select", "selected_conversation": "C1"}),
    "wheres": (
        ["C1", "D2"],
        {"type": "multi_conversations_select", "selected_conversations": ["C1", "D2"]},
    ),
    "chan": ("C9", {"type": "channels_select", "selected_channel": "C9"}),
    "day": ("2026-03-02", {"type": "datepicker", "selected_date": "2026-03-02"}),
    "at": ("10:30", {"type": "timepicker", "selected_time": "10:30"}),
    "when": (1700000000, {"type": "datetimepicker", "selected_date_time": 1700000000}),
}

# block id -> the entry Slack sends when the person left the input alone
UNTOUCHED: dict[str, dict[str, Any]] = {
    "name": {"type": "plain_text_input", "value": None},
    "n": {"type": "number_input", "value": None},
    "pick": {"type": "static_select", "selected_option": None},
    "multi": {"type": "multi_static_select", "selected_options": []},
    "many": {"type": "checkboxes", "selected_options": []},
    "who": {"type": "users_select", "selected_user": None},
    "whos": {"type": "multi_users_select", "selected_users": []},
    "wheres": {"type": "multi_conversations_select", "selected_conversations": []},
    "day": {"type": "datepicker", "selected_date": None},
    "when": {"type": "datetimepicker", "selected_date_time": None},
}


class Recorder:
    """Stands in for the app: records requests and answers with ``reply``."""

    def __init__(self, reply: Any = None) -> None:
        self.requests: list[httpx.Request] = []
        self.reply = reply

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.reply is None:
            return httpx.Response(200)
        return httpx.Response(200, json=self.reply)

    def payload(self, index: int = -1) -> dict[str, Any]:
        form = parse_qs(self.requests[index].content.decode())
        return dict(json.loads(form["payload"][0]))


def sender(recorder: Recorder, fake: FakeSlack | None = None, **kwargs: Any) -> SlackSender:
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder), base_url="http://app")
    return SlackSender(http, signing_secret=SECRET, fake=fake, **kwargs)


# ---------------------------------------------------------------------- signing


async def test_every_request_kind_verifies_with_slack_sdk() -> None:
    recorder = Recorder()
    s = sender(recorder)
    await s.command("U1", "help")
    await s.block_action("U1", "go", value="1")
    await s.view_submission("U1", VIEW, {})
    await s.view_closed("U1", VIEW)
    await s.event({"type": "app_home_opened", "user": "U1"})
    verifier = SignatureVerifier(SECRET)
    for request in recorder.requests:
        assert request.url.path == "/slack/events"
        assert verifier.is_valid_request(request.content, dict(request.headers))
    first = recorder.requests[0]
    assert not SignatureVerifier("other").is_valid_request(first.content, dict(first.headers))
    assert not verifier.is_valid_request(first.content + b"&x=1", dict(first.headers))


async def test_signature_matches_slacks_documented_example() -> None:
    # The worked example in Slack's "Verifying requests from Slack" guide.
    s = SlackSender(httpx.AsyncClient(), signing_secret="8f742231b10e8888abcd99yyyzzz85a5")
    body = (
        b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&"
        b"channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&"
        b"command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2F"
        b"commands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&"
        b"trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    headers = s.sign(body, 1531420618)
    assert headers == {
        "X-Slack-Request-Timestamp": "1531420618",
        "X-Slack-Signature": (
            "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
        ),
    }


async def test_forged_and_replayed_requests() -> None:
    recorder = Recorder()
    s = sender(recorder)
    await s.post_raw(b"a=1", content_type="application/x-www-form-urlencoded", signature="v0=bad")
    await s.post_raw(b"a=1", content_type="application/x-www-form-urlencoded", timestamp=1)
    await s.post_raw(b"{}", content_type="application/json", headers={"X-Extra": "1"})
    forged, replayed, extra = recorder.requests
    verifier = SignatureVerifier(SECRET)
    assert forged.headers["X-Slack-Signature"] == "v0=bad"
    assert not verifier.is_valid_request(forged.content, dict(forged.headers))
    assert not verifier.is_valid_request(replayed.content, dict(replayed.headers))  # too old
    assert extra.headers["X-Extra"] == "1" and extra.headers["Content-Type"] == "application/json"


async def test_the_clock_is_injected() -> None:
    recorder = Recorder()
    s = sender(recorder, now=lambda: 1_700_000_000.5)
    await s.command("U1")
    assert recorder.requests[0].headers["X-Slack-Request-Timestamp"] == "1700000000"


# ---------------------------------------------------------------------- payload shapes


async def test_command_is_form_encoded_like_slack() -> None:
    recorder = Recorder()
    await sender(recorder).command("UMIA", "join Spring", channel_id="CLEADS")
    request = recorder.requests[0]
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = {k: v[0] for k, v in parse_qs(request.content.decode(), keep_blank_values=True).items()}
    assert set(form) == {
        "token",
        "team_id",
        "team_domain",
        "channel_id",
        "channel_name",
        "user_id",
        "user_name",
        "command",
        "text",
        "api_app_id",
        "is_enterprise_install",
        "response_url",
        "trigger_id",
    }
    assert form["command"] == "/mentor" and form["text"] == "join Spring"
    assert (
        form["user_id"] == "UMIA" and form["channel_id"] == "CLEADS" and form["team_id"] == "T0001"
    )
    assert form["response_url"].startswith("https://hooks.slack.com/")


async def test_command_defaults_to_the_dm_and_uses_the_fakes_urls() -> None:
    fake = FakeSlack()
    fake.add_workspace("T0001", domain="globex")
    fake.add_user("T0001", "UMIA", name="mia")
    recorder = Recorder()
    await sender(recorder, fake).command("UMIA")
    form = {k: v[0] for k, v in parse_qs(recorder.requests[0].content.decode()).items()}
    assert form["channel_id"] == fake.dm_channel("T0001", "UMIA") == "DMIA"
    assert form["user_name"] == "mia" and form["team_domain"] == "globex"
    assert form["response_url"].startswith(fake.url + "/response/")
    assert form["trigger_id"] in fake._triggers  # issued by the fake, so views.open takes it


async def test_block_action_in_a_message() -> None:
    recorder = Recorder()
    message = {"type": "message", "ts": "1700000000.000100", "text": "hi", "blocks": []}
    await sender(recorder).block_action(
        "U1", "leave", value="7", block_id="b1", message=message, channel_id="C1"
    )
    payload = recorder.payload()
    assert payload["type"] == "block_actions" and payload["api_app_id"] == "A0001"
    assert payload["user"] == {"id": "U1", "username": "u1", "name": "u1", "team_id": "T0001"}
    assert payload["team"] == {"id": "T0001", "domain": "acme"} and payload["trigger_id"]
    assert payload["container"] == {
        "type": "message",
        "message_ts": "1700000000.000100",
        "channel_id": "C1",
        "is_ephemeral": False,
    }
    assert payload["channel"]["id"] == "C1" and payload["message"] == message
    assert payload["response_url"]
    [action] = payload["actions"]
    assert action["action_id"] == "leave" and action["block_id"] == "b1"
    assert action["value"] == "7" and action["type"] == "button" and action["action_ts"]


async def test_block_action_in_a_modal_carries_its_state() -> None:
    recorder = Recorder()
    selected = {"type": "static_select", "selected_option": opt("2")}
    await sender(recorder).block_action(
        "U1", "a", block_id="pick", action=selected, view=VIEW, values={"pick": "2"}
    )
    payload = recorder.payload()
    assert payload["container"] == {"type": "view", "view_id": "V1"}
    assert payload["view"]["id"] == "V1" and payload["view"]["hash"] == "1.abc"
    assert payload["view"]["state"]["values"]["pick"]["a"]["selected_option"] == opt("2")
    assert payload["actions"][0]["selected_option"] == opt("2")
    assert "response_url" not in payload


async def test_click_finds_the_button_the_app_rendered() -> None:
    recorder = Recorder()
    blocks = [
        {
            "type": "actions",
            "block_id": "choices",
            "elements": [
                {"type": "button", "text": plain("A"), "action_id": "pick", "value": "a"},
                {"type": "button", "text": plain("B"), "action_id": "pick", "value": "b"},
            ],
        }
    ]
    s = sender(recorder)
    await s.click("U1", "pick", blocks=blocks, value="b")
    [action] = recorder.payload()["actions"]
    assert action["value"] == "b" and action["block_id"] == "choices"
    with pytest.raises(ValueError, match="no element"):
        await s.click("U1", "nope", blocks=blocks)


async def test_view_submission_payload() -> None:
    recorder = Recorder()
    await sender(recorder).view_submission("U1", VIEW, {"name": "Bea"})
    payload = recorder.payload()
    assert payload["type"] == "view_submission" and payload["trigger_id"]
    view = payload["view"]
    assert view["id"] == "V1" and view["hash"] == "1.abc" and view["callback_id"] == "form"
    assert view["state"]["values"]["name"]["a"]["value"] == "Bea"
    assert payload["response_urls"] == [] and payload["user"]["id"] == "U1"


async def test_event_envelope_and_retries() -> None:
    recorder = Recorder()
    s = sender(recorder)
    await s.event({"type": "app_home_opened", "user": "U1"}, event_id="Ev1")
    await s.event({"type": "app_home_opened", "user": "U1"}, retry_num=2, retry_reason="timeout")
    first, retry = recorder.requests
    envelope = json.loads(first.content)
    assert envelope["type"] == "event_callback" and envelope["event_id"] == "Ev1"
    assert envelope["event"]["type"] == "app_home_opened" and envelope["event"]["event_ts"]
    assert envelope["authorizations"][0]["team_id"] == "T0001" and envelope["event_time"]
    assert "X-Slack-Retry-Num" not in first.headers
    assert retry.headers["X-Slack-Retry-Num"] == "2"
    assert retry.headers["X-Slack-Retry-Reason"] == "timeout"


async def test_typed_text_is_encoded_as_slack_delivers_it() -> None:
    fake = FakeSlack()
    fake.add_workspace("T0001")
    fake.add_user("T0001", "UOMAR", name="omar", real_name="Omar Q")
    fake.add_channel("T0001", "CLEADS", "leads")
    recorder = Recorder()
    s = sender(recorder, fake)
    typed = (
        "R&D <risky> @omar @channel @Here @everyone @nobody #leads #nowhere a@b.com "
        "see https://x.example/a?b=1&c=2. or [the plan](https://wiki.example/p) @design"
    )
    await s.message("UMIA", typed, thread_ts="1.000100", event_id="Ev9", groups={"design": "S1"})
    await s.command("UMIA", "join R&D <risky> @omar")
    event = json.loads(recorder.requests[0].content)["event"]
    assert event["text"] == (
        "R&amp;D &lt;risky&gt; <@UOMAR> <!channel> <!here> <!everyone> @nobody "
        "<#CLEADS|leads> #nowhere a@b.com see <https://x.example/a?b=1&amp;c=2>. or "
        "<https://wiki.example/p|the plan> <!subteam^S1>"
    )
    assert event["type"] == "message" and event["channel_type"] == "im"
    assert event["channel"] == "DMIA" and event["user"] == "UMIA"
    assert event["thread_ts"] == "1.000100" and event["ts"]
    # A command's text is encoded too; mentions stay as typed (the manifest doesn't escape).
    form = {k: v[0] for k, v in parse_qs(recorder.requests[1].content.decode()).items()}
    assert form["text"] == "join R&amp;D &lt;risky&gt; @omar"


# ---------------------------------------------------------------------- view state


@pytest.mark.parametrize("block_id", list(ENTERED))
def test_state_values_shape_for_each_element(block_id: str) -> None:
    entered, expected = ENTERED[block_id]
    state = SlackSender.state_values(VIEW, {block_id: entered})
    assert state[block_id] == {"a": expected}


def test_state_values_covers_every_input_and_only_inputs() -> None:
    state = SlackSender.state_values(VIEW, {b: v for b, (v, _) in ENTERED.items()})
    assert set(state) == set(ENTERED)


@pytest.mark.parametrize("block_id", list(UNTOUCHED))
def test_untouched_fields_are_sent_empty_like_slack(block_id: str) -> None:
    assert SlackSender.state_values(VIEW, {})[block_id] == {"a": UNTOUCHED[block_id]}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"pick": "3"}, "not offered"),
        ({"many": ["a", "c"]}, "not offered"),
        ({"radio": "maybe"}, "not offered"),
        ({"nope": "x"}, "no input blocks"),
        ({"day": "02/03/2026"}, "can't produce"),
        ({"at": "9am"}, "can't produce"),
    ],
)
def test_a_person_cannot_enter_what_the_view_does_not_allow(
    values: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        SlackSender.state_values(VIEW, values)


def test_external_select_takes_a_whole_option_too() -> None:
    chosen = {"text": plain("Lisbon, Portugal"), "value": "lis"}
    state = SlackSender.state_values(VIEW, {"ext": chosen})
    assert state["ext"]["a"]["selected_option"] == chosen


def test_values_of_reads_initial_values_back() -> None:
    values = SlackSender.values_of(VIEW)
    assert values["name"] == "Ann" and values["radio"] == "n" and values["many"] == ["b"]
    assert values["who"] == "U1" and values["at"] == "09:00"
    assert values["pick"] is None and values["whos"] == [] and values["day"] is None
    assert set(values) == set(ENTERED)
    # ...and they round-trip into a submission, with one field changed
    state = SlackSender.state_values(VIEW, {**values, "pick": "1"})
    assert state["many"]["a"]["selected_options"] == [opt("b")]
    assert state["pick"]["a"]["selected_option"] == opt("1")
    assert state["name"]["a"]["value"] == "Ann"


# ---------------------------------------------------------------------- with the fake


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    slack = FakeSlack()
    slack.add_workspace("T0001", bot_token=TOKEN)
    slack.add_user("T0001", "U1", name="ann")
    async with slack:
        yield slack


async def open_modal(fake: FakeSlack, view: dict[str, Any] = VIEW) -> dict[str, Any]:
    web = AsyncWebClient(token=TOKEN, base_url=fake.base_url)
    trigger = fake.issue_trigger("U1", "T0001")
    bare = {k: v for k, v in view.items() if k not in ("id", "hash", "state")}
    return dict((await web.views_open(trigger_id=trigger, view=bare))["view"])


@pytest.mark.parametrize(
    ("reply", "open_after"),
    [
        (None, False),
        ({"response_action": "clear"}, False),
        ({"response_action": "errors", "errors": {"name": "Too short"}}, True),
        ({"response_action": "update", "view": {**VIEW, "callback_id": "next"}}, True),
    ],
)
async def test_the_apps_answer_moves_the_fakes_modal_stack(
    fake: FakeSlack, reply: dict[str, Any] | None, open_after: bool
) -> None:
    await open_modal(fake)
    view = fake.open_view("U1")
    assert view is not None
    await sender(Recorder(reply), fake).view_submission("U1", view, {"name": "Bea"})
    now_open = fake.open_view("U1")
    assert (now_open is not None) == open_after
    if reply and reply["response_action"] == "update":
        assert now_open and now_open["callback_id"] == "next" and now_open["id"] == view["id"]


async def test_view_closed_closes_the_modal_in_the_fake(fake: FakeSlack) -> None:
    view = await open_modal(fake)
    await sender(Recorder(), fake).view_closed("U1", view)
    assert fake.open_view("U1") is None


async def test_a_real_bolt_app_accepts_the_senders_requests(fake: FakeSlack) -> None:
    """The whole loop: a signed command reaches Bolt, which opens a modal on the fake with
    the trigger id; the person submits it; Bolt sees Slack's state shape and answers."""
    app = AsyncApp(
        signing_secret=SECRET,
        client=AsyncWebClient(token=TOKEN, base_url=fake.base_url),
    )
    seen: list[dict[str, Any]] = []

    @app.command("/mentor")
    async def command(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        bare = {k: v for k, v in VIEW.items() if k not in ("id", "hash", "state")}
        await client.views_open(trigger_id=body["trigger_id"], view=bare)

    @app.view("form")
    async def submitted(ack: Any, view: dict[str, Any]) -> None:
        seen.append(view["state"]["values"])
        name = view["state"]["values"]["name"]["a"]["value"]
        if len(name) < 3:
            await ack(response_action="errors", errors={"name": "Too short"})
        else:
            await ack()

    # Bolt types its ASGI scope more narrowly than httpx's ASGI app protocol; it is one.
    transport = httpx.ASGITransport(app=AsyncSlackRequestHandler(app))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
        s = SlackSender(http, signing_secret=SECRET, fake=fake)
        assert (await s.command("U1", "join")).status_code == 200
        view = await fake.wait_for_view("U1", callback_id="form")
        values = {**s.values_of(view), "name": "Bo"}
        refused = await s.view_submission("U1", view, values)
        assert refused.json() == {"response_action": "errors", "errors": {"name": "Too short"}}
        assert fake.open_view("U1") is not None
        accepted = await s.view_submission("U1", view, {**values, "name": "Bea"})
        assert accepted.status_code == 200 and fake.open_view("U1") is None
        forged = await s.post_raw(
            b"command=%2Fmentor", content_type="application/x-www-form-urlencoded", signature="v0=0"
        )
        assert forged.status_code == 401
        stale = await s.post_raw(
            b"command=%2Fmentor",
            content_type="application/x-www-form-urlencoded",
            timestamp=int(time.time()) - 600,
        )
        assert stale.status_code == 401
    assert seen[1]["name"]["a"] == {"type": "plain_text_input", "value": "Bea"}
    assert seen[1]["radio"]["a"]["selected_option"] == opt("n")
