"""Replies to what someone just did (saved a form, wrote in a DM thread, asked for a CSV),
scheduled as due work in the transaction of the change they report, and sent by the sweep:
a Slack failure delays them, never loses or doubles them (docs/scheduling.md). Each key names
the moment of the change, so every save gets its own reply and a repeated request its own.
Listeners kick a sweep afterwards, so the reply goes at once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.programs.channels import ChannelAccess
from infra.clock import Clock
from scheduling.api import schedule
from scheduling.kinds import Kind
from storage.due_work import Timing
from storage.models import Enrolment, MatchRun, Program, User

# How long the program-saved reply waits for the listener to say how joining the digest
# channel went, before it goes without (the listener died after the save).
CHANNEL_NOTE_WAIT = timedelta(minutes=1)


def _moment(when: datetime) -> int:
    """A key's instant, in microseconds: two saves a second apart still get two replies."""
    return int(when.timestamp() * 1_000_000)


async def _reply(
    *,
    session: AsyncSession,
    now: datetime,
    kind: Kind,
    key: str,
    to: User | str,
    team_id: str,
    due_at: datetime | None = None,
    program_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> None:
    await schedule(
        session=session,
        now=now,
        kind=kind,
        key=key,
        team_id=team_id,
        program_id=program_id,
        recipient_id=to.slack_user_id if isinstance(to, User) else to,
        due_at=due_at or now,
        timing=Timing.IMMEDIATE,
        payload=payload,
    )


async def program_saved(
    *,
    session: AsyncSession,
    clock: Clock,
    actor: User,
    program: Program,
    created: bool,
    access: ChannelAccess | None = None,
) -> None:
    """Tell ``actor`` their program is saved. Scheduled with the save (``access`` None: due
    a minute later, saying nothing of the digest channel); scheduled again once the listener
    has tried to join that channel, with how it went, due now. If the listener stops in
    between, the first one still goes."""
    now = clock.now()
    await _reply(
        session=session,
        now=now,
        kind=Kind.PROGRAM_SAVED,
        key=f"program-saved:program:{program.id}:{_moment(program.updated_at)}",
        to=actor,
        team_id=program.team_id,
        program_id=program.id,
        due_at=now + CHANNEL_NOTE_WAIT if access is None else now,
        payload={"created": created, "access": access.value if access else None},
    )


async def managers_added(
    *, session: AsyncSession, clock: Clock, actor: User, program: Program, added: set[str]
) -> None:
    """Tell each person ``actor`` just made a manager of ``program`` (not ``actor``)."""
    now = clock.now()
    for slack_id in sorted(added - {actor.slack_user_id}):
        await _reply(
            session=session,
            now=now,
            kind=Kind.MANAGER_ADDED,
            key=f"manager-added:program:{program.id}:{slack_id}:{_moment(now)}",
            to=slack_id,
            team_id=program.team_id,
            program_id=program.id,
            payload={"added_by": actor.slack_user_id},
        )


async def enrolment_saved(
    *, session: AsyncSession, clock: Clock, enrolment: Enrolment, newly_joined: bool
) -> None:
    """Tell the person their join form is saved, and what happens next."""
    now = clock.now()
    await _reply(
        session=session,
        now=now,
        kind=Kind.ENROLMENT_SAVED,
        key=f"enrolment-saved:enrolment:{enrolment.id}:{_moment(now)}",
        to=enrolment.user,
        team_id=enrolment.team_id,
        program_id=enrolment.program_id,
        payload={"enrolment_id": enrolment.id, "newly_joined": newly_joined},
    )


async def settings_saved(*, session: AsyncSession, clock: Clock, user: User) -> None:
    """Tell the person when they will be nudged now."""
    now = clock.now()
    await _reply(
        session=session,
        now=now,
        kind=Kind.SETTINGS_SAVED,
        key=f"settings-saved:user:{user.id}:{_moment(now)}",
        to=user,
        team_id=user.team_id,
        payload={"user_id": user.id},
    )


async def dm_reply(
    *,
    session: AsyncSession,
    clock: Clock,
    user: User,
    message_ts: str,
    thread_ts: str,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
) -> None:
    """Answer the message ``user`` wrote in their DM with us (``message_ts``), in the thread
    ``thread_ts``. Keyed by their message: Slack's retry of the event can't answer it twice."""
    await _reply(
        session=session,
        now=clock.now(),
        kind=Kind.DM_REPLY,
        key=f"dm-reply:{user.team_id}:{user.slack_user_id}:{message_ts}",
        to=user,
        team_id=user.team_id,
        payload={"thread_ts": thread_ts, "text": text, "blocks": blocks or []},
    )


async def report_export(
    *, session: AsyncSession, clock: Clock, actor: User, program: Program
) -> None:
    """Share the program's per-relationship metrics as a CSV in ``actor``'s DM, built when
    the work runs (``bot.digest.report.report_csv``: counts and health, never agendas or notes)."""
    now = clock.now()
    await _reply(
        session=session,
        now=now,
        kind=Kind.REPORT_EXPORT,
        key=f"report-export:program:{program.id}:user:{actor.id}:{_moment(now)}",
        to=actor,
        team_id=program.team_id,
        program_id=program.id,
        payload={"user_id": actor.id},
    )


async def match_csv(*, session: AsyncSession, clock: Clock, actor: User, run: MatchRun) -> None:
    """Share a match run's proposals (scores and reasons) as a CSV in ``actor``'s DM."""
    now = clock.now()
    await _reply(
        session=session,
        now=now,
        kind=Kind.MATCH_CSV,
        key=f"match-csv:run:{run.id}:user:{actor.id}:{_moment(now)}",
        to=actor,
        team_id=run.team_id,
        program_id=run.program_id,
        payload={"user_id": actor.id, "run_id": run.id},
    )


async def my_data_export(*, session: AsyncSession, clock: Clock, user: User) -> None:
    """Share everything kept about ``user`` in their own DM, built when the work runs
    (``bot.privacy.export``). Always the asker's own data, sent to the asker."""
    now = clock.now()
    await _reply(
        session=session,
        now=now,
        kind=Kind.MY_DATA_EXPORT,
        key=f"my-data:user:{user.id}:{_moment(now)}",
        to=user,
        team_id=user.team_id,
        payload={"user_id": user.id},
    )
