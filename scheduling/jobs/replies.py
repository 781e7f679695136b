"""Replies to what someone just did, scheduled by ``bot.confirm`` with the change: each reads
what it reports when it runs and plans one DM."""

from __future__ import annotations

from bot import programs as program_svc
from bot.channels import ChannelAccess
from bot.people import own_hours
from bot.text import escape
from bot.views.enrolment import enrolled
from bot.views.programs import channel_note, manager_added, program_saved
from bot.views.settings import settings_saved
from scheduling.registry import JobContext
from storage.enums import EnrolmentStatus
from storage.models import Program, User
from storage.repositories import enrolments as enrolment_repo
from storage.repositories import programs as program_repo


async def _program(ctx: JobContext) -> Program | None:
    if ctx.work.program_id is None:
        return None
    return await program_repo.get(
        session=ctx.session, team_id=ctx.work.team_id, program_id=ctx.work.program_id
    )


async def saved_program(ctx: JobContext) -> None:
    program = await _program(ctx)
    if program is None or not ctx.work.recipient_id:
        return
    access = ctx.work.payload.get("access")
    blocks = program_saved(
        program,
        created=bool(ctx.work.payload.get("created")),
        channel_note=channel_note(
            ChannelAccess(access) if access else None, program.digest_channel_id or ""
        ),
        hours=program_svc.working_hours(program),
    )
    ctx.dm(ctx.work.recipient_id, text=f"{escape(program.name)} saved", blocks=blocks)


async def added_manager(ctx: JobContext) -> None:
    program = await _program(ctx)
    recipient = ctx.work.recipient_id
    if program is None or not recipient:
        return
    if recipient not in {m.user.slack_user_id for m in program.managers}:
        return  # removed again before we could tell them
    ctx.dm(
        recipient,
        text=f"You're now a manager of {escape(program.name)}",
        blocks=manager_added(program, added_by=str(ctx.work.payload.get("added_by") or "")),
    )


async def saved_enrolment(ctx: JobContext) -> None:
    enrolment = await enrolment_repo.get(
        session=ctx.session,
        team_id=ctx.work.team_id,
        enrolment_id=int(ctx.work.payload.get("enrolment_id") or 0),
    )
    if enrolment is None or enrolment.status is EnrolmentStatus.LEFT:
        return  # gone, or left again before we could answer
    ctx.dm(
        enrolment.user.slack_user_id,
        text=f"You're in {escape(enrolment.program.name)}",
        blocks=enrolled(enrolment, newly_joined=bool(ctx.work.payload.get("newly_joined"))),
    )


async def saved_settings(ctx: JobContext) -> None:
    user = await ctx.subject(User, "user_id")
    if user is None:
        return
    ctx.dm(user.slack_user_id, text="Nudge settings saved", blocks=settings_saved(own_hours(user)))


async def dm_reply(ctx: JobContext) -> None:
    payload = ctx.work.payload
    if not ctx.work.recipient_id:
        return
    ctx.dm(
        ctx.work.recipient_id,
        text=str(payload.get("text") or ""),
        blocks=list(payload.get("blocks") or []),
        thread_ts=str(payload.get("thread_ts") or "") or None,
    )
