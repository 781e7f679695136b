"""Link buttons: the browser opens the link itself, and Slack still reports the press."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext


async def opened(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    """Only acknowledged: the page behind the link checks who may see it."""
    await ack()
