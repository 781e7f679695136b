"""Scheduling, rescheduling and cancelling due work, by dedup key.

Services call these inside their own transaction, so the work is scheduled if and only if the
change that needs it commits. A dedup key names one piece of work (``agenda-prompt:meeting:42``):
scheduling it again updates the pending row and never creates a second one. Work that has
already run is left alone, so a retried request can't send a nudge twice; new work needs a
new key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NotRequired, TypedDict, Unpack, cast

from sqlalchemy import Table, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.due_work import DueWork, Status, Timing
from storage.models import Relationship
from storage.upsert import insert

# Rows in these states may be re-armed by a new schedule() call with the same key.
_REARMABLE = (Status.PENDING, Status.CANCELLED)


class Work(TypedDict):
    """What :func:`schedule` and :func:`work` take: the work's ``kind`` and dedup ``key``, its
    workspace, when it is due and its ``timing`` (a nudge, kept to working hours, by default),
    what it concerns, and the ``payload`` its handler reads."""

    now: datetime
    kind: str
    key: str
    team_id: str
    due_at: datetime
    timing: NotRequired[Timing]
    program_id: NotRequired[int | None]
    relationship_id: NotRequired[int | None]
    recipient_id: NotRequired[str | None]
    payload: NotRequired[dict[str, Any] | None]


async def schedule(*, session: AsyncSession, **spec: Unpack[Work]) -> None:
    """Schedule the work in the session's transaction (re-arming a pending or cancelled row
    with the same key)."""
    await session.execute(_upsert(session), work(**spec))


async def tell_pair(
    *,
    session: AsyncSession,
    now: datetime,
    kind: str,
    key: str,
    relationship: Relationship,
    payload: dict[str, Any] | None = None,
) -> None:
    """Schedule work about ``relationship`` that runs at once (a notice to the pair, say):
    its workspace, program and relationship are the relationship's."""
    await schedule(
        session=session,
        now=now,
        kind=kind,
        key=key,
        team_id=relationship.team_id,
        program_id=relationship.program_id,
        relationship_id=relationship.id,
        due_at=now,
        timing=Timing.IMMEDIATE,
        payload=payload,
    )


def work(**spec: Unpack[Work]) -> dict[str, Any]:
    """The row :func:`schedule` writes, for :func:`schedule_many`."""
    now, due_at = spec["now"], spec["due_at"]
    return {
        "dedup_key": spec["key"],
        "created_at": now,
        "kind": spec["kind"],
        "team_id": spec["team_id"],
        "program_id": spec.get("program_id"),
        "relationship_id": spec.get("relationship_id"),
        "recipient_id": spec.get("recipient_id"),
        "delivery": spec.get("timing", Timing.WORKING_HOURS),
        "payload": spec.get("payload") or {},
        "due_at": due_at,
        "not_before": due_at,
        "status": Status.PENDING,
        "attempts": 0,
        "last_error": None,
        "outbox": None,
        "updated_at": now,
    }


async def schedule_many(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """:func:`schedule` for many rows (made with :func:`work`) in one executemany. A key
    given twice is scheduled once, as its last row says (as two calls would leave it)."""
    by_key = {row["dedup_key"]: row for row in rows}
    if by_key:
        await session.execute(_upsert(session), list(by_key.values()))


# Everything but the key and the creation time is re-armed on conflict.
_REARMED = (
    "kind",
    "team_id",
    "program_id",
    "relationship_id",
    "recipient_id",
    "delivery",
    "payload",
    "due_at",
    "not_before",
    "status",
    "attempts",
    "last_error",
    "outbox",
    "updated_at",
)
_UPSERTS: dict[str, Any] = {}


def _upsert(session: AsyncSession) -> Any:
    """The upsert statement, built once per dialect over the Core table and executed with
    parameters: building a fresh ORM insert with literal values on every call (and hashing
    its cache key) cost more than running it, and the daily evaluation schedules one row
    per relationship."""
    dialect = session.get_bind().dialect.name
    stmt = _UPSERTS.get(dialect)
    if stmt is None:
        table = cast(Table, DueWork.__table__)
        base = insert(session, table)
        stmt = base.on_conflict_do_update(
            index_elements=[table.c.dedup_key],
            set_={name: base.excluded[name] for name in _REARMED},
            # Not IN (...): an expanding parameter can't be used with executemany.
            where=or_(*(table.c.status == status for status in _REARMABLE)),
        )
        _UPSERTS[dialect] = stmt
    return stmt


async def reschedule(*, session: AsyncSession, now: datetime, key: str, due_at: datetime) -> bool:
    """Move pending work to a new time. Returns False if there was none pending."""
    result = await session.execute(
        update(DueWork)
        .where(DueWork.dedup_key == key, DueWork.status == Status.PENDING)
        .values(due_at=due_at, not_before=due_at, updated_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def cancel(*, session: AsyncSession, now: datetime, key: str) -> bool:
    """Cancel pending work. Returns False if there was none pending."""
    result = await session.execute(
        update(DueWork)
        .where(DueWork.dedup_key == key, DueWork.status == Status.PENDING)
        .values(status=Status.CANCELLED, updated_at=now, finished_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def cancel_where(
    *,
    session: AsyncSession,
    now: datetime,
    team_id: str,
    relationship_id: int | None = None,
    recipient_id: str | None = None,
    kinds: tuple[str, ...] | None = None,
    program_id: int | None = None,
) -> int:
    """Cancel every pending row of a team, narrowed to a relationship, a person or kinds."""
    stmt = update(DueWork).where(DueWork.team_id == team_id, DueWork.status == Status.PENDING)
    if relationship_id is not None:
        stmt = stmt.where(DueWork.relationship_id == relationship_id)
    if recipient_id is not None:
        stmt = stmt.where(DueWork.recipient_id == recipient_id)
    if program_id is not None:
        stmt = stmt.where(DueWork.program_id == program_id)
    if kinds is not None:
        stmt = stmt.where(DueWork.kind.in_(kinds))
    result = await session.execute(
        stmt.values(status=Status.CANCELLED, updated_at=now, finished_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
