"""After the meeting: the capture prompt and its one reminder, "did you meet?", the summary
posted to the pair (and a suggested change in its thread), and action due dates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.capture import service as svc
from bot.capture import views
from bot.meetings import service as meeting_svc
from bot.prompts import remember_prompt
from infra.windows import local_date
from scheduling.kinds import Kind
from scheduling.registry import JobContext, Registry, delivered_to
from storage.due_work import DueWork
from storage.enums import ActionStatus, ActorRole, MeetingStatus
from storage.models import ActionItem, Meeting, MeetingNotes


def _waiting_for_capture(meeting: Meeting | None) -> bool:
    return (
        meeting is not None
        and meeting.status is MeetingStatus.HELD
        and meeting.notes is None
        and meeting.outcome is None
    )


async def prompt(ctx: JobContext) -> None:
    meeting = await ctx.subject(Meeting, "meeting_id")
    if not _waiting_for_capture(meeting):
        return
    assert meeting is not None
    ctx.dm(
        meeting.pair.mentee.slack_user_id,
        text="Capture what you agreed",
        blocks=views.capture_prompt(meeting),
    )


async def reminder(ctx: JobContext) -> None:
    meeting = await ctx.subject(Meeting, "meeting_id")
    if not _waiting_for_capture(meeting):
        return
    assert meeting is not None
    ctx.dm(
        meeting.pair.mentee.slack_user_id,
        text="You haven't captured your meeting yet",
        blocks=views.capture_prompt(meeting, reminder=True),
    )


async def check(ctx: JobContext) -> None:
    """Nothing was captured at all: ask this person whether the meeting happened."""
    meeting = await ctx.subject(Meeting, "meeting_id")
    if not _waiting_for_capture(meeting):
        return
    assert meeting is not None
    to = ActorRole.MENTOR if ctx.work.payload.get("to") == "mentor" else ActorRole.MENTEE
    person = meeting.pair.mentor if to is ActorRole.MENTOR else meeting.pair.mentee
    ctx.dm(person.slack_user_id, text="Did you meet?", blocks=views.meeting_check(meeting, to=to))


async def post(ctx: JobContext) -> None:
    """The summary to the pair; a suggested change goes in the summary's thread."""
    meeting = await ctx.subject(Meeting, "meeting_id")
    if meeting is None or meeting.notes is None:
        return
    notes = meeting.notes
    if ctx.work.payload.get("event") == "change":
        blocks = views.change_suggested(meeting, notes)
        if notes.channel_id and notes.message_ts:
            ctx.post(
                notes.channel_id,
                text="A change to the notes was suggested",
                blocks=blocks,
                thread_ts=notes.message_ts,
            )
            ctx.update(
                notes.channel_id,
                notes.message_ts,
                text="What we agreed",
                blocks=views.summary(
                    meeting, notes, await svc.actions_of(session=ctx.session, meeting_id=meeting.id)
                ),
            )
        else:
            ctx.to_pair(meeting.pair, text="A change to the notes was suggested", blocks=blocks)
        return
    ctx.to_pair(
        meeting.pair,
        text="What we agreed",
        blocks=views.summary(
            meeting, notes, await svc.actions_of(session=ctx.session, meeting_id=meeting.id)
        ),
    )


async def posted(session: AsyncSession, work: DueWork, outbox: list[dict[str, Any]]) -> None:
    """Remember where the newest summary is, so a suggested change can thread under it."""
    if work.payload.get("event") == "change":
        return
    delivered = next((m for m in outbox if m.get("delivered") and m.get("op") == "post"), None)
    if delivered is None:
        return
    # One guarded write, not a load of the meeting with its pair, agenda and notes.
    await session.execute(
        update(MeetingNotes)
        .where(
            MeetingNotes.meeting_id == int(work.payload.get("meeting_id", 0)),
            MeetingNotes.team_id == work.team_id,
        )
        .values(
            channel_id=delivered_to(delivered),
            message_ts=delivered.get("ts"),
        )
    )


async def _action(ctx: JobContext) -> ActionItem | None:
    item = await ctx.subject(ActionItem, "action_id")
    return item if item is not None and item.status is ActionStatus.OPEN else None


async def due(ctx: JobContext) -> None:
    item = await _action(ctx)
    if item is None:
        return
    owner = svc.owner_of(item.pair, item)
    # Said as of the owner's today: the reminder may have waited past the due day.
    today = local_date(ctx.clock.now(), owner.tz)
    ctx.dm(
        owner.slack_user_id,
        text=views.action_due_text(item, today=today),
        blocks=views.action_due(item, today=today),
    )


async def overdue(ctx: JobContext) -> None:
    item = await _action(ctx)
    if item is None:
        return
    await svc.mark_overdue(session=ctx.session, now=ctx.clock.now(), item=item)


async def start(ctx: JobContext) -> None:
    meeting = await ctx.subject(Meeting, "meeting_id")
    if meeting is None:
        return
    if await meeting_svc.start(session=ctx.session, now=ctx.clock.now(), meeting=meeting):
        await svc.plan_after(session=ctx.session, now=ctx.clock.now(), meeting=meeting)


def register(registry: Registry) -> None:
    """This domain's kinds of due work, each with the subject a sweep preloads for it."""
    meeting = (Meeting, "meeting_id")
    capture = remember_prompt("capture")
    registry.register(Kind.MEETING_START, start, subject=meeting)
    registry.register(Kind.CAPTURE_PROMPT, prompt, on_delivered=capture, subject=meeting)
    registry.register(Kind.CAPTURE_REMINDER, reminder, on_delivered=capture, subject=meeting)
    registry.register(Kind.MEETING_CHECK, check, subject=meeting)
    registry.register(Kind.CAPTURE_POST, post, on_delivered=posted, subject=meeting)
    registry.register(Kind.ACTION_DUE, due, subject=(ActionItem, "action_id"))
    registry.register(Kind.ACTION_OVERDUE, overdue, subject=(ActionItem, "action_id"))
