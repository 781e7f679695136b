"""The logs, configured exactly as ``mentorbot serve`` configures them (JSON lines on stderr,
secrets registered for redaction) and at DEBUG, carry request ids but never a token, the
signing secret, the client secret or anything a person wrote."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Callable, Iterator

import httpx
import pytest

from fakeslack import FakeSlack, SlackSender
from infra.config import Settings
from infra.deps import Deps
from mentorbot.app import build_app
from mentorbot.cli import _configure_logs
from mentorbot.web import build_asgi
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, TEAM
from tests.scenario.flows import create_program, delivered

MARKER = "zebra-quokka-4471"  # in everything people type below
CLIENT_SECRET = "client-secret-0a1b2c3d4e5f"
APP_TOKEN = "xapp-1-A0001-1234567890-abcdef"


@pytest.fixture
def logs(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], str]]:
    """Configure logging as the CLI does (at DEBUG, with every secret set), into stderr."""
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    levels = {name: logging.getLogger(name).level for name in logging.root.manager.loggerDict}
    # The same secrets the CLI registers (the app itself keeps its single-workspace settings).
    _configure_logs(
        settings.model_copy(
            update={
                "log_level": "DEBUG",
                "slack_client_secret": CLIENT_SECRET,
                "slack_app_token": APP_TOKEN,
            }
        )
    )
    yield stream.getvalue
    root.handlers[:], _ = saved
    root.setLevel(saved[1])
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


async def test_logs_hold_request_ids_and_no_secrets_or_message_text(
    logs: Callable[[], str], fake: FakeSlack, deps: Deps
) -> None:
    # The app is built after logging is configured, as `mentorbot serve` does it.
    asgi = build_asgi(deps, build_app(deps))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=asgi), base_url="http://mentorbot.test"
    ) as http:
        sender = SlackSender(http, signing_secret=SIGNING_SECRET, fake=fake, team_id=TEAM)
        await _drive(sender, fake, deps)
    out = logs()
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines, "nothing was logged"
    for secret in (BOT_TOKEN, SIGNING_SECRET, CLIENT_SECRET, APP_TOKEN, MARKER):
        assert secret not in out, f"{secret!r} appears in the logs"
    entries = [json.loads(line) for line in lines]  # every line is a JSON object
    assert all({"ts", "level", "logger", "msg"} <= set(e) for e in entries)
    assert any(e.get("request_id") for e in entries), "no request ids"
    assert any(e["level"] == "error" and "SlackApiError" in e.get("exc", "") for e in entries)


async def _drive(sender: SlackSender, fake: FakeSlack, deps: Deps) -> None:
    """Requests carrying the marker, a Slack API error and an outage, and a forgery."""
    await sender.command("UMENTEE", f"jion {MARKER}")  # an unknown subcommand, echoed back
    await fake.wait_for("response_url")
    await create_program(sender, fake, name=f"Club {MARKER}", description=f"About {MARKER}")
    await delivered(deps, fake, "chat.postMessage")
    # Refused inside the acknowledgement itself, with the name in the field error.
    answer = await create_program(sender, fake, name=f"Club {MARKER}")
    assert MARKER in str(answer["errors"])
    # A message typed to the app, answered with help.
    await sender.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": "DUMENTEE",
            "user": "UMENTEE",
            "text": f"hello {MARKER}",
            "ts": "1772640000.000100",
        }
    )
    await delivered(deps, fake, "chat.postMessage", count=2)
    # A Slack API error (a refused modal: replies in DMs are due work now, whose failures
    # are recorded in the row, not raised in a listener) and a Slack outage while telling
    # somebody.
    fake.fail("views.open", error="invalid_arguments")
    await sender.command("UMENTEE", f"settings {MARKER}")
    # Logged, then apologised for.
    await fake.wait_for("response_url", lambda c: "went wrong on my side" in str(c.args))
    await sender.command("UMENTEE", f"program edit {MARKER}")
    fake.fail("response_url", status=500, times=3)
    await sender.command("UMENTEE", f"leave {MARKER}")
    await fake.wait_for("response_url", count=3)
    # A forged request is logged too (as refused).
    await sender.post_raw(b"payload=%7B%7D", content_type="application/x-www-form-urlencoded")
