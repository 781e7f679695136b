"""Dialect-aware ``INSERT … ON CONFLICT``: SQLite and PostgreSQL spell it the same way,
through different SQLAlchemy constructs."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert(session: AsyncSession, table: Any) -> Any:
    """An insert construct with ``on_conflict_do_nothing``/``on_conflict_do_update``."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
