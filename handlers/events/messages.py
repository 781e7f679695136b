"""Direct messages to the bot: a reply in a prompt's thread is an agenda or a capture; any
other message gets help. Every answer is due work (``bot.receipts.dm_reply``), keyed by the
person's message: a Slack failure can't lose it, nor Slack's retry of the event double it."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.capture.views import understood
from bot.errors import InvalidInput, MentorbotError
from bot.meetings.views import agenda_received
from bot.notices import dm_help
from bot.people.directory import typed_text
from bot.receipts import service as receipts
from bot.threads import service as threads
from handlers.context import begin_event
from infra.deps import Deps
from storage.models import User


async def direct_message(
    event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    # Only people's own messages in our DM: not edits, joins, bots or ourselves.
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return
    begun = await begin_event(event, body, context, client)
    if begun is None:
        return
    team_id, deps, actor = begun
    ts = str(event.get("ts") or "")
    thread = event.get("thread_ts")
    if thread:
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
                if not await threads.first_time(
                    session=session,
                    event_id=str(body.get("event_id") or ""),
                    team_id=team_id,
                    now=deps.clock.now(),
                ):
                    return  # a retry of an event already handled
                answered = await threads.answer(
                    session=session,
                    clock=deps.clock,
                    actor=actor,
                    channel_id=str(event["channel"]),
                    thread_ts=str(thread),
                    text=typed,
                )
                if answered is not None:
                    if answered.kind == "agenda":
                        blocks = agenda_received(answered.meeting)
                    else:
                        assert answered.capture is not None
                        blocks = understood(answered.meeting, answered.capture, answered.dropped)
                    # Answered with what it stored, in the same transaction.
                    await receipts.dm_reply(
                        session=session,
                        clock=deps.clock,
                        user=actor,
                        message_ts=ts,
                        thread_ts=str(thread),
                        text="Got it",
                        blocks=[b.to_dict() for b in blocks],
                    )
        except InvalidInput as error:
            await _reply(deps, actor, ts, str(thread), f":warning: {threads.problem(error)}")
            return
        except MentorbotError as error:
            await _reply(deps, actor, ts, str(thread), f":warning: {error}")
            return
        if answered is not None:
            deps.kick()
            return
    help_blocks = [b.to_dict() for b in dm_help()]
    await _reply(deps, actor, ts, str(thread or ts), "Here's what I can do", help_blocks)


async def _reply(
    deps: Deps,
    actor: User,
    message_ts: str,
    thread_ts: str,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
) -> None:
    """Answer in the thread, as due work (nothing else was written)."""
    async with deps.db.transaction() as session:
        await receipts.dm_reply(
            session=session,
            clock=deps.clock,
            user=actor,
            message_ts=message_ts,
            thread_ts=thread_ts,
            text=text,
            blocks=blocks,
        )
    deps.kick()
