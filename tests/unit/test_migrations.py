"""Alembic owns the schema: it upgrades and downgrades cleanly on this test run's database
(SQLite, or PostgreSQL with TEST_DATABASE_URL) and matches the models exactly."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

import storage.due_work  # noqa: F401  (the due_work table is part of the schema)
from infra.db import Database
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
            await conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
        with pytest.raises(SchemaNotCurrent, match=r"is at 0001 .* run `mentorbot db upgrade`"):
            await check_current(db.engine)
    finally:
        await db.dispose()


async def test_a_newer_schema_keeps_an_older_replica_serving(scratch_url: str) -> None:
    """During a rolling upgrade the database is migrated past what the old replicas know;
    migrations only add, so they stay healthy until they are replaced."""
    await upgrade(scratch_url)
    db = Database(scratch_url)
    try:
        async with db.engine.begin() as conn:
            await conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
        await check_current(db.engine)  # no SchemaNotCurrent
    finally:
        await db.dispose()


async def test_each_migration_upgrades_a_database_that_has_data(scratch_url: str) -> None:
    """New NOT NULL columns need server defaults, or an upgrade fails in production."""
    from datetime import UTC, datetime

    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    revisions = [
        r.revision
        for r in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))
    ]
    db = Database(scratch_url)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    if db.is_sqlite:
        now = now.replace(tzinfo=None)  # type: ignore[assignment]
    try:
        await upgrade(scratch_url, revisions[0])
        async with db.engine.begin() as conn:
            rows = [
                "INSERT INTO workspaces (team_id, created_at) VALUES ('T1', :n)",
                "INSERT INTO users (team_id, slack_user_id, name, real_name, tz, is_admin, "
                "is_owner, is_bot, deleted, created_at) "
                "VALUES ('T1', 'U1', 'a', 'A', 'UTC', false, false, false, false, :n)",
                "INSERT INTO programs (team_id, name, name_key, description, cadence, "
                "relationship_months, nudge_start_minute, nudge_end_minute, nudge_days, timezone, "
                "skills, settings, created_by, created_at, updated_at) VALUES ('T1', 'P', 'p', '', "
                "'weekly', 12, 540, 1020, 31, 'UTC', '[]', '{}', 'U1', :n, :n)",
                "INSERT INTO enrolments (team_id, program_id, user_id, role, status, goals, "
                "target_role, skills_to_develop, expertise, capacity, department, seniority, "
                "location, department_preference, joined_at, updated_at) VALUES ('T1', 1, 1, "
                "'mentee', 'active', '', '', '[]', '[]', 0, 'x', 1, '', 'different', :n, :n)",
                "INSERT INTO relationships (team_id, program_id, mentor_user_id, mentee_user_id, "
                "status, created_at, updated_at) VALUES ('T1', 1, 1, 1, 'initiation', :n, :n)",
            ]
            for sql in rows:
                await conn.execute(text(sql), {"n": now})
        for revision in revisions[1:]:
            await upgrade(scratch_url, revision)
        async with db.engine.connect() as conn:
            count = (await conn.execute(text("SELECT count(*) FROM relationships"))).scalar()
        assert count == 1
    finally:
        await db.dispose()


async def test_two_replicas_migrating_at_once_take_turns(scratch_url: str) -> None:
    import asyncio

    if scratch_url.startswith("sqlite"):
        pytest.skip("SQLite serves one process; replicas need PostgreSQL")

    # Without the lock the three deadlock on each other's DDL: fail rather than hang.
    await asyncio.wait_for(
        asyncio.gather(upgrade(scratch_url), upgrade(scratch_url), upgrade(scratch_url)), 90
    )
    db = Database(scratch_url)
    try:
        await check_current(db.engine)
        assert await _diff(db) == []
    finally:
        await db.dispose()


def test_migrations_only_add() -> None:
    """Rolling upgrades rely on it (docs/operations.md): an upgrade never drops or renames
    what the previous release reads."""
    import ast

    from storage.migrate import MIGRATIONS

    destructive = {"drop_column", "drop_table", "rename_table", "drop_constraint"}
    found = []
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        tree = ast.parse(path.read_text())
        [upgrade_fn] = [
            n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "upgrade"
        ]
        for node in ast.walk(upgrade_fn):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            renames = any(k.arg == "new_column_name" for k in node.keywords)
            if node.func.attr in destructive or renames:
                found.append(f"{path.name}: {node.func.attr}")
    assert found == []
