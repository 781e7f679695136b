"""TODO docstring."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from scheduling.messages import Planned
from storage.due_work import DueWork
from storage.models import DmPrompt
from storage.upsert import insert


def remember_prompt(kind: str) -> Any:
    """An on-delivered hook: note the DM prompt's channel and ts, so a reply in its thread
    is read as the agenda (or the capture) of that meeting."""

    async def hook(session: AsyncSession, work: DueWork, outbox: list[Planned]) -> None:
        meeting_id = int(work.payload.get("meeting_id", 0))
        for message in outbox:
            channel, ts = message.channel_id, message.ts
            if not (message.delivered and channel and ts):
                continue
            stmt = insert(session, DmPrompt).values(
                team_id=work.team_id,
                channel_id=channel,
                ts=ts,
                kind=kind,
                meeting_id=meeting_id,
                created_at=work.updated_at,
            )
            await session.execute(
                stmt.on_conflict_do_nothing(index_elements=["team_id", "channel_id", "ts"])
            )

    return hook
