"""Operational notices to program managers."""

from __future__ import annotations

from bot.programs.views import not_in_channel as not_in_channel_blocks
from infra.text import escape
from scheduling.kinds import Kind
from scheduling.registry import JobContext, Registry
from storage.repositories import programs as program_repo


async def not_in_channel(ctx: JobContext) -> None:
    work = ctx.work
    if work.program_id is None:
        return
    program = await program_repo.get(
        session=ctx.session, team_id=work.team_id, program_id=work.program_id
    )
    if program is None:
        return
    channel = str(work.payload.get("channel") or program.digest_channel_id or "")
    for manager in program.managers:
        ctx.dm(
            manager.user.slack_user_id,
            text=f"I'm not in the digest channel of {escape(program.name)}",
            blocks=not_in_channel_blocks(program.name, channel),
        )


def register(registry: Registry) -> None:
    """This domain's kinds of due work, each with the subject a sweep preloads for it."""
    registry.register(Kind.NOT_IN_CHANNEL, not_in_channel)
