"""Getting the bot into a program's manager digest channel."""

from __future__ import annotations

import enum

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from infra.slack import slack_error_code


class ChannelAccess(enum.Enum):
    JOINED = "joined"  # a public channel the bot just joined
    MEMBER = "member"  # already in it
    NEEDS_INVITE = "needs_invite"  # private, and the bot is not in it
    ARCHIVED = "archived"
    NOT_FOUND = "not_found"


async def ensure_member(client: AsyncWebClient, channel_id: str) -> ChannelAccess:
    """Join a public channel; for a private one, find out whether we were invited."""
    try:
        response = await client.conversations_join(channel=channel_id)
    except SlackApiError as exc:
        error = slack_error_code(exc)
        if error == "is_archived":
            return ChannelAccess.ARCHIVED
        if error == "channel_not_found":
            return ChannelAccess.NOT_FOUND
        if error != "method_not_supported_for_channel_type":
            raise
        return await _private_membership(client, channel_id)
    warning = str(response.get("warning") or "")
    return ChannelAccess.MEMBER if "already_in_channel" in warning else ChannelAccess.JOINED


async def _private_membership(client: AsyncWebClient, channel_id: str) -> ChannelAccess:
    try:
        info = await client.conversations_info(channel=channel_id)
    except SlackApiError as exc:
        if slack_error_code(exc) == "channel_not_found":
            # Private channels are invisible to a bot that isn't in them.
            return ChannelAccess.NEEDS_INVITE
        raise
    channel = info.get("channel") or {}
    if channel.get("is_archived"):
        return ChannelAccess.ARCHIVED
    return ChannelAccess.MEMBER if channel.get("is_member") else ChannelAccess.NEEDS_INVITE
