"""The audit trail: who read or changed someone else's data, when, in which workspace."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.enums import AuditAction, AuditSubject
from storage.models.base import Base, SlackId, enum_column


class AuditEntry(Base):
    """One thing a manager or admin did to other people's data (an export, an approval, an
    alert handled, a program changed, an erasure, a dashboard sign-in), or a person's export
    of their own. ``details`` holds counts and field names only, never text a person wrote.
    Written in the transaction of the action it records (``bot.audit.record``). No foreign
    key to the program: the trail outlives what it names."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index(None, "team_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    at: Mapped[datetime]
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_slack_id: Mapped[str] = mapped_column(SlackId)
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction, length=32))
    subject_kind: Mapped[AuditSubject] = mapped_column(enum_column(AuditSubject, length=16))
    subject_id: Mapped[str] = mapped_column(String(64))
    program_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
