"""Deleting every row of a workspace that uninstalled and did not come back.

Every table is covered without naming it: the tables are read from the models' metadata,
children before parents, and each loses its rows whose ``team_id`` is the workspace's (a
table without one is reached through its parent: a match run's proposals). The OAuth state
table holds no workspace (its rows expire in minutes) and is the one left alone. A run
deletes a bounded batch and reports whether anything is left, so a purge of a large
workspace is many short transactions, and a crash half-way is resumed by the next run.
"""

from __future__ import annotations

from sqlalchemy import Table, delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from storage.models import Base

BATCH = 2_000  # rows per run, over all tables
# Tables without a team_id of their own: how their rows are found (the parent's id column).
THROUGH_PARENT = {"match_proposals": ("run_id", "match_runs")}


def _rows_of(table: Table, team_id: str) -> Select[tuple[object, ...]] | None:
    pk = list(table.primary_key.columns)
    if "team_id" in table.c:
        return select(*pk).where(table.c.team_id == team_id)
    if table.name in THROUGH_PARENT:
        column, parent_name = THROUGH_PARENT[table.name]
        parent = Base.metadata.tables[parent_name]
        return select(*pk).where(
            table.c[column].in_(select(parent.c.id).where(parent.c.team_id == team_id))
        )
    return None


def covered() -> list[Table]:
    """The tables a purge empties of a workspace's rows, children first."""
    return [t for t in reversed(Base.metadata.sorted_tables) if _rows_of(t, "") is not None]


async def purge_batch(*, session: AsyncSession, team_id: str, limit: int = BATCH) -> bool:
    """Delete up to ``limit`` of the workspace's rows; True once none is left."""
    budget = limit
    for table in covered():
        query = _rows_of(table, team_id)
        assert query is not None
        keys = (await session.execute(query.limit(budget))).all()
        if not keys:
            continue
        pk = list(table.primary_key.columns)
        if len(pk) == 1:
            condition = pk[0].in_([k[0] for k in keys])
        else:
            condition = tuple_(*pk).in_([tuple(k) for k in keys])
        await session.execute(delete(table).where(condition))
        budget -= len(keys)
        if budget <= 0:
            return False
    return True
