"""Direct messages to the bot: a reply in a prompt's thread is an agenda or a capture; any
other message gets help."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import inbox
from bot.directory import typed_text
from bot.errors import InvalidInput, MentorbotError
from bot.views.capture import understood
from bot.views.meetings import agenda_received
from bot.views.notices import dm_help
from handlers.context import acting_user, deps_of


async def direct_message(
    event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    # Only people's own messages in our DM: not edits, joins, bots or ourselves.
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return
    channel = str(event["channel"])
    thread = event.get("thread_ts")
    user_id = event.get("user")
    if thread and isinstance(user_id, str):
        deps = deps_of(context)
        team_id = str(body.get("team_id") or context.team_id or "")
        actor = await acting_user(deps, client, team_id=team_id, user_id=user_id)
        # Slack's markup read once into what she typed; escaped once when it is shown.
        typed = await typed_text(
            db=deps.db,
            client=client,
            clock=deps.clock,
            team_id=team_id,
            slack_text=str(event.get("text") or ""),
        )
        try:
            async with deps.db.transaction() as session:
                if not await inbox.first_time(
                    session,
                    event_id=str(body.get("event_id") or ""),
                    team_id=team_id,
                    now=deps.clock.now(),
                ):
                    return  # a retry of an event already handled
                answered = await inbox.answer(
                    session=session,
                    clock=deps.clock,
                    actor=actor,
                    channel_id=channel,
                    thread_ts=str(thread),
                    text=typed,
                )
                if answered is not None and answered.kind == "agenda":
                    blocks = agenda_received(answered.meeting)
                elif answered is not None:
                    assert answered.capture is not None
                    blocks = understood(answered.meeting, answered.capture, answered.dropped)
        except InvalidInput as error:
            await client.chat_postMessage(
                channel=channel, thread_ts=str(thread), text=f":warning: {inbox.problem(error)}"
            )
            return
        except MentorbotError as error:
            await client.chat_postMessage(
                channel=channel, thread_ts=str(thread), text=f":warning: {error}"
            )
            return
        if answered is not None:
            deps.kick()
            await client.chat_postMessage(
                channel=channel,
                thread_ts=str(thread),
                text="Got it",
                blocks=[b.to_dict() for b in blocks],
            )
            return
    await client.chat_postMessage(
        channel=channel,
        thread_ts=thread or event.get("ts"),
        text="Here's what I can do",
        blocks=dm_help(),
    )
