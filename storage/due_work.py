"""The one table of due work.

A row is something Mentorbot must do at or after ``due_at``: send a nudge, expire an
introduction, post a digest. ``not_before`` is when the sweep may next pick it up: it starts at
``due_at`` and moves later when the recipient is outside their working hours or paused, or
after a transient failure. ``outbox`` holds the Slack messages a handler planned, each marked
as it is delivered, so a retry never re-plans and never re-sends what Slack already accepted.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, SlackId, enum_column


class Timing(enum.StrEnum):
    """When a row may run once it is due (stored in the ``delivery`` column)."""

    IMMEDIATE = "immediate"  # as soon as it is due (expiries, manager alerts, digests)
    WORKING_HOURS = "working_hours"  # a nudge: only inside the recipient's window, not paused


class Status(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class DueWork(Base):
    __tablename__ = "due_work"
    __table_args__ = (
        # The sweep's two claim queries each read one small partial index, so a sweep costs
        # what is due, not what is stored.
        Index(
            "ix_due_work_ready",
            "not_before",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        Index(
            "ix_due_work_leased",
            "lease_until",
            postgresql_where=text("status = 'running'"),
            sqlite_where=text("status = 'running'"),
        ),
        Index(None, "team_id", "status"),
        Index(None, "relationship_id"),
        Index(None, "recipient_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(48))
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    relationship_id: Mapped[int | None] = mapped_column(Integer)
    recipient_id: Mapped[str | None] = mapped_column(SlackId)
    timing: Mapped[Timing] = mapped_column("delivery", enum_column(Timing))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    due_at: Mapped[datetime]
    not_before: Mapped[datetime]
    status: Mapped[Status] = mapped_column(enum_column(Status))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    outbox: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
