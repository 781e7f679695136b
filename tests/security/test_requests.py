"""Requests that are not what Slack would send: forged, replayed, altered, malformed, oversized
or naming listeners that don't exist. Each is refused (or ignored) cleanly, never with a 5xx,
and nothing is written."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from bot.ids import Callback
from fakeslack import FakeSlack, SlackSender
from infra.db import Database
from infra.deps import Deps
from mentorbot.web import MAX_BODY_BYTES
from tests.scenario.flows import create_program, oauth_client, open_modal
from tests.security.helpers import unchanged
from tests.settle import metric, settled

FORM = "application/x-www-form-urlencoded"


def _command(fake: FakeSlack, text: str = "help", user: str = "UADMIN") -> bytes:
    return urlencode(
        {
            "command": "/mentor",
            "text": text,
            "user_id": user,
            "team_id": "T0001",
            "channel_id": "DUADMIN",
            "response_url": fake.response_url(),
            "trigger_id": "1.2.3",
        }
    ).encode()


def _no_errors(caplog: pytest.LogCaptureFixture) -> None:
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not bad, [f"{r.name}: {r.getMessage()}" for r in bad]


async def test_forged_replayed_altered_and_unsigned_requests_get_401(
    sender: SlackSender, fake: FakeSlack, http: httpx.AsyncClient, db: Database
) -> None:
    body = _command(fake)
    now = int(time.time())
    good = sender.sign(body, now)
    async with unchanged(db, fake) as watch:
        answers = [
            # a signature made with another secret
            await sender.post_raw(body, content_type=FORM, signature="v0=" + "0" * 64),
            # a correctly signed request replayed after five minutes (or dated in the future)
            await sender.post_raw(body, content_type=FORM, timestamp=now - 301),
            await sender.post_raw(body, content_type=FORM, timestamp=now + 600),
            # the body altered after signing
            await http.post(
                "/slack/events",
                content=body.replace(b"help", b"leave"),
                headers={"Content-Type": FORM, **good},
            ),
            # the signature of one timestamp sent with another
            await http.post(
                "/slack/events",
                content=body,
                headers={
                    "Content-Type": FORM,
                    "X-Slack-Signature": good["X-Slack-Signature"],
                    "X-Slack-Request-Timestamp": str(now - 1),
                },
            ),
            # no signature, an empty one, a timestamp that isn't a number
            await http.post("/slack/events", content=body, headers={"Content-Type": FORM}),
            await sender.post_raw(body, content_type=FORM, signature=""),
            await http.post(
                "/slack/events",
                content=body,
                headers={
                    "Content-Type": FORM,
                    "X-Slack-Signature": good["X-Slack-Signature"],
                    "X-Slack-Request-Timestamp": "yesterday",
                },
            ),
        ]
    assert [r.status_code for r in answers] == [401] * len(answers)
    assert watch.calls == []  # not even a lookup


MALFORMED: list[tuple[str, bytes]] = [
    (FORM, b""),
    (FORM, b"%%%%"),
    (FORM, b"payload=%E0%A4%A"),  # broken percent-encoding
    (FORM, b"payload=\xff\xfe"),  # not UTF-8
    (FORM, b"payload=not-json"),
    (FORM, b"payload=" + urlencode({"x": "[1,2,3]"}).encode()[2:]),  # JSON, but a list
    (FORM, b"payload=%22a+string%22"),
    (FORM, b"payload=null"),
    (FORM, b"payload=%7B%7D"),  # {}
    (FORM, b"payload=%7B%22type%22%3A%22block_actions%22%7D"),  # no user, no actions
    (FORM, b"command=%2Fmentor"),  # a command with nothing else
    (FORM, b"command=%2Fmentor&text=join&user_id=&team_id="),
    (FORM, b"command=%2Fother&text=help&user_id=UADMIN&team_id=T0001"),
    ("application/json", b""),
    ("application/json", b"{"),
    ("application/json", b"[]"),
    ("application/json", b"42"),
    ("application/json", b'{"type": "event_callback"}'),
    ("application/json", b'{"type": "event_callback", "event": "message"}'),
    ("application/json", b'{"type": "event_callback", "event": {"type": "message"}}'),
    ("application/json", b'{"type": "url_verification"}'),
    ("text/plain", b"hello"),
    ("multipart/form-data", b"--x\r\n\r\n--x--"),
]


def _nested(depth: int) -> bytes:
    """A JSON object ``depth`` levels deep."""
    return b'{"a":' * depth + b"1" + b"}" * depth


# Bodies nested far deeper than anything Slack sends: JSON's decoder, or Bolt parsing the
# body again, or anything walking it would run out of Python's recursion limit.
DEEP: dict[str, tuple[str, bytes]] = {
    "100,000 arrays in a form": (FORM, b"payload=" + b"[" * 100_000 + b"]" * 100_000),
    "an object 50,000 deep": ("application/json", _nested(50_000)),
    "an object 950 deep": ("application/json", _nested(950)),
    "an event 65 deep": (
        "application/json",
        b'{"type":"event_callback","team_id":"T0001","event":' + _nested(64) + b"}",
    ),
}


def _no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]


@pytest.mark.parametrize("name", sorted(DEEP))
async def test_deeply_nested_bodies_are_refused_unsigned_401_and_signed_400(
    sender: SlackSender,
    fake: FakeSlack,
    http: httpx.AsyncClient,
    db: Database,
    caplog: pytest.LogCaptureFixture,
    name: str,
) -> None:
    content_type, body = DEEP[name]
    async with unchanged(db, fake) as watch:
        unsigned = await http.post(
            "/slack/events", content=body, headers={"Content-Type": content_type}
        )
        signed = await sender.post_raw(body, content_type=content_type)
        await settled(http)
    assert (unsigned.status_code, signed.status_code) == (401, 400)
    assert watch.calls == []
    _no_errors(caplog)
    _no_tracebacks(caplog)
    [warning] = [r for r in caplog.records if r.getMessage() == "malformed request"]
    assert warning.__dict__["problem"] == "body nests too deeply"
    metrics = (await http.get("/metrics")).text
    assert 'mentorbot_requests_total{kind="unsigned",status="401"} 1.0' in metrics
    assert 'mentorbot_requests_total{kind="malformed",status="400"} 1.0' in metrics


async def test_a_body_is_judged_as_bolt_will_read_it_whatever_its_headers_say(
    sender: SlackSender, fake: FakeSlack, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Two Content-Type headers: Bolt parses by the last one, so the gate must too."""
    body = b"[" * 100_000 + b"]" * 100_000
    headers = [
        ("Content-Type", "text/plain"),
        ("Content-Type", "application/json"),
        *sender.sign(body, int(time.time())).items(),
    ]
    response = await http.post("/slack/events", content=body, headers=headers)
    assert response.status_code == 400
    assert fake.calls == []
    _no_errors(caplog)
    _no_tracebacks(caplog)


async def test_a_signed_payload_nested_as_deep_as_slack_nests_is_served(
    sender: SlackSender, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    """Rich text in a message nests about a dozen levels: far inside the limit."""
    await sender.command("UADMIN", "help")
    await fake.wait_for("response_url")
    event = {
        "type": "app_home_opened",
        "user": "UADMIN",
        "tab": "home",
        "view": {"blocks": [{"type": "rich_text", "elements": [json.loads(_nested(40))]}]},
    }
    assert (await sender.event(event)).status_code == 200
    await fake.wait_for("views.publish", lambda c: c.ok)
    _no_errors(caplog)


class Stream:
    """A request body of ``total`` bytes handed over chunk by chunk, counting what the app
    pulled of it."""

    CHUNK = 64 * 1024

    def __init__(self, total: int) -> None:
        self.total = total
        self.pulled = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.pulled < self.total:
            chunk = b"x" * min(self.CHUNK, self.total - self.pulled)
            self.pulled += len(chunk)
            yield chunk


TEN_MB = 10 * 1024 * 1024


async def too_large_count(http: httpx.AsyncClient) -> float:
    return await metric(http, "mentorbot_requests_too_large_total")


async def test_a_body_declared_over_the_limit_is_refused_unread(
    sender: SlackSender, fake: FakeSlack, http: httpx.AsyncClient
) -> None:
    unsigned, signed = Stream(TEN_MB), Stream(TEN_MB)
    length = {"Content-Length": str(TEN_MB), "Content-Type": FORM}
    signature = sender.sign(b"", int(time.time()))  # for the empty body: no matter, unread
    refused = [
        await http.post("/slack/events", content=unsigned, headers=length),
        await http.post("/slack/events", content=signed, headers={**length, **signature}),
    ]
    assert [r.status_code for r in refused] == [413, 413]
    assert refused[0].headers["connection"] == "close"
    assert (unsigned.pulled, signed.pulled) == (0, 0)  # not a byte read
    assert await too_large_count(http) == 2
    assert fake.calls == []


async def test_a_streamed_body_is_cut_off_once_it_passes_the_limit(
    http: httpx.AsyncClient, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    """Chunked, with no Content-Length: read only until it is over the limit."""
    stream = Stream(TEN_MB)
    response = await http.post("/slack/events", content=stream, headers={"Content-Type": FORM})
    assert response.status_code == 413
    assert MAX_BODY_BYTES < stream.pulled <= MAX_BODY_BYTES + Stream.CHUNK
    assert await too_large_count(http) == 1
    _no_errors(caplog)
    _no_tracebacks(caplog)


async def test_a_body_at_the_limit_is_read_and_one_byte_more_is_not(
    http: httpx.AsyncClient,
) -> None:
    at_limit = await http.post("/slack/events", content=b"x" * MAX_BODY_BYTES)
    over = await http.post("/slack/events", content=b"x" * (MAX_BODY_BYTES + 1))
    assert (at_limit.status_code, over.status_code) == (401, 413)  # read, and unsigned
    assert await too_large_count(http) == 1


async def test_every_endpoint_refuses_a_body_over_the_limit(
    deps: Deps, fake: FakeSlack, http: httpx.AsyncClient
) -> None:
    """Calendar files, health and metrics take no body, nor do the OAuth pages."""
    for path in ("/meetings/T0001/1.ics?sig=x", "/healthz", "/metrics"):
        stream = Stream(TEN_MB)
        answer = await http.request(
            "GET", path, content=stream, headers={"Content-Length": str(TEN_MB)}
        )
        assert (path, answer.status_code, stream.pulled) == (path, 413, 0)
    async with oauth_client(deps, fake) as oauth:
        for path in ("/slack/install", "/slack/oauth_redirect?code=c&state=s"):
            for stream, headers in (
                (Stream(TEN_MB), {"Content-Length": str(TEN_MB)}),
                (Stream(TEN_MB), {}),
            ):
                answer = await oauth.request("GET", path, content=stream, headers=headers)
                assert answer.status_code == 413, (path, headers)
                assert stream.pulled <= MAX_BODY_BYTES + Stream.CHUNK
        assert await too_large_count(oauth) == 3 + 4  # one app's metrics
    assert not fake.calls_to("oauth.v2.access")


def _payload(kind: str, **fields: Any) -> bytes:
    return urlencode({"payload": json.dumps({"type": kind, **fields})}).encode()


WRONG_TYPES: list[bytes] = [
    _payload("block_actions", user="UADMIN", actions="program.new"),
    _payload("block_actions", user={"id": 7}, actions=[None], team=[]),
    _payload("block_actions", user={"id": "UADMIN"}, team={"id": "T0001"}, actions=["x"]),
    _payload(
        "block_actions",
        user={"id": "UADMIN"},
        team={"id": "T0001"},
        actions=[{"action_id": "meeting.cancel", "value": {"id": 1}}],
    ),
    _payload(
        "block_actions",
        user={"id": "UADMIN"},
        team={"id": "T0001"},
        actions=[{"action_id": "meeting.cancel", "value": "1"}],
        channel="DUADMIN",
        view="modal",
    ),
    _payload(
        "view_submission",
        user={"id": "UADMIN"},
        team={"id": "T0001"},
        view={"callback_id": "program.form", "state": {"values": []}, "private_metadata": "{"},
    ),
    _payload(
        "view_submission",
        user={"id": "UADMIN"},
        team={"id": "T0001"},
        view={"callback_id": "goal.form", "state": "x", "private_metadata": "[1]"},
    ),
    _payload(
        "view_submission",
        user={"id": "UADMIN"},
        team={"id": "T0001"},
        view={
            "callback_id": "meeting.form",
            "state": {"values": {"when": {"field": {"type": "datetimepicker"}}}},
            "private_metadata": '{"relationship_id": "1; DROP TABLE users"}',
        },
    ),
    _payload("view_submission", user={"id": "UADMIN"}, team={"id": "T0001"}, view=None),
    _payload("view_closed", user={"id": "UADMIN"}, team={"id": "T0001"}, view=[]),
    _payload("shortcut", user={"id": "UADMIN"}, team={"id": "T0001"}, callback_id=5),
    _payload("block_suggestion", user={"id": "UADMIN"}, team={"id": "T0001"}, action_id=[]),
]


@pytest.mark.parametrize(("content_type", "body"), MALFORMED)
async def test_malformed_bodies_are_refused_without_a_5xx(
    sender: SlackSender,
    fake: FakeSlack,
    db: Database,
    caplog: pytest.LogCaptureFixture,
    content_type: str,
    body: bytes,
) -> None:
    async with unchanged(db, fake):
        response = await sender.post_raw(body, content_type=content_type)
        await settled(sender.http)
    assert response.status_code < 500, response.text
    _no_errors(caplog)


@pytest.mark.parametrize("body", WRONG_TYPES)
async def test_payloads_with_the_wrong_shapes_are_refused_without_a_5xx(
    sender: SlackSender,
    fake: FakeSlack,
    db: Database,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
) -> None:
    await sender.command("UADMIN", "help")  # the admin is known: looking them up writes nothing
    await fake.wait_for("response_url")
    seen = len(fake.calls)
    async with unchanged(db, fake, allow=frozenset({"chat.postMessage"})):
        response = await sender.post_raw(body, content_type=FORM)
        await settled(sender.http)
    assert response.status_code < 500, response.text
    _no_errors(caplog)
    # Whatever the app said went to the person who sent it, and only to them.
    for call in fake.calls[seen:]:
        if call.method == "chat.postMessage":
            assert call.args["channel"] in ("UADMIN", "DUADMIN")


async def test_unknown_action_and_callback_ids_are_acknowledged_and_ignored(
    sender: SlackSender, fake: FakeSlack, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await create_program(sender, fake)
    view = await open_modal(sender, fake, "UADMIN", "program new", Callback.PROGRAM_FORM)
    async with unchanged(db, fake) as watch:
        pressed = await sender.block_action("UADMIN", "no.such.action", value="1")
        in_modal = await sender.block_action("UADMIN", "no.such.action", value="1", view=view)
        submitted = await sender.view_submission(
            "UADMIN", {**view, "callback_id": "no.such.form"}, {}
        )
        closed = await sender.view_closed("UADMIN", {**view, "callback_id": "no.such.form"})
        await settled(sender.http)
    assert [r.status_code for r in (pressed, in_modal, submitted, closed)] == [200] * 4
    assert watch.calls == []
    _no_errors(caplog)


async def test_oversized_command_text_gets_a_friendly_answer(
    sender: SlackSender, fake: FakeSlack, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await sender.command("UADMIN", "help")
    await fake.wait_for("response_url")
    async with unchanged(db, fake):
        response = await sender.command("UADMIN", "join " + "x" * 100_000)
        answer = await fake.wait_for("response_url", count=2)
    assert response.status_code == 200
    reply = json.dumps(answer[-1].args)
    assert "x" * 3001 not in reply  # never echoed back whole
    _no_errors(caplog)


OVERSIZED: dict[str, str] = {
    "name": "N" * 100_000,
    "description": "D" * 100_000,
    "skills": ", ".join(f"skill {i}" for i in range(20_000)),
}


@pytest.mark.parametrize("field", sorted(OVERSIZED))
async def test_oversized_form_fields_are_field_errors(
    sender: SlackSender,
    fake: FakeSlack,
    db: Database,
    caplog: pytest.LogCaptureFixture,
    field: str,
) -> None:
    from tests.scenario.flows import PROGRAM_VALUES

    view = await open_modal(sender, fake, "UADMIN", "program new", Callback.PROGRAM_FORM)
    async with unchanged(db, fake):
        response = await sender.view_submission(
            "UADMIN", view, {**PROGRAM_VALUES, field: OVERSIZED[field]}
        )
    assert response.status_code == 200
    answer = response.json()
    assert answer["response_action"] == "errors" and field in answer["errors"]
    _no_errors(caplog)


@pytest.mark.parametrize("value", ["9999999999", "2147483648", "٣", "-1", "1e3", "0", "１"])
async def test_ids_that_cannot_name_a_row_are_no_longer_there(
    sender: SlackSender,
    fake: FakeSlack,
    db: Database,
    caplog: pytest.LogCaptureFixture,
    value: str,
) -> None:
    """Bigger than a PostgreSQL integer, or digits that aren't ASCII: "no longer exists",
    never a database error."""
    await sender.command("UMENTEE", "help")
    await fake.wait_for("response_url")
    async with unchanged(db, fake):
        await sender.block_action("UMENTEE", "meeting.cancel", value=value)
        [_, answer] = await fake.wait_for("response_url", count=2)
        await settled(sender.http)
    assert "no longer exists" in answer.args["text"]
    _no_errors(caplog)
