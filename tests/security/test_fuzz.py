"""Property-based fuzz of everything that reads what Slack (or an attacker) sends: the payload
parsers, the form readers, the reply and command parsers, and the HTTP endpoint itself, both
unsigned and correctly signed (so the fuzz reaches Bolt and our listeners). Only the
documented domain errors may escape a parser; the endpoint never answers 5xx and nothing
is logged as a failure."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from bot.agreements import views as agreement
from bot.checkins import views as checkins
from bot.commands import catalogue as commands
from bot.enrolment import views as enrolment
from bot.errors import InvalidInput, NotFound
from bot.forms import MAX_ID, FormState, as_id, private_metadata, whole
from bot.goals import views as goals
from bot.ids import (
    Action,
    AgendaField,
    AgreementField,
    Callback,
    GoalField,
    JoinField,
    MatchSettingsField,
    MeetingField,
    ProgramField,
    SettingsField,
)
from bot.matching import views as matching
from bot.meetings import views as meetings
from bot.people import views as settings_view
from bot.programs import views as programs
from bot.threads import reading
from fakeslack import FakeSlack, SlackSender
from fakeslack.server import dm_channel_id
from handlers.payloads import ActionRequest, CommandRequest, ViewRequest
from mentorbot import gate
from storage.enums import ActorRole
from tests.settle import settled

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ENDPOINT = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Any JSON value, kept small.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)
KEYS = [
    "type",
    "user",
    "team",
    "user_id",
    "team_id",
    "channel",
    "channel_id",
    "text",
    "trigger_id",
    "actions",
    "view",
    "state",
    "values",
    "value",
    "selected_option",
    "selected_options",
    "action_id",
    "block_id",
    "private_metadata",
    "callback_id",
    "id",
    "container",
    "message",
    "event",
]
# Dicts whose keys are the ones the parsers look for, with values of any type.
payloads = st.dictionaries(st.sampled_from(KEYS), json_values, max_size=8)
nested_payloads = st.recursive(
    payloads,
    lambda inner: st.dictionaries(
        st.sampled_from(KEYS), inner | json_values | st.lists(inner, max_size=2), max_size=6
    ),
    max_leaves=10,
)


@FUZZ
@given(nested_payloads)
def test_payload_parsers_never_raise(body: dict[str, Any]) -> None:
    command = CommandRequest.parse(body)
    command.words()
    action = ActionRequest.parse(body)
    action.int_value()
    with contextlib.suppress(NotFound):
        action.id_of("thing")
    action.state.text("x")
    view = ViewRequest.parse(body)
    view.metadata_id("relationship_id")
    private_metadata(body)


# A view's state.values: block id -> action id -> element state, any shapes inside.
element_states = st.dictionaries(
    st.sampled_from(
        [
            "type",
            "value",
            "selected_option",
            "selected_options",
            "selected_user",
            "selected_users",
            "selected_conversation",
            "selected_channel",
            "selected_time",
            "selected_date",
            "selected_date_time",
        ]
    ),
    json_values
    | st.fixed_dictionaries({"value": json_values})
    | st.lists(st.fixed_dictionaries({"value": json_values}), max_size=3)
    | st.from_regex(r"-?\d{1,30}", fullmatch=True),
    max_size=4,
)
BLOCK_IDS = sorted(
    {
        *(
            m.value
            for fields in (
                ProgramField,
                JoinField,
                SettingsField,
                MatchSettingsField,
                AgreementField,
                MeetingField,
                AgendaField,
                GoalField,
            )
            for m in fields
        ),
        "score",
        "note",
        "private",
    }
)
states = st.dictionaries(
    st.sampled_from(BLOCK_IDS),
    st.dictionaries(st.just("field"), element_states, min_size=1, max_size=1) | json_values,
    max_size=12,
)
FORM_PARSERS: list[Callable[[FormState], object]] = [
    programs.parse_program_form,
    enrolment.parse_join_form,
    lambda s: enrolment.parse_join_form(s, strict=False),
    settings_view.parse_settings_form,
    matching.parse_settings_form,
    agreement.parse_agreement_form,
    meetings.parse_meeting_form,
    meetings.parse_agenda_form,
    goals.parse_goal_form,
    goals.parse_progress,
    checkins.parse,
]


@FUZZ
@given(states)
# Multi-selects whose state is not a list (a draw once found these raised TypeError)
@example({"shout_out": {"field": {"selected_options": 1.0}}})
@example({"managers": {"field": {"selected_users": 1}}})
def test_form_readers_raise_only_field_errors(values: dict[str, Any]) -> None:
    state = FormState(values)
    for parse in FORM_PARSERS:
        with contextlib.suppress(InvalidInput):
            parse(state)


@FUZZ
@given(st.text(max_size=300), st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 1, 1)))
def test_reply_parsers_never_raise(text: str, today: date) -> None:
    reading.agenda(text)
    reading.due_date(text, today)
    for author in (ActorRole.MENTEE, ActorRole.MENTOR):
        reading.action(text, today, author=author)
        reading.capture(text, today, author=author)
    commands.resolve(text)
    commands.suggest(text)
    CommandRequest.parse({"text": text}).words()


@FUZZ
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode), st.text(max_size=40))
def test_the_gate_and_the_metrics_label_never_raise(body: bytes, content_type: str) -> None:
    kind, _ = gate.inspect(body, gate.content_type([("content-type", content_type)]))
    assert isinstance(kind, str) and kind
    gate.signed("secret-secret", body, {"x-slack-request-timestamp": content_type})


# ---------------------------------------------------------------------- the endpoint


def _failures(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.ERROR or (r.exc_info and r.name.startswith(("mentorbot", "slack")))
    ]


CONTENT_TYPES = st.sampled_from(
    ["application/x-www-form-urlencoded", "application/json", "text/plain", "", "multipart/x"]
)
raw_bodies = (
    st.binary(max_size=200)
    | json_values.map(lambda v: json.dumps(v).encode())
    | nested_payloads.map(lambda p: urlencode({"payload": json.dumps(p)}).encode())
)


@ENDPOINT
@given(
    body=raw_bodies,
    content_type=CONTENT_TYPES,
    headers=st.dictionaries(
        st.sampled_from(["X-Slack-Signature", "X-Slack-Request-Timestamp", "X-Slack-Retry-Num"]),
        st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=70),
    ),
)
async def test_unsigned_requests_are_401_whatever_they_hold(
    http: httpx.AsyncClient,
    fake: FakeSlack,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    content_type: str,
    headers: dict[str, str],
) -> None:
    response = await http.post(
        "/slack/events", content=body, headers={"Content-Type": content_type, **headers}
    )
    assert response.status_code == 401
    assert not fake.calls
    assert not _failures(caplog)


USERS = st.sampled_from(["UADMIN", "UMENTEE", "UMENTOR", "UOTHER", "UNOBODY", ""])
ids_or_junk = (
    st.from_regex(r"\d{1,4}", fullmatch=True)
    | st.text(max_size=12)
    | st.just("99999999999999999999")
)


RESPONSE_URL = "https://hooks.example/RESPONSE_URL"
TRIGGER = "TRIGGER.PLACEHOLDER"


def _interaction(kind: str, user: str, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": kind,
        "user": {"id": user, "team_id": "T0001"},
        "team": {"id": "T0001", "domain": "acme"},
        "api_app_id": "A0001",
        "trigger_id": TRIGGER,
        **extra,
    }


@st.composite
def signed_bodies(draw: st.DrawFn) -> tuple[bytes, str]:
    """Payloads shaped closely enough like Slack's to reach the listeners."""
    kind = draw(
        st.sampled_from(
            ["block_actions", "view_submission", "view_closed", "command", "event_callback"]
        )
    )
    user = draw(USERS)
    if kind == "event_callback":
        event: dict[str, Any] = {
            "type": draw(st.sampled_from(["message", "app_home_opened", "user_change"])),
            "user": draw(USERS | json_values),
            # A DM channel that exists, as it always does when Slack sends the event.
            "channel": dm_channel_id(draw(st.sampled_from(["UADMIN", "UMENTEE", "UOTHER"]))),
            "channel_type": draw(st.sampled_from(["im", "channel", "group"])),
            "text": draw(st.text(max_size=200)),
            "ts": "1772640000.000100",
            "tab": "home",
        }
        if draw(st.booleans()):
            event["thread_ts"] = draw(st.sampled_from(["1772640000.000001", "x", ""]))
        if draw(st.booleans()):
            event["subtype"] = draw(st.sampled_from(["bot_message", "message_changed", "x"]))
        envelope = {
            "type": "event_callback",
            "team_id": "T0001",
            "api_app_id": "A0001",
            "event_id": f"Ev{draw(st.integers(0, 10**9))}",
            "event_time": 1772640000,
            "event": event,
            "authorizations": [{"team_id": "T0001", "user_id": "UBOT0001", "is_bot": True}],
        }
        return json.dumps(envelope).encode(), "application/json"
    if kind == "command":
        form = {
            "command": "/mentor",
            "text": draw(
                st.text(max_size=60)
                | st.tuples(st.sampled_from(commands.WORDS), st.text(max_size=30)).map(" ".join)
            ),
            "user_id": user or "U0",
            "team_id": "T0001",
            "channel_id": f"D{user}",
            "response_url": RESPONSE_URL,
            "trigger_id": TRIGGER,
        }
        return urlencode(form).encode(), "application/x-www-form-urlencoded"
    view = {
        "id": "V0001",
        "type": "modal",
        "callback_id": draw(st.sampled_from([c.value for c in Callback]) | st.text(max_size=8)),
        "private_metadata": draw(
            st.dictionaries(
                st.sampled_from(
                    ["relationship_id", "meeting_id", "goal_id", "program_id", "run_id"]
                ),
                st.integers(-2, 99) | st.text(max_size=5),
            ).map(json.dumps)
            | st.text(max_size=20)
        ),
        "state": {
            "values": draw(states.filter(lambda v: all(isinstance(b, dict) for b in v.values())))
        },
    }
    if kind == "block_actions":
        action = {
            "action_id": draw(st.sampled_from([a.value for a in Action]) | st.text(max_size=8)),
            "block_id": draw(st.text(max_size=8)),
            "type": "button",
            "value": draw(ids_or_junk),
        }
        extra: dict[str, Any] = {"actions": [action]}
        if draw(st.booleans()):
            extra |= {"view": view, "container": {"type": "view", "view_id": "V0001"}}
        else:
            extra |= {
                "channel": {"id": f"D{user}"},
                "container": {"type": "message", "channel_id": f"D{user}"},
                "response_url": RESPONSE_URL,
            }
    else:
        extra = {"view": view}
    payload = _interaction(kind, user, extra)
    return urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"


@ENDPOINT
@given(request=signed_bodies() | st.tuples(raw_bodies, CONTENT_TYPES))
async def test_signed_requests_never_get_a_5xx_or_a_logged_failure(
    sender: SlackSender,
    fake: FakeSlack,
    caplog: pytest.LogCaptureFixture,
    request: tuple[bytes, str],
) -> None:
    body, content_type = request
    # Point response URLs at the fake, so replies land somewhere real.
    body = body.replace(
        quote(RESPONSE_URL, safe="").encode(), quote(fake.response_url(), safe="").encode()
    )
    # …and trigger ids at ones the fake issued (else every modal fails to open).
    body = body.replace(TRIGGER.encode(), fake.issue_trigger("UADMIN", "T0001").encode())
    caplog.clear()
    seen = len(fake.calls)
    response = await sender.post_raw(body, content_type=content_type)
    assert response.status_code < 500, response.text
    await settled(sender.http)  # the work after the acknowledgement is done too
    assert not _failures(caplog)
    # How deep the fuzz got (see --hypothesis-show-statistics).
    event(f"HTTP {response.status_code}")
    event("the app called Slack" if len(fake.calls) > seen else "no Slack call")


@FUZZ
@given(json_values | st.from_regex(r"[0-9٣]{0,14}", fullmatch=True))
def test_ids_and_numbers_are_ascii_and_fit_the_database(raw: Any) -> None:
    found = as_id(raw)
    assert found is None or 0 < found <= MAX_ID
    if isinstance(raw, str):
        number = whole(raw)
        assert number is None or (raw.isascii() and number < 10**9)
