"""Alembic owns the schema: it upgrades and downgrades cleanly on this test run's database
(SQLite, or PostgreSQL with TEST_DATABASE_URL) and matches the models exactly."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import scheduling.models  # noqa: F401  (the due_work table is part of the schema)
from storage.db import Database
from storage.migrate import (
    SchemaNotCurrent,
    check_current,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
)
from storage.models import Base
from tests.dbutil import scratch_database


@pytest.fixture
def scratch_url(tmp_path: Path):
    with scratch_database(tmp_path) as url:
        yield url


async def _diff(db: Database) -> list:
    async with db.engine.connect() as conn:
        return await conn.run_sync(
            lambda c: compare_metadata(
                MigrationContext.configure(c, opts={"compare_type": True}), Base.metadata
            )
        )


async def test_upgrade_matches_models_and_downgrades(scratch_url: str) -> None:
    db = Database(scratch_url)
    try:
        with pytest.raises(SchemaNotCurrent, match="mentorbot db upgrade"):
            await check_current(db.engine)
        await upgrade(scratch_url)
        await check_current(db.engine)
        assert await current_revision(db.engine) == head_revision()
        assert await _diff(db) == []
        await downgrade(scratch_url, "base")
        assert await current_revision(db.engine) is None
        await upgrade(scratch_url)
        assert await _diff(db) == []
    finally:
        await db.dispose()


async def test_an_outdated_schema_is_refused_with_a_hint(scratch_url: str) -> None:
    await upgrade(scratch_url)
    db = Database(scratch_url)
    try:
        async with db.engine.begin() as conn:
            await conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'old0'")
        with pytest.raises(SchemaNotCurrent, match=r"is at old0 .* run `mentorbot db upgrade`"):
            await check_current(db.engine)
    finally:
        await db.dispose()
