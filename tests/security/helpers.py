"""What "refused cleanly, nothing written" means, checked the same way everywhere: every
table's row count is unchanged and the app made no Slack call that changes anything."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy import func, select

import storage.due_work  # noqa: F401  (its tables are counted too)
from fakeslack import FakeSlack
from infra.db import Database
from storage.models import Base

# Slack methods that change what somebody sees (or the workspace). Reads such as users.info
# and conversations.info are allowed: the app may look people up before refusing them.
SLACK_WRITES = frozenset(
    {
        "chat.postMessage",
        "chat.update",
        "chat.delete",
        "chat.scheduleMessage",
        "views.open",
        "views.push",
        "views.publish",
        "conversations.open",
        "conversations.join",
        "conversations.invite",
        "conversations.create",
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    }
)
# How the app tells the acting user "no" without touching anybody else.
REFUSALS = frozenset({"response_url", "chat.postEphemeral", "views.update"})


async def row_counts(db: Database) -> dict[str, int]:
    """Rows in every table the app's metadata knows (scheduler tables included)."""
    counts: dict[str, int] = {}
    async with db.transaction() as session:
        for table in Base.metadata.sorted_tables:
            counts[table.name] = int(
                await session.scalar(select(func.count()).select_from(table)) or 0
            )
    return counts


@dataclass
class Watch:
    """What happened inside an :func:`unchanged` block (filled in as it closes)."""

    calls: list[str] = field(default_factory=list)

    def refusals(self) -> list[str]:
        return [c for c in self.calls if c in REFUSALS]


@asynccontextmanager
async def unchanged(
    db: Database, fake: FakeSlack, *, allow: frozenset[str] = frozenset()
) -> AsyncIterator[Watch]:
    """Assert the block changed no row count and made no Slack write (other than ``allow``,
    e.g. a ``views.update`` that shows an error inside the open modal)."""
    before = await row_counts(db)
    seen = len(fake.calls)
    watch = Watch()
    yield watch
    watch.calls = [c.method for c in fake.calls[seen:]]
    after = await row_counts(db)
    changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
    assert not changed, f"rows written by a refused request: {changed}"
    writes = [m for m in watch.calls if m in SLACK_WRITES - allow]
    assert not writes, f"Slack writes by a refused request: {writes}"
