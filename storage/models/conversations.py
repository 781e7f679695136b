"""What the bot sent to DMs (so a typed reply finds its prompt) and the Events API
deliveries already handled."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, SlackId


class DmPrompt(Base):
    """A prompt the bot sent to someone's DM, so a plain-text reply in its thread can be
    matched to what it asked for (an agenda, or the capture after a meeting)."""

    __tablename__ = "dm_prompts"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", "ts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    channel_id: Mapped[str] = mapped_column(SlackId)
    ts: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # agenda | capture
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]


class InboundEvent(Base):
    """Events API deliveries already handled, by event id: Slack retries (``X-Slack-Retry-Num``)
    of a DM reply are stored once."""

    __tablename__ = "inbound_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str] = mapped_column(SlackId)
    received_at: Mapped[datetime] = mapped_column(index=True)
