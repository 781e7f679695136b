"""Engines and sessions.

SQLite is the embedded default (one process; use PostgreSQL for several replicas). Each
SQLite process uses one connection and ``BEGIN IMMEDIATE`` transactions: writers queue on the
database lock (``busy_timeout``) instead of failing with "database is locked" when a read
transaction later tries to write. PostgreSQL gets a normal pool with pre-ping, so a dropped
connection is replaced rather than failing the next request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import AsyncAdaptedQueuePool

# Ids per IN (...) list when reading many rows at once (well inside SQLite's variable limit).
IN_CHUNK = 500

# The databases Mentorbot runs on, each through its asyncio driver.
DRIVERS = ("postgresql+asyncpg", "sqlite+aiosqlite")
# How long to wait for PostgreSQL to accept a connection (asyncpg alone waits 60 s).
CONNECT_TIMEOUT_SECONDS = 10


def id_chunks(ids: Iterable[int]) -> list[list[int]]:
    """The distinct ``ids``, sorted, in lists of at most :data:`IN_CHUNK`."""
    ordered = sorted(set(ids))
    return [ordered[i : i + IN_CHUNK] for i in range(0, len(ordered), IN_CHUNK)]


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def url_problem(url: str) -> str | None:
    """Why ``url`` can't be Mentorbot's database URL (``None`` when it can). Never repeats the
    URL, which may hold a password."""
    try:
        driver = make_url(url).drivername
    except (ArgumentError, ValueError):  # unparseable, or a port that isn't a number
        return (
            "not a database URL: set it to one like "
            "postgresql+asyncpg://user:password@host:5432/mentorbot or "
            "sqlite+aiosqlite:///./mentorbot.db"
        )
    if driver not in DRIVERS:
        return (
            f"Mentorbot doesn't run on {driver!r}: use postgresql+asyncpg://… for PostgreSQL "
            "or sqlite+aiosqlite:///… for SQLite"
        )
    return None


def safe_url(url: str) -> str:
    """``url`` with its password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


class Unreachable(Exception):
    """No connection to the database could be made. The message says why in one line (the
    driver's reason: refused, unknown host, no such database or role, a file that can't be
    opened), never with the password."""


async def reach(engine: AsyncEngine) -> None:
    """Open and close one connection, or raise :class:`Unreachable`."""
    try:
        async with engine.connect():
            return
    except DBAPIError as exc:  # the server (or SQLite) answered, and refused
        reason = str(exc.orig)
    except TimeoutError:  # before OSError, of which it is one
        reason = f"no answer within {CONNECT_TIMEOUT_SECONDS} s"
    except OSError as exc:  # refused, unknown host, unreachable network
        reason = exc.strerror or str(exc)
    raise Unreachable(reason.splitlines()[0] if reason else "no connection")


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine configured for ``url``'s backend."""
    if not is_sqlite(url):
        return create_async_engine(
            url,
            echo=echo,
            pool_pre_ping=True,
            pool_size=20,
            max_overflow=30,
            pool_recycle=1800,
            connect_args={"timeout": CONNECT_TIMEOUT_SECONDS},
        )
    engine = create_async_engine(
        url,
        echo=echo,
        poolclass=AsyncAdaptedQueuePool,
        pool_size=1,
        max_overflow=0,
        pool_timeout=60,
        connect_args={"timeout": 30},
    )
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own implicit
        # transactions would defer the lock until the first write).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """An engine and its session factory. Services receive sessions, never the Database."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = create_engine(url, echo=echo)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction that commits on success and rolls back on error."""
        async with self.sessionmaker() as session, session.begin():
            yield session

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
