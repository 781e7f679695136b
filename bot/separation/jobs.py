"""Separation: the wrap-up question, and what people are told about an extension, a close or
an early end."""

from __future__ import annotations

from bot.separation import service as svc
from bot.separation import views
from scheduling.kinds import Kind
from scheduling.registry import JobContext, Registry
from storage.enums import ActorRole, RelationshipStatus


async def wrap_up(ctx: JobContext) -> None:
    relationship = await ctx.relationship()
    if relationship is None:
        return
    if not await svc.enter_separation(
        session=ctx.session, now=ctx.clock.now(), relationship=relationship
    ):
        return
    to = ActorRole.MENTOR if ctx.work.payload.get("to") == "mentor" else ActorRole.MENTEE
    person = relationship.mentor if to is ActorRole.MENTOR else relationship.mentee
    ctx.dm(person.slack_user_id, text="Time to wrap up", blocks=views.wrap_up(relationship, to))


async def notice(ctx: JobContext) -> None:
    relationship = await ctx.relationship()
    if relationship is None:
        return
    event = str(ctx.work.payload.get("event"))
    mentee, mentor = relationship.mentee, relationship.mentor
    if event == "extension_proposed" and relationship.extend_by_role is not None:
        to = (
            ActorRole.MENTOR
            if relationship.extend_by_role is ActorRole.MENTEE
            else ActorRole.MENTEE
        )
        person = mentor if to is ActorRole.MENTOR else mentee
        ctx.dm(
            person.slack_user_id,
            text="An extension was proposed",
            blocks=views.extension_request(relationship, to),
        )
    elif event in ("extended", "extension_declined"):
        ctx.to_pair(
            relationship,
            text="Extension",
            blocks=views.extension_answered(relationship, agreed=event == "extended"),
        )
    elif event == "closed":
        ctx.to_pair(
            relationship,
            text="Mentoring closed",
            blocks=views.closed(relationship, str(ctx.work.payload.get("thanks") or "")),
        )
        other = (
            ActorRole.MENTOR if relationship.ended_by_role is ActorRole.MENTEE else ActorRole.MENTEE
        )
        person = mentor if other is ActorRole.MENTOR else mentee
        ctx.dm(
            person.slack_user_id,
            text="Your closing survey",
            blocks=views.survey_invite(relationship, other),
        )
    elif event == "ended_early" and relationship.status is RelationshipStatus.CLOSED:
        other = (
            ActorRole.MENTOR if relationship.ended_by_role is ActorRole.MENTEE else ActorRole.MENTEE
        )
        person = mentor if other is ActorRole.MENTOR else mentee
        ctx.dm(
            person.slack_user_id,
            text="Your mentoring has ended",
            blocks=views.ended_early_kindly(relationship, other),
        )
        if relationship.program.digest_channel_id:
            ctx.post(
                relationship.program.digest_channel_id,
                text="A mentoring relationship ended early",
                blocks=views.ended_early_managers(relationship),
            )
    elif event == "left" and relationship.status is RelationshipStatus.CLOSED:
        other = (
            ActorRole.MENTOR if relationship.ended_by_role is ActorRole.MENTEE else ActorRole.MENTEE
        )
        person = mentor if other is ActorRole.MENTOR else mentee
        ctx.dm(
            person.slack_user_id,
            text="Your mentoring has ended",
            blocks=views.partner_left(relationship, other),
        )
        if relationship.program.digest_channel_id:
            ctx.post(
                relationship.program.digest_channel_id,
                text="Someone left the mentoring program",
                blocks=views.left_managers(relationship),
            )


def register(registry: Registry) -> None:
    """This domain's kinds of due work, each with the subject a sweep preloads for it."""
    registry.register(Kind.WRAP_UP, wrap_up)
    registry.register(Kind.SEPARATION_NOTICE, notice)
