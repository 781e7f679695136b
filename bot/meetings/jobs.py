"""Meetings: the booking in the pair's conversation, the GROW agenda prompt and its one
reminder, the agenda posted to the pair, and the start of the meeting."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks import when
from bot.meetings import calendar, views
from bot.prompts import remember_prompt
from infra.text import escape
from scheduling.kinds import Kind
from scheduling.messages import Planned, Update
from scheduling.registry import JobContext, Registry
from storage.due_work import DueWork
from storage.enums import MeetingStatus
from storage.models import Meeting, Relationship


def _pair_channel(meeting: Meeting) -> str | None:
    return meeting.channel_id or meeting.pair.conversation_id


async def notice(ctx: JobContext) -> None:
    """Booked: post the booking. Moved or cancelled: update it, and say so in its thread
    (an edit alone notifies nobody)."""
    meeting = await ctx.subject(Meeting, "meeting_id")
    if meeting is None:
        return
    event = str(ctx.work.payload.get("event"))
    settings = ctx.settings
    url = (
        calendar.link(settings.public_url, settings.link_secret, meeting)
        if settings is not None and settings.public_url
        else None
    )
    blocks = views.booking(meeting, event=event, ics_url=url)
    text = f"Mentoring meeting {event}"
    if event == "booked" or not meeting.message_ts:
        ctx.to_pair(meeting.pair, text=text, blocks=blocks)
        return
    channel = _pair_channel(meeting)
    assert channel is not None
    ctx.update(channel, meeting.message_ts, text=text, blocks=blocks)
    what = "cancelled" if meeting.status is MeetingStatus.CANCELLED else "moved"
    ctx.post(
        channel,
        text=f"The meeting was {what}: now {when(meeting.starts_at)}"
        if what == "moved"
        else "The meeting was cancelled.",
        thread_ts=meeting.message_ts,
    )


async def booked(session: AsyncSession, work: DueWork, outbox: list[Planned]) -> None:
    """Remember where the booking was posted, so moves and cancellations update it: two
    guarded writes (the first post only, and the pair's conversation if it had none), not a
    load of the meeting with its pair, agenda and notes."""
    delivered = next((m for m in outbox if m.delivered and not isinstance(m, Update)), None)
    meeting_id = work.payload.get("meeting_id")
    if delivered is None or not isinstance(meeting_id, int):
        return
    channel = delivered.delivered_to
    await session.execute(
        update(Meeting)
        .where(
            Meeting.id == meeting_id,
            Meeting.team_id == work.team_id,
            Meeting.message_ts.is_(None),
        )
        .values(channel_id=channel, message_ts=delivered.ts)
    )
    if work.relationship_id is not None:
        await session.execute(
            update(Relationship)
            .where(
                Relationship.id == work.relationship_id,
                Relationship.team_id == work.team_id,
                Relationship.conversation_id.is_(None),
            )
            .values(conversation_id=channel)
        )


def _waiting_for_agenda(ctx: JobContext, meeting: Meeting | None) -> bool:
    return (
        meeting is not None
        and meeting.status is MeetingStatus.SCHEDULED
        and meeting.agenda is None
        and meeting.starts_at > ctx.clock.now()
    )


async def prompt(ctx: JobContext) -> None:
    meeting = await ctx.subject(Meeting, "meeting_id")
    if not _waiting_for_agenda(ctx, meeting):
        return
    assert meeting is not None
    ctx.dm(
        meeting.pair.mentee.slack_user_id,
        text="Time to write your agenda",
        blocks=views.agenda_prompt(meeting),
    )


async def reminder(ctx: JobContext) -> None:
    meeting = await ctx.subject(Meeting, "meeting_id")
    if not _waiting_for_agenda(ctx, meeting):
        return
    assert meeting is not None
    ctx.dm(
        meeting.pair.mentee.slack_user_id,
        text="Your meeting has no agenda yet",
        blocks=views.agenda_prompt(meeting, reminder=True),
    )


async def post_agenda(ctx: JobContext) -> None:
    meeting = await ctx.subject(Meeting, "meeting_id")
    if meeting is None or meeting.agenda is None or meeting.status is MeetingStatus.CANCELLED:
        return
    ctx.to_pair(
        meeting.pair,
        text=f"{escape(meeting.pair.mentee.display)}'s agenda",
        blocks=views.agenda_message(meeting, meeting.agenda),
    )


async def mentor_items(ctx: JobContext) -> None:
    meeting = await ctx.subject(Meeting, "meeting_id")
    if meeting is None or meeting.agenda is None or meeting.status is MeetingStatus.CANCELLED:
        return
    ctx.to_pair(
        meeting.pair,
        text="Your mentor added to the agenda",
        blocks=views.mentor_items_added(meeting, meeting.agenda),
    )


def register(registry: Registry) -> None:
    """This domain's kinds of due work, each with the subject a sweep preloads for it."""
    meeting = (Meeting, "meeting_id")
    agenda = remember_prompt("agenda")
    registry.register(Kind.MEETING_NOTICE, notice, on_delivered=booked, subject=meeting)
    registry.register(Kind.AGENDA_PROMPT, prompt, on_delivered=agenda, subject=meeting)
    registry.register(Kind.AGENDA_REMINDER, reminder, on_delivered=agenda, subject=meeting)
    registry.register(Kind.AGENDA_POST, post_agenda, subject=meeting)
    registry.register(Kind.AGENDA_ITEMS, mentor_items, subject=meeting)
