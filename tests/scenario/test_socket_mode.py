"""`mentorbot socket`'s app over a real WebSocket: the fake Slack plays Slack's side."""

from __future__ import annotations

import asyncio

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from fakeslack import FakeSlack
from infra.config import Settings, Transport
from infra.deps import Deps
from mentorbot.app import build_app
from tests.conftest import BOT_TOKEN, TEAM


async def test_slash_command_over_socket_mode(fake: FakeSlack, deps: Deps) -> None:
    fake.add_app_token("xapp-1-socket")
    deps.settings = Settings(
        slack_bot_token=BOT_TOKEN,
        slack_app_token="xapp-1-socket",
        slack_api_url=fake.base_url,
        database_url=deps.settings.database_url,
        _env_file=None,
    )
    app = build_app(deps, Transport.SOCKET)
    handler = AsyncSocketModeHandler(app, "xapp-1-socket")
    await handler.connect_async()  # type: ignore[no-untyped-call]
    try:
        ack = await fake.socket_send(
            "slash_commands",
            {
                "command": "/mentor",
                "text": "help",
                "team_id": TEAM,
                "user_id": "UMENTEE",
                "channel_id": "DMENTEE",
                "trigger_id": fake.issue_trigger("UMENTEE", TEAM),
                "response_url": fake.response_url(),
                "api_app_id": "A0001",
            },
        )
        [reply] = await fake.wait_for("response_url")
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
        await asyncio.sleep(0)
    assert "envelope_id" in ack
    assert "/mentor join" in str(reply.args["blocks"])
