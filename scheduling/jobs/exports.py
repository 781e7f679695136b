"""CSVs someone asked for, built when the work runs (so they are never lost with a failed
upload) and shared in the asker's DM, where a retry can look for the share before sending
the file again. Metrics only: counts, scores and reasons, never agendas or notes."""

from __future__ import annotations

from bot import digest, matches
from bot.errors import MentorbotError
from scheduling.registry import JobContext, PermanentJobError
from storage.models import User
from storage.repositories import enrolments as enrolment_repo
from storage.repositories import programs as program_repo


async def _asker(ctx: JobContext) -> User:
    user = await ctx.subject(User, "user_id")
    if user is None:
        raise PermanentJobError("the person who asked is gone")
    return user


async def report(ctx: JobContext) -> None:
    actor = await _asker(ctx)
    program = (
        await program_repo.get(
            session=ctx.session, team_id=ctx.work.team_id, program_id=ctx.work.program_id
        )
        if ctx.work.program_id is not None
        else None
    )
    if program is None or not await program_repo.is_manager(
        session=ctx.session, team_id=program.team_id, program_id=program.id, user_id=actor.id
    ):
        raise PermanentJobError("no longer a manager of that program")
    now = ctx.clock.now()
    ctx.dm_upload(
        actor.slack_user_id,
        filename=f"mentoring-report-{now.date().isoformat()}.csv",
        title=f"Mentoring report · {program.name}",
        content=await digest.report_csv(ctx.session, program, now),
        text="Per-relationship metrics: counts and health, never agendas or notes.",
    )


async def match_csv(ctx: JobContext) -> None:
    actor = await _asker(ctx)
    run_id = int(ctx.work.payload.get("run_id") or 0)
    try:
        # Managers only, checked again now: they may have been removed since they asked.
        run = await matches.load_run(session=ctx.session, actor=actor, run_id=run_id)
    except MentorbotError as error:
        raise PermanentJobError(str(error)) from error
    names = {
        e.id: e.user.display
        for e in await enrolment_repo.in_program(
            session=ctx.session, team_id=actor.team_id, program_id=run.program_id
        )
    }
    ctx.dm_upload(
        actor.slack_user_id,
        filename=f"proposed-matches-{run_id}.csv",
        title=f"Proposed matches · {run.program.name}",
        content=matches.proposals_csv(run, names).decode("utf-8"),
        text="Here are the proposed matches, with scores and reasons.",
    )
