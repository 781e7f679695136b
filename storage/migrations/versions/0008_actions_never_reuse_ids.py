"""actions never reuse an id on SQLite

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite gives a new row the highest id plus one, so an action deleted by an edited capture
    # handed its id to the next action: the reminders already sent for the old one (and their
    # Done buttons) then named the new one. AUTOINCREMENT never hands out an id twice, like
    # PostgreSQL's sequences.
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "actions", recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "actions", recreate="always", table_kwargs={"sqlite_autoincrement": False}
        ):
            pass
