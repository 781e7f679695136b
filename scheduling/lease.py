"""A worker's lease on the due work it claimed, and every write it makes to those rows.

A sweep *claims* due rows: each becomes ``running``, ``claimed_by`` this worker, until
``lease_until``. A worker that dies leaves its rows leased, and once the lease has passed the
next sweep claims them again. So every write a worker makes to a row it claimed goes through
:meth:`Lease.update`, which touches a row only while its ``claimed_by`` is still this worker:
a worker whose lease expired cannot finish over its successor (docs/scheduling.md).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, Update, and_, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from infra.db import id_chunks
from storage.due_work import DueWork, Status

_TABLE = cast(Table, DueWork.__table__)


class LeaseLost(Exception):
    """Another worker owns the row now (our lease expired): drop our work on it."""


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Lease:
    """This worker's claim on rows of ``due_work``, each for ``duration`` at a time."""

    def __init__(self, *, worker_id: str, duration: timedelta) -> None:
        self.worker_id = worker_id
        self.duration = duration

    @property
    def held(self) -> ColumnElement[bool]:
        """The rows this worker still holds."""
        return _TABLE.c.claimed_by == self.worker_id

    async def claim(self, session: AsyncSession, now: datetime, limit: int) -> list[DueWork]:
        """Take up to ``limit`` rows: pending and due, oldest first, then running rows whose
        lease has expired. Each statement reads one partial index; on PostgreSQL ``SKIP
        LOCKED`` keeps replicas sweeping together off each other's rows (SQLite's caller
        holds ``BEGIN IMMEDIATE``)."""
        claimed: list[DueWork] = []
        ready = and_(DueWork.status == Status.PENDING, DueWork.not_before <= now)
        expired = and_(DueWork.status == Status.RUNNING, DueWork.lease_until <= now)
        for condition, order in ((ready, DueWork.not_before), (expired, DueWork.lease_until)):
            room = limit - len(claimed)
            if room <= 0:
                break
            ids = (
                select(DueWork.id)
                .where(condition)
                .order_by(order)
                .limit(room)
                .with_for_update(skip_locked=True)
                .scalar_subquery()
            )
            rows = await session.scalars(
                update(DueWork)
                .where(DueWork.id.in_(ids))
                .values(
                    status=Status.RUNNING,
                    claimed_by=self.worker_id,
                    lease_until=now + self.duration,
                    updated_at=now,
                )
                .returning(DueWork),
                execution_options={"synchronize_session": False},
            )
            claimed.extend(rows.all())
        return claimed

    def update(self, *where: ColumnElement[bool]) -> Update:
        """The one UPDATE of claimed rows: those ``where`` picks that this worker still
        holds."""
        return update(_TABLE).where(*where, self.held)

    async def write(self, session: AsyncSession, row_id: int, **values: Any) -> bool:
        """Write ``values`` to one row if this worker still holds it; False if it doesn't."""
        result = await session.execute(
            self.update(_TABLE.c.id == bindparam("row_id")).values(**values), {"row_id": row_id}
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def write_each(
        self, session: AsyncSession, params: list[dict[str, Any]], **values: Any
    ) -> None:
        """One executemany over many rows, each named by its ``row_id`` in ``params`` (which
        also carry what ``values`` takes from each row by ``bindparam``); rows this worker no
        longer holds are left alone. It says nothing about which: an executemany's rowcount
        isn't reliable on every driver (:meth:`hold` first when it matters)."""
        if params:
            await session.execute(
                self.update(_TABLE.c.id == bindparam("row_id")).values(**values), params
            )

    async def write_all(self, session: AsyncSession, ids: Iterable[int], **values: Any) -> None:
        """The same ``values`` to every row of ``ids`` this worker still holds: one
        statement per chunk of ids."""
        for chunk in id_chunks(ids):
            await session.execute(self.update(_TABLE.c.id.in_(chunk)).values(**values))

    async def hold(self, session: AsyncSession, ids: Iterable[int]) -> int:
        """Lock the rows of ``ids`` this worker still holds and runs (PostgreSQL; SQLite's
        ``BEGIN IMMEDIATE`` already holds the database), so that the writes that follow in the
        transaction can't race a takeover; returns how many there are."""
        held = 0
        for chunk in id_chunks(ids):
            found = await session.scalars(
                select(DueWork.id)
                .where(DueWork.id.in_(chunk), self.held, DueWork.status == Status.RUNNING)
                .with_for_update()
            )
            held += len(found.all())
        return held

    async def attempts(self, session: AsyncSession, row_id: int) -> int | None:
        """The row's attempts so far, or None if this worker no longer holds it."""
        current = await session.scalar(
            select(DueWork.attempts).where(DueWork.id == row_id, self.held)
        )
        return None if current is None else int(current)


def released(now: datetime, not_before: Any) -> dict[str, Any]:
    """The values that give a row back: pending again from ``not_before``, nobody's."""
    return {
        "status": Status.PENDING,
        "not_before": not_before,
        "claimed_by": None,
        "lease_until": None,
        "updated_at": now,
    }


def closed(now: datetime, status: Any) -> dict[str, Any]:
    """The values that close a row: ``done`` or ``failed`` (it keeps ``claimed_by``, the
    worker that finished it)."""
    return {"status": status, "finished_at": now, "updated_at": now, "lease_until": None}
