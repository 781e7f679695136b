"""Introductions and what follows: posting them, reminding the mentor, expiring unanswered
requests, and telling the people concerned when a request is settled."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.introductions import service as relationship_svc
from bot.introductions import views as intro
from bot.matching.review import in_the_pool, waitlist_position
from infra.text import escape
from scheduling.kinds import Kind
from scheduling.registry import JobContext, Registry, delivered_to
from storage.due_work import DueWork
from storage.enums import RelationshipStatus
from storage.models import Enrolment, Relationship
from storage.repositories import relationships as rel_repo


async def send(ctx: JobContext) -> None:
    relationship = await ctx.relationship()
    if relationship is None or relationship.status is not RelationshipStatus.AWAITING_MENTOR:
        return  # settled (or gone) before the introduction went out
    mentee = await ctx.session.get(Enrolment, relationship.mentee_enrolment_id)
    mentor = await ctx.session.get(Enrolment, relationship.mentor_enrolment_id)
    if mentee is None or mentor is None:
        return
    users = [relationship.mentee.slack_user_id, relationship.mentor.slack_user_id]
    ctx.group_dm(
        users,
        text=f"A mentoring introduction: {escape(relationship.mentee.display)} and "
        f"{escape(relationship.mentor.display)}",
        blocks=intro.introduction(relationship, mentee=mentee, mentor=mentor, now=ctx.clock.now()),
    )


async def sent(session: AsyncSession, work: DueWork, outbox: list[dict[str, Any]]) -> None:
    """Remember the pair's conversation and the introduction message."""
    delivered = next((m for m in outbox if m.get("delivered")), None)
    if delivered is None or work.relationship_id is None:
        return
    relationship = await rel_repo.get(
        session=session, team_id=work.team_id, relationship_id=work.relationship_id
    )
    if relationship is not None:
        relationship.conversation_id = delivered_to(delivered)
        relationship.intro_ts = delivered.get("ts")


async def remind(ctx: JobContext) -> None:
    relationship = await ctx.relationship()
    if relationship is None or relationship.status is not RelationshipStatus.AWAITING_MENTOR:
        return
    ctx.dm(
        relationship.mentor.slack_user_id,
        text=f"{escape(relationship.mentee.display)} is waiting for your answer",
        blocks=intro.reminder_for_mentor(relationship),
    )


async def expire(ctx: JobContext) -> None:
    relationship = await ctx.relationship()
    if relationship is None:
        return
    await relationship_svc.expire(
        session=ctx.session, now=ctx.clock.now(), relationship=relationship
    )


async def notice(ctx: JobContext) -> None:
    """A request was accepted, declined or expired. For the pair ("to": "pair", at once):
    update the introduction and, for declines and expiries, alert the managers. For the
    mentee ("to": "mentee", in their working hours): tell them what happens next."""
    relationship = await ctx.relationship()
    if relationship is None:
        return
    event = str(ctx.work.payload.get("event"))
    if ctx.work.payload.get("to") == "mentee":
        await _tell_mentee(ctx, relationship, event)
        return
    if relationship.conversation_id and relationship.intro_ts:
        intro_message = await _intro_blocks(ctx, relationship)
        if intro_message is not None:
            ctx.update(
                relationship.conversation_id,
                relationship.intro_ts,
                text="A mentoring introduction",
                blocks=intro.introduction_settled(
                    intro_message, intro.outcome_text(relationship, event)
                ),
            )
    if event == "accepted":
        return
    alert = intro.manager_notice(relationship, event)
    channel = relationship.program.digest_channel_id
    if channel:
        ctx.post(channel, text=f"Mentoring request {event}", blocks=alert)
    else:
        managers = await relationship_svc.program_managers(
            session=ctx.session, team_id=relationship.team_id, program_id=relationship.program_id
        )
        for manager_id in managers:
            ctx.dm(manager_id, text=f"Mentoring request {event}", blocks=alert)


async def _tell_mentee(ctx: JobContext, relationship: Relationship, event: str) -> None:
    mentee_id = relationship.mentee.slack_user_id
    if event == "accepted":
        ctx.dm(
            mentee_id,
            text=f"{escape(relationship.mentor.display)} accepted!",
            blocks=intro.accepted_for_mentee(relationship),
        )
        return
    position = 0
    if relationship.mentee_enrolment_id is not None:
        enrolment = await ctx.session.get(Enrolment, relationship.mentee_enrolment_id)
        if enrolment is not None:
            if not in_the_pool(enrolment):
                # Matched again (or gone) while this waited for her hours: "you're back in
                # the pool" is no longer true, and the new introduction says what is.
                return
            position = await waitlist_position(session=ctx.session, enrolment=enrolment)
    blocks = (
        intro.declined_for_mentee(relationship, position)
        if event == "declined"
        else intro.expired_for_mentee(relationship, position)
    )
    ctx.dm(mentee_id, text="About your mentoring match", blocks=blocks)


async def _intro_blocks(ctx: JobContext, relationship: Relationship) -> list[dict[str, Any]] | None:
    """The introduction as planned when it was sent (from the intro row's outbox)."""
    from sqlalchemy import select

    row = await ctx.session.scalar(
        select(DueWork).where(DueWork.dedup_key == f"intro:relationship:{relationship.id}")
    )
    if row is None or not row.outbox:
        return None
    blocks = row.outbox[0].get("blocks")
    return list(blocks) if isinstance(blocks, list) else None


async def waitlist(ctx: JobContext) -> None:
    enrolment = await ctx.session.get(Enrolment, int(ctx.work.payload.get("enrolment_id", 0)))
    if enrolment is None or enrolment.team_id != ctx.work.team_id:
        return
    if not in_the_pool(enrolment):
        return  # matched since, or left the program
    position = await waitlist_position(session=ctx.session, enrolment=enrolment)
    ctx.dm(
        enrolment.user.slack_user_id,
        text="You're on the waiting list for a mentor",
        blocks=intro.waitlist_notice(enrolment.program.name, enrolment.waitlist_reason, position),
    )


def register(registry: Registry) -> None:
    """This domain's kinds of due work, each with the subject a sweep preloads for it."""
    registry.register(Kind.INTRO_SEND, send, on_delivered=sent)
    registry.register(Kind.INTRO_REMIND, remind)
    registry.register(Kind.INTRO_EXPIRE, expire)
    registry.register(Kind.RELATIONSHIP_NOTICE, notice)
    registry.register(Kind.WAITLIST_NOTICE, waitlist)
