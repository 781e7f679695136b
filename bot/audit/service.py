"""Recording the audit trail and reading it back.

:func:`record` is called by the service that does the action, in its session, so the entry
commits with the action or not at all: a refused or failed action leaves no entry. Its
``details`` are checked: ids, counts, flags and field names only, so free text a person wrote
(an agenda, a note, a goal, a comment, a decline reason) can never land in the trail."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import NotAllowed
from infra.clock import Clock
from storage.enums import AuditAction, AuditSubject
from storage.models import AuditEntry, Program, User
from storage.repositories import users as user_repo

__all__ = [
    "AuditAction",
    "AuditSubject",
    "Subject",
    "csv_rows",
    "dashboard_sign_in",
    "export_csv",
    "latest",
    "record",
    "require_admin",
]

SHOWN = 100  # `/mentor audit` shows this many, newest first
# A detail string is an identifier (a field name, an enum value, a Slack id), never prose.
_TOKEN = re.compile(r"[A-Za-z0-9_.:\-]{0,64}")
_DETAILS_MAX = 20


@dataclass(frozen=True)
class Subject:
    """Whose data, or what, an action touched: a kind and an id."""

    kind: AuditSubject
    id: str

    @classmethod
    def program(cls, program_id: int) -> Subject:
        return cls(AuditSubject.PROGRAM, str(program_id))

    @classmethod
    def relationship(cls, relationship_id: int) -> Subject:
        return cls(AuditSubject.RELATIONSHIP, str(relationship_id))

    @classmethod
    def match_run(cls, run_id: int) -> Subject:
        return cls(AuditSubject.MATCH_RUN, str(run_id))

    @classmethod
    def alert(cls, alert_id: int) -> Subject:
        return cls(AuditSubject.ALERT, str(alert_id))

    @classmethod
    def person(cls, slack_user_id: str) -> Subject:
        return cls(AuditSubject.PERSON, slack_user_id)

    @classmethod
    def workspace(cls, team_id: str) -> Subject:
        return cls(AuditSubject.WORKSPACE, team_id)


def _checked(details: Mapping[str, Any] | None) -> dict[str, Any]:
    """``details``, if it holds only small, non-private values; otherwise ValueError (a
    programming error: the caller tried to log something it must not)."""
    out: dict[str, Any] = {}
    for key, value in (details or {}).items():
        if not _TOKEN.fullmatch(key):
            raise ValueError(f"audit detail key {key!r} is not an identifier")
        values = value if isinstance(value, list | tuple) else [value]
        if len(values) > _DETAILS_MAX:
            raise ValueError(f"audit detail {key!r} has too many values")
        for item in values:
            if isinstance(item, str) and not _TOKEN.fullmatch(item):
                raise ValueError(f"audit detail {key!r} holds text, not an identifier")
            if not isinstance(item, str | int | float | bool | None):
                raise ValueError(f"audit detail {key!r} holds a {type(item).__name__}")
        out[key] = list(value) if isinstance(value, list | tuple) else value
    return out


async def record(
    *,
    session: AsyncSession,
    actor: User,
    action: AuditAction,
    subject: Subject,
    clock: Clock | None = None,
    now: datetime | None = None,
    team_id: str | None = None,
    program_id: int | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Add one entry to ``session``: ``actor`` did ``action`` to ``subject``, at ``now`` (or
    ``clock.now()``), in ``actor``'s workspace (``team_id``, if given, must be it). Call it
    in the transaction of the action itself."""
    if now is None:
        if clock is None:
            raise TypeError("record() needs clock= or now=")
        now = clock.now()
    if team_id is not None and team_id != actor.team_id:
        raise ValueError("an audit entry belongs to its actor's workspace")
    entry = AuditEntry(
        team_id=actor.team_id,
        at=now,
        actor_user_id=actor.id,
        actor_slack_id=actor.slack_user_id,
        action=action,
        subject_kind=subject.kind,
        subject_id=subject.id,
        program_id=program_id,
        details=_checked(details),
    )
    session.add(entry)
    return entry


async def dashboard_sign_in(
    *, session: AsyncSession, now: datetime, team_id: str, slack_user_id: str
) -> AuditEntry | None:
    """Record that ``slack_user_id`` of ``team_id`` signed in to the managers' dashboard.
    Someone Mentorbot has never met (no user row: the dashboard shows them nothing) leaves
    no entry, rather than a row kept about them for it."""
    actor = await user_repo.get(session=session, team_id=team_id, slack_user_id=slack_user_id)
    if actor is None:
        return None
    return await record(
        session=session,
        now=now,
        actor=actor,
        action=AuditAction.DASHBOARD_SIGN_IN,
        subject=Subject.workspace(team_id),
    )


def is_admin(user: User) -> bool:
    """Workspace admins and owners (as Slack last told us) read the audit trail."""
    return (user.is_admin or user.is_owner) and not user.deleted


def require_admin(actor: User) -> None:
    if not is_admin(actor):
        raise NotAllowed(
            "Only workspace admins and owners can see the audit trail. Ask one of them if "
            "you need to know who did what."
        )


async def latest(
    *, session: AsyncSession, team_id: str, limit: int | None = SHOWN
) -> list[AuditEntry]:
    """The workspace's entries, newest first (all of them with ``limit`` None)."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.team_id == team_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return list((await session.scalars(query)).all())


@dataclass(frozen=True)
class Trail:
    entries: list[AuditEntry]
    programs: dict[int, str]  # the names of the programs the entries name


async def for_viewer(*, session: AsyncSession, actor: User) -> Trail:
    """`/mentor audit`: the last :data:`SHOWN` entries of ``actor``'s workspace, for its
    admins and owners only."""
    require_admin(actor)
    entries = await latest(session=session, team_id=actor.team_id)
    ids = {e.program_id for e in entries if e.program_id is not None}
    ids |= {
        int(e.subject_id)
        for e in entries
        if e.subject_kind is AuditSubject.PROGRAM and e.subject_id.isdigit()
    }
    names: dict[int, str] = {}
    if ids:
        rows = await session.execute(
            select(Program.id, Program.name).where(
                Program.team_id == actor.team_id, Program.id.in_(sorted(ids))
            )
        )
        names = {row.id: row.name for row in rows}
    return Trail(entries, names)


COLUMNS = (
    "at_utc",
    "team_id",
    "actor_slack_id",
    "action",
    "subject_kind",
    "subject_id",
    "program_id",
    "details",
)


def csv_rows(content: str) -> int:
    """A CSV's data rows, under its header (a quoted field may hold a line break): the
    ``rows`` detail of an export."""
    return max(sum(1 for _ in csv.reader(io.StringIO(content))) - 1, 0)


def export_csv(entries: Sequence[AuditEntry]) -> str:
    """The entries as CSV, one row each, times in UTC (ISO 8601), details as JSON."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for e in entries:
        writer.writerow(
            (
                e.at.isoformat(),
                e.team_id,
                e.actor_slack_id,
                e.action.value,
                e.subject_kind.value,
                e.subject_id,
                "" if e.program_id is None else e.program_id,
                json.dumps(e.details, sort_keys=True, separators=(",", ":")),
            )
        )
    return out.getvalue()
