"""Throw-away test databases: a SQLite file, or a fresh PostgreSQL database created next to
the one TEST_DATABASE_URL names (so parallel runs never share tables)."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url

from infra.db import Database


def postgres_base() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


async def _admin(sql: str) -> None:
    import asyncpg

    base = make_url(os.environ["TEST_DATABASE_URL"])
    conn = await asyncpg.connect(
        host=base.host or "127.0.0.1",
        port=base.port or 5432,
        user=base.username,
        password=base.password,
        database=base.database or "postgres",
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def scratch_database(tmp_dir: Path) -> Iterator[str]:
    """Yield the URL of an empty database, removed afterwards."""
    base = postgres_base()
    if base is None:
        yield f"sqlite+aiosqlite:///{tmp_dir / f'db-{secrets.token_hex(4)}.sqlite'}"
        return
    name = f"mentorbot_t_{os.getpid()}_{secrets.token_hex(4)}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """The SQL statements the database receives inside the block (to show a service's query
    count doesn't grow with the data)."""
    seen: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", before)
