"""Replies to what someone just did, scheduled by ``bot.receipts.service`` with the change:
each reads what it reports when it runs and plans one DM."""

from __future__ import annotations

from bot.audit import service as audit
from bot.audit.service import AuditAction, Subject
from bot.digest.report import report_csv
from bot.enrolment.views import enrolled
from bot.errors import MentorbotError
from bot.matching import review
from bot.people.views import settings_saved
from bot.privacy import export as my_data
from bot.programs import service as program_svc
from bot.programs.channels import ChannelAccess
from bot.programs.views import channel_note, manager_added, program_saved
from infra.text import escape
from scheduling.hours import own_hours
from scheduling.kinds import Kind
from scheduling.registry import JobContext, PermanentJobError, Registry
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
    content = await report_csv(session=ctx.session, program=program, now=now)
    # Recorded as it is built: the entry commits with the planned upload, or neither does.
    await audit.record(
        session=ctx.session,
        now=now,
        actor=actor,
        action=AuditAction.REPORT_EXPORT,
        subject=Subject.program(program.id),
        program_id=program.id,
        details={"rows": audit.csv_rows(content)},
    )
    ctx.dm_upload(
        actor.slack_user_id,
        filename=f"mentoring-report-{now.date().isoformat()}.csv",
        title=f"Mentoring report · {program.name}",
        content=content,
        text="Per-relationship metrics: counts and health, never agendas or notes.",
    )


async def match_csv(ctx: JobContext) -> None:
    actor = await _asker(ctx)
    run_id = int(ctx.work.payload.get("run_id") or 0)
    try:
        # Managers only, checked again now: they may have been removed since they asked.
        run = await review.load_run(session=ctx.session, actor=actor, run_id=run_id)
    except MentorbotError as error:
        raise PermanentJobError(str(error)) from error
    names = {
        e.id: e.user.display
        for e in await enrolment_repo.in_program(
            session=ctx.session, team_id=actor.team_id, program_id=run.program_id
        )
    }
    content = review.proposals_csv(run, names).decode("utf-8")
    await audit.record(
        session=ctx.session,
        clock=ctx.clock,
        actor=actor,
        action=AuditAction.MATCH_CSV,
        subject=Subject.match_run(run.id),
        program_id=run.program_id,
        details={"rows": audit.csv_rows(content)},
    )
    ctx.dm_upload(
        actor.slack_user_id,
        filename=f"proposed-matches-{run_id}.csv",
        title=f"Proposed matches · {run.program.name}",
        content=content,
        text="Here are the proposed matches, with scores and reasons.",
    )


async def my_data_export(ctx: JobContext) -> None:
    person = await _asker(ctx)
    if person.slack_user_id != ctx.work.recipient_id:
        raise PermanentJobError("a person's data goes to that person only")
    now = ctx.clock.now()
    built = await my_data.build(session=ctx.session, user=person, now=now)
    await audit.record(
        session=ctx.session,
        now=now,
        actor=person,
        action=AuditAction.MY_DATA_EXPORT,
        subject=Subject.person(person.slack_user_id),
        details=built.counts(),
    )
    day = now.date().isoformat()
    counts = built.counts()
    ctx.dm_upload(
        person.slack_user_id,
        filename=f"mentorbot-my-data-{day}.json",
        title="Everything Mentorbot keeps about you",
        content=built.json,
        text=(
            "Here is everything I keep about you: "
            f"{counts['relationships']} relationships, {counts['meetings']} meetings, "
            f"{counts['goals']} goals, {counts['your_check_ins']} check-ins you answered. "
            "The JSON file has every field; the summary below is the readable version."
        ),
    )
    ctx.dm_upload(
        person.slack_user_id,
        filename=f"mentorbot-my-data-{day}.md",
        title="Your data, readable",
        content=built.summary,
        text="The same, as a readable summary.",
    )


def register(registry: Registry) -> None:
    """This domain's kinds of due work, each with the subject a sweep preloads for it."""
    asker = (User, "user_id")
    registry.register(Kind.PROGRAM_SAVED, saved_program)
    registry.register(Kind.MANAGER_ADDED, added_manager)
    registry.register(Kind.ENROLMENT_SAVED, saved_enrolment)
    registry.register(Kind.SETTINGS_SAVED, saved_settings, subject=asker)
    registry.register(Kind.DM_REPLY, dm_reply)
    registry.register(Kind.REPORT_EXPORT, report, subject=asker)
    registry.register(Kind.MATCH_CSV, match_csv, subject=asker)
    registry.register(Kind.MY_DATA_EXPORT, my_data_export, subject=asker)
