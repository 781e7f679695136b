"""Schema migrations through Alembic, callable from the CLI, the app and tests.

``serve`` and ``socket`` refuse to start unless the database is exactly at the newest
revision, so a replica never runs new code against an old schema (or the reverse).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine

MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaNotCurrent(Exception):
    """The database is not at the newest migration; the message says what to run."""


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


async def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at ``url`` to ``revision``."""
    await _with_connection(url, lambda conn: _command(conn, "upgrade", revision))


async def downgrade(url: str, revision: str) -> None:
    await _with_connection(url, lambda conn: _command(conn, "downgrade", revision))


def _command(connection: Connection, name: str, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    getattr(command, name)(config, revision)


async def _with_connection(url: str, fn: object) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.run_sync(fn)  # type: ignore[arg-type]
            await conn.commit()
    finally:
        await engine.dispose()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as conn:
        return await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())


async def check_current(engine: AsyncEngine) -> None:
    """Raise :class:`SchemaNotCurrent` unless ``engine``'s database is at head."""
    current = await current_revision(engine)
    head = head_revision()
    if current == head:
        return
    if current is None:
        raise SchemaNotCurrent("the database has no schema yet: run `mentorbot db upgrade` first")
    raise SchemaNotCurrent(
        f"the database schema is at {current} but this version needs {head}: "
        "run `mentorbot db upgrade`"
    )
