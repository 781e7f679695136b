"""Schema migrations through Alembic, callable from the CLI, the app and tests.

``serve`` and ``socket`` refuse to start on a database behind the newest revision they know,
so a replica never runs new code against an old schema. A revision they don't know is a
newer one (a rolling upgrade has migrated the database ahead of this replica): migrations
only add, so an older replica keeps serving until it is replaced (docs/operations.md).
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from infra.db import create_engine

MIGRATIONS = Path(__file__).parent / "migrations"

log = logging.getLogger(__name__)


class SchemaNotCurrent(Exception):
    """The database is not at the newest migration; the message says what to run."""


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


@functools.cache
def head_revision() -> str:
    """The newest migration. Cached: the scripts don't change under a running process, and
    reading them from disk is blocking work /healthz would otherwise do on the event loop
    at every probe."""
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


# Any constant: the key of the PostgreSQL advisory lock that serialises migrations.
MIGRATION_LOCK = 0x6D656E746F72


async def _with_connection(url: str, fn: object) -> None:
    """Run ``fn`` in one transaction. On PostgreSQL an advisory lock, held until commit,
    makes replicas that migrate at once take turns; the later ones find nothing to do.
    (SQLite serves one process, which migrates before it starts.)"""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                await conn.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                )
            await conn.run_sync(fn)  # type: ignore[arg-type]
            await conn.commit()
    finally:
        await engine.dispose()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as conn:
        return await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())


async def check_current(engine: AsyncEngine) -> None:
    """Raise :class:`SchemaNotCurrent` if ``engine``'s database is behind head (or empty).

    A revision this version has never heard of was made by a newer version: accepted, with a
    warning, so that replicas of the previous release stay healthy while a rolling upgrade
    replaces them.
    """
    current = await current_revision(engine)
    head = head_revision()
    if current == head:
        return
    known = {
        script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }
    if current is not None and current not in known:
        log.warning("database schema is newer than this version", extra={"revision": current})
        return
    if current is None:
        raise SchemaNotCurrent("the database has no schema yet: run `mentorbot db upgrade` first")
    raise SchemaNotCurrent(
        f"the database schema is at {current} but this version needs {head}: "
        "run `mentorbot db upgrade`"
    )
