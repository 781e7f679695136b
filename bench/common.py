"""Shared bench plumbing: throw-away databases on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.migrate import upgrade

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def pg_base() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG


async def _admin(base: str, sql: str) -> None:
    import asyncpg

    url = make_url(base)
    conn = await asyncpg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database or "postgres",
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def postgres_reachable() -> bool:
    try:
        await asyncio.wait_for(_admin(pg_base(), "SELECT 1"), timeout=3)
    except Exception:
        return False
    return True


@asynccontextmanager
async def migrated_database(kind: str, base: str | None = None) -> AsyncIterator[str]:
    """A fresh, migrated database (``sqlite`` or ``postgres``), dropped afterwards; on
    PostgreSQL it is created on the server ``base`` names (default :func:`pg_base`)."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="mentorbot-bench-") as tmp:
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
            await upgrade(url)
            yield url
        return
    base = base or pg_base()
    name = f"mentorbot_bench_{os.getpid()}_{secrets.token_hex(3)}"
    await _admin(base, f'CREATE DATABASE "{name}"')
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        await upgrade(url)
        yield url
    finally:
        await _admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
