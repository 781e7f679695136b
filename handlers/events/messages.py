"""Direct messages to the bot."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.views.notices import dm_help


async def direct_message(
    event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    # Only people's own messages in our DM: not edits, joins, bots or ourselves.
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return
    await client.chat_postMessage(
        channel=str(event["channel"]),
        thread_ts=event.get("thread_ts") or event.get("ts"),
        text="Here's what I can do",
        blocks=dm_help(),
    )
