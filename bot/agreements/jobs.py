"""Posting the agreement to the pair, and updating it as it is signed or questioned."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.agreements import views
from infra.text import escape
from scheduling.kinds import Kind
from scheduling.messages import Planned
from scheduling.registry import JobContext, Registry
from storage.due_work import DueWork
from storage.models import Agreement
from storage.repositories import relationships as rel_repo


async def notice(ctx: JobContext) -> None:
    agreement = await rel_repo.agreement(
        session=ctx.session,
        team_id=ctx.work.team_id,
        agreement_id=int(ctx.work.payload.get("agreement_id", 0)),
    )
    if agreement is None:
        return
    relationship = await rel_repo.get(
        session=ctx.session, team_id=ctx.work.team_id, relationship_id=agreement.relationship_id
    )
    if relationship is None:
        return
    event = str(ctx.work.payload.get("event"))
    text = f"Mentoring agreement, version {agreement.version}"
    blocks = views.agreement_message(agreement, relationship)
    if event == "drafted":
        ctx.to_pair(relationship, text=text, blocks=blocks)
    elif event == "signed":
        if agreement.channel_id and agreement.message_ts:
            ctx.update(agreement.channel_id, agreement.message_ts, text=text, blocks=blocks)
        ctx.post(
            agreement.channel_id
            or relationship.conversation_id
            or relationship.mentee.slack_user_id,
            text=f":white_check_mark: {escape(relationship.mentor.display)} signed the agreement. "
            "You're all set.",
            thread_ts=agreement.message_ts,
        )
    elif event == "suggested":
        ctx.dm(
            relationship.mentee.slack_user_id,
            text=f"{escape(relationship.mentor.display)} suggested changes to your agreement",
            blocks=views.suggestion_for_mentee(agreement, relationship),
        )


async def posted(session: AsyncSession, work: DueWork, outbox: list[Planned]) -> None:
    """Remember where the drafted agreement was posted, so signing can update it."""
    if work.payload.get("event") != "drafted":
        return
    delivered = next((m for m in outbox if m.delivered), None)
    agreement = await session.get(Agreement, int(work.payload.get("agreement_id", 0)))
    if delivered is None or agreement is None:
        return
    agreement.channel_id = delivered.delivered_to
    agreement.message_ts = delivered.ts


def register(registry: Registry) -> None:
    """This domain's kinds of due work, each with the subject a sweep preloads for it."""
    registry.register(Kind.AGREEMENT_NOTICE, notice, on_delivered=posted)
