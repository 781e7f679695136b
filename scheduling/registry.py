"""Job handlers, registered per kind.

A handler gets a :class:`JobContext`: the row, a session inside the sweep's transaction, the
clock and the Slack gateway. It reads and writes the database and *plans* messages with
:meth:`JobContext.dm` / :meth:`JobContext.post`; the engine delivers them after the
transaction commits. So a handler never holds the database while waiting on Slack, its
database changes and its plan commit together, and a retry never plans twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from scheduling.delivery import SlackGateway
from scheduling.models import DueWork


class PermanentJobError(Exception):
    """The work can never succeed (its subject is gone, say): mark it failed, don't retry."""


@dataclass
class JobContext:
    work: DueWork
    session: AsyncSession
    clock: Clock
    slack: SlackGateway
    outbox: list[dict[str, Any]] = field(default_factory=list)

    def dm(self, user_id: str, *, text: str, blocks: list[Any] | None = None) -> None:
        """Plan a direct message to a person (posted to their user id: Slack opens the DM)."""
        self.post(user_id, text=text, blocks=blocks)

    def post(
        self,
        channel: str,
        *,
        text: str,
        blocks: list[Any] | None = None,
        thread_ts: str | None = None,
    ) -> None:
        self.outbox.append(
            {
                "op": "post",
                "channel": channel,
                "text": text,
                "blocks": [b if isinstance(b, dict) else b.to_dict() for b in blocks or []],
                "thread_ts": thread_ts,
            }
        )


Handler = Callable[[JobContext], Awaitable[None]]


class Registry:
    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def register(self, kind: str, handler: Handler) -> None:
        if kind in self._handlers:
            raise ValueError(f"a handler for {kind!r} is already registered")
        self._handlers[kind] = handler

    def get(self, kind: str) -> Handler | None:
        return self._handlers.get(kind)

    @property
    def kinds(self) -> list[str]:
        return sorted(self._handlers)
