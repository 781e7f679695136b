"""The signing client: Slack's signature scheme and Slack's view-state shapes."""

import json
from urllib.parse import parse_qs

import httpx
import pytest
from slack_sdk.signature import SignatureVerifier

from tests.fakeslack import SlackSender

SECRET = "s3cret-signing"

VIEW = {
    "id": "V1",
    "type": "modal",
    "callback_id": "form",
    "blocks": [
        {
            "type": "input",
            "block_id": "name",
            "element": {"type": "plain_text_input", "action_id": "a", "initial_value": "Ann"},
        },
        {
            "type": "input",
            "block_id": "n",
            "element": {"type": "number_input", "action_id": "a", "is_decimal_allowed": False},
        },
        {
            "type": "input",
            "block_id": "pick",
            "element": {
                "type": "static_select",
                "action_id": "a",
                "options": [
                    {"text": {"type": "plain_text", "text": "One"}, "value": "1"},
                    {"text": {"type": "plain_text", "text": "Two"}, "value": "2"},
                ],
            },
        },
        {
            "type": "input",
            "block_id": "many",
            "element": {
                "type": "checkboxes",
                "action_id": "a",
                "options": [
                    {"text": {"type": "plain_text", "text": "A"}, "value": "a"},
                    {"text": {"type": "plain_text", "text": "B"}, "value": "b"},
                ],
                "initial_options": [{"text": {"type": "plain_text", "text": "B"}, "value": "b"}],
            },
        },
        {
            "type": "input",
            "block_id": "radio",
            "element": {
                "type": "radio_buttons",
                "action_id": "a",
                "options": [{"text": {"type": "plain_text", "text": "Yes"}, "value": "y"}],
            },
        },
        {
            "type": "input",
            "block_id": "who",
            "element": {"type": "users_select", "action_id": "a", "initial_user": "U1"},
        },
        {
            "type": "input",
            "block_id": "whos",
            "element": {"type": "multi_users_select", "action_id": "a"},
        },
        {
            "type": "input",
            "block_id": "where",
            "element": {"type": "conversations_select", "action_id": "a"},
        },
        {"type": "input", "block_id": "day", "element": {"type": "datepicker", "action_id": "a"}},
        {
            "type": "input",
            "block_id": "at",
            "element": {"type": "timepicker", "action_id": "a", "initial_time": "09:00"},
        },
        {
            "type": "input",
            "block_id": "when",
            "element": {"type": "datetimepicker", "action_id": "a"},
        },
        {"type": "section", "text": {"type": "mrkdwn", "text": "not an input"}},
    ],
}


class Recorder:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200)


async def _sender() -> tuple[SlackSender, Recorder]:
    recorder = Recorder()
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder), base_url="http://app")
    return SlackSender(http, signing_secret=SECRET), recorder


async def test_signatures_verify_with_slack_sdk() -> None:
    sender, recorder = await _sender()
    await sender.command("U1", "help")
    await sender.event({"type": "app_home_opened", "user": "U1"}, retry_num=1)
    verifier = SignatureVerifier(SECRET)
    for request in recorder.requests:
        assert verifier.is_valid_request(request.content, dict(request.headers))
    assert recorder.requests[1].headers["X-Slack-Retry-Num"] == "1"
    assert not SignatureVerifier("other").is_valid_request(
        recorder.requests[0].content, dict(recorder.requests[0].headers)
    )


async def test_command_is_form_encoded_like_slack() -> None:
    sender, recorder = await _sender()
    await sender.command("U1", "join Spring")
    form = parse_qs(recorder.requests[0].content.decode())
    assert form["command"] == ["/mentor"] and form["text"] == ["join Spring"]
    for key in ("team_id", "user_id", "channel_id", "trigger_id", "response_url", "api_app_id"):
        assert form[key][0]


def test_state_values_shapes() -> None:
    state = SlackSender.state_values(
        VIEW,
        {
            "name": "Bea",
            "n": 3,
            "pick": "2",
            "many": ["a", "b"],
            "radio": "y",
            "who": "U2",
            "whos": ["U1", "U3"],
            "where": "C1",
            "day": "2026-03-02",
            "at": "10:30",
            "when": 1700000000,
        },
    )
    assert state["name"]["a"] == {"type": "plain_text_input", "value": "Bea"}
    assert state["n"]["a"]["value"] == "3"
    assert state["pick"]["a"]["selected_option"]["text"]["text"] == "Two"
    assert [o["value"] for o in state["many"]["a"]["selected_options"]] == ["a", "b"]
    assert state["radio"]["a"]["selected_option"]["value"] == "y"
    assert state["who"]["a"]["selected_user"] == "U2"
    assert state["whos"]["a"]["selected_users"] == ["U1", "U3"]
    assert state["where"]["a"]["selected_conversation"] == "C1"
    assert state["day"]["a"]["selected_date"] == "2026-03-02"
    assert state["at"]["a"]["selected_time"] == "10:30"
    assert state["when"]["a"]["selected_date_time"] == 1700000000


def test_untouched_fields_are_empty_like_slack_sends_them() -> None:
    state = SlackSender.state_values(VIEW, {})
    assert state["name"]["a"]["value"] is None
    assert state["pick"]["a"]["selected_option"] is None
    assert state["many"]["a"]["selected_options"] == []
    assert state["whos"]["a"]["selected_users"] == []


def test_a_person_cannot_pick_what_is_not_offered() -> None:
    with pytest.raises(ValueError, match="not offered"):
        SlackSender.state_values(VIEW, {"pick": "3"})
    with pytest.raises(ValueError, match="no input blocks"):
        SlackSender.state_values(VIEW, {"nope": "x"})


def test_values_of_reads_initial_values_back() -> None:
    values = SlackSender.values_of(VIEW)
    assert values["name"] == "Ann" and values["many"] == ["b"] and values["who"] == "U1"
    assert values["at"] == "09:00" and values["pick"] is None
    # and they round-trip into a submission
    assert (
        SlackSender.state_values(VIEW, values)["many"]["a"]["selected_options"][0]["value"] == "b"
    )


async def test_view_submission_payload() -> None:
    sender, recorder = await _sender()
    await sender.view_submission("U1", VIEW, {"name": "Bea"})
    payload = json.loads(parse_qs(recorder.requests[0].content.decode())["payload"][0])
    assert payload["type"] == "view_submission" and payload["view"]["id"] == "V1"
    assert payload["view"]["state"]["values"]["name"]["a"]["value"] == "Bea"
