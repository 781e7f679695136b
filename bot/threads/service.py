"""Plain-text replies in the bot's DM threads. A reply under an agenda prompt becomes that
meeting's agenda; under a capture prompt, its takeaways and actions. Anything else gets help.

Slack retries an event it thinks we missed (``X-Slack-Retry-Num``); each event id is handled
once, in the same transaction as what it writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.capture import service as capture_svc
from bot.errors import InvalidInput
from bot.meetings import service as meeting_svc
from bot.threads import reading
from infra.clock import Clock
from infra.windows import local_date
from storage.models import DmPrompt, InboundEvent, Meeting, User
from storage.upsert import insert

REPLY_MAX = 4000
KEEP = timedelta(days=1)  # how long a handled event id is remembered


@dataclass(frozen=True)
class Answered:
    kind: str  # "agenda" | "capture"
    meeting: Meeting
    capture: capture_svc.CaptureDraft | None = None
    dropped: int = 0


async def first_time(*, session: AsyncSession, event_id: str, team_id: str, now: datetime) -> bool:
    """Claim an event id; False when it was handled before (a retry). Slack gives up
    retrying within minutes, so claims older than a day are dropped on the way."""
    if not event_id:
        return True
    await session.execute(delete(InboundEvent).where(InboundEvent.received_at < now - KEEP))
    result = await session.execute(
        insert(session, InboundEvent)
        .values(event_id=event_id[:64], team_id=team_id, received_at=now)
        .on_conflict_do_nothing(index_elements=["event_id"])
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def answer(
    *,
    session: AsyncSession,
    clock: Clock,
    actor: User,
    channel_id: str,
    thread_ts: str,
    text: str,
) -> Answered | None:
    """Read a reply in a prompt's thread. None when the thread isn't one of our prompts."""
    prompt = await session.scalar(
        select(DmPrompt).where(
            DmPrompt.team_id == actor.team_id,
            DmPrompt.channel_id == channel_id,
            DmPrompt.ts == thread_ts,
        )
    )
    if prompt is None:
        return None
    if len(text) > REPLY_MAX:
        raise InvalidInput(f"That's a long one: keep replies to {REPLY_MAX} characters.")
    meeting, role = await meeting_svc.load(
        session=session, actor=actor, meeting_id=prompt.meeting_id
    )
    if prompt.kind == "agenda":
        parts = reading.agenda(text)
        await meeting_svc.write_agenda(
            session=session,
            clock=clock,
            actor=actor,
            meeting_id=meeting.id,
            grow=meeting_svc.Grow(**parts),
            source="reply",
        )
        return Answered("agenda", meeting)
    today = local_date(clock.now(), actor.tz)
    parsed = reading.capture(text, today, author=role)
    draft = capture_svc.CaptureDraft(
        takeaways=parsed.takeaways,
        actions=tuple(capture_svc.ActionDraft(a.text, a.owner, a.due_on) for a in parsed.actions),
    )
    await capture_svc.capture(
        session=session,
        clock=clock,
        actor=actor,
        meeting_id=meeting.id,
        draft=draft,
        source="reply",
    )
    return Answered("capture", meeting, capture=draft, dropped=parsed.dropped)


def problem(error: InvalidInput) -> str:
    """A form's field errors, said in a sentence for a thread reply."""
    return " ".join(dict.fromkeys(error.fields.values())) or str(error)
