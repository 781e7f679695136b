"""Job handlers, registered per kind.

A handler gets a :class:`JobContext`: the row, a session inside the sweep's transaction, the
clock and the Slack gateway. It reads and writes the database and *plans* messages with
:meth:`JobContext.dm`, :meth:`JobContext.post` and the like (typed: ``scheduling.messages``);
the engine delivers them after the transaction commits. So a handler never holds the database
while waiting on Slack, its database changes and its plan commit together, and a retry never
plans twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from infra.clock import Clock
from infra.config import Settings
from scheduling.gateway import SlackGateway
from scheduling.messages import GroupPost, Planned, Post, Update, Upload
from storage.due_work import DueWork
from storage.models import Relationship


class _TeamRow(Protocol):
    team_id: str


RowT = TypeVar("RowT", bound=_TeamRow)


class PermanentJobError(Exception):
    """The work can never succeed (its subject is gone, say): mark it failed, don't retry."""


@dataclass
class JobContext:
    work: DueWork
    session: AsyncSession
    clock: Clock
    slack: SlackGateway
    outbox: list[Planned] = field(default_factory=list)
    settings: Settings | None = None  # for links to the app itself (calendar files)
    # What the kind's prepare hook read for the whole batch this row is planned in (None
    # when the row runs on its own, as on a retry): the handler must work without it.
    prepared: object | None = None

    async def subject(self, model: type[RowT], key: str) -> RowT | None:
        """The row the payload's ``key`` names, if it still exists in this work's team."""
        row_id = payload_id(self.work, key)
        return None if row_id is None else await self._in_team(model, row_id)

    async def relationship(self) -> Relationship | None:
        """The relationship this work is about, if it still exists in this work's team. By
        primary key: found in the session without a query when the sweep preloaded the
        batch's relationships (scheduling.engine)."""
        if self.work.relationship_id is None:
            return None
        return await self._in_team(Relationship, self.work.relationship_id)

    async def _in_team(self, model: type[RowT], row_id: int) -> RowT | None:
        row = await self.session.get(model, row_id)
        return row if row is not None and row.team_id == self.work.team_id else None

    def dm(
        self,
        user_id: str,
        *,
        text: str,
        blocks: list[Any] | None = None,
        thread_ts: str | None = None,
    ) -> None:
        """Plan a direct message to a person (posted to their user id: Slack opens the DM),
        in the thread of ``thread_ts`` if given (a message in that DM)."""
        self.post(user_id, text=text, blocks=blocks, thread_ts=thread_ts)

    def post(
        self,
        channel: str,
        *,
        text: str,
        blocks: list[Any] | None = None,
        thread_ts: str | None = None,
    ) -> int:
        """Plan a message to a channel (or a user id, for a DM). Returns its place in the plan
        (for a file shared in its thread: :meth:`upload`'s ``thread_of``)."""
        self.outbox.append(
            Post(
                channel=channel,
                thread_ts=thread_ts,
                checkable=self._reads_channels,
                text=text,
                blocks=_dicts(blocks),
            )
        )
        return len(self.outbox) - 1

    def group_dm(self, users: list[str], *, text: str, blocks: list[Any] | None = None) -> None:
        """Plan a message to a group DM with ``users`` (opened at delivery time)."""
        self.outbox.append(
            GroupPost(
                channel="", users=sorted(users), checkable=True, text=text, blocks=_dicts(blocks)
            )
        )

    def to_pair(
        self, relationship: Relationship, *, text: str, blocks: list[Any] | None = None
    ) -> None:
        """Plan a message to the pair's conversation, opening their group DM if it has none."""
        if relationship.conversation_id:
            # "checkable": the bot may read this conversation back (mpim:history), so a post
            # that may have reached Slack is looked up before it is sent again.
            self.outbox.append(
                GroupPost(
                    channel=relationship.conversation_id,
                    checkable=True,
                    text=text,
                    blocks=_dicts(blocks),
                )
            )
        else:
            users = [relationship.mentee.slack_user_id, relationship.mentor.slack_user_id]
            self.group_dm(users, text=text, blocks=blocks)

    def upload(
        self,
        channel: str,
        *,
        filename: str,
        content: str | bytes,
        title: str,
        text: str,
        alt_text: str = "",
        thread_of: int | None = None,
    ) -> None:
        """Plan a file shared in a channel, with ``text`` as its comment: a CSV (text), or an
        image (bytes, with ``alt_text`` for screen readers). ``thread_of``: the place in this
        plan of a message (:meth:`post` returns it) in whose thread the file goes. With
        CHECK_CHANNEL_HISTORY its share can be looked for, as a post can."""
        self.outbox.append(
            Upload(
                channel=channel,
                checkable=self._reads_channels,
                filename=filename,
                content=content,
                title=title,
                text=text,
                alt_text=alt_text,
                thread_of=thread_of,
            )
        )

    def dm_upload(
        self,
        user_id: str,
        *,
        filename: str,
        content: str | bytes,
        title: str,
        text: str,
        alt_text: str = "",
    ) -> None:
        """Plan a file shared in a person's DM with us (opened at delivery time), with
        ``text`` as its comment. "checkable": the DM can be read back (im:history), so a
        share that may have reached Slack is looked for before the file is sent again."""
        self.outbox.append(
            Upload(
                channel="",
                users=[user_id],
                checkable=True,
                filename=filename,
                content=content,
                title=title,
                text=text,
                alt_text=alt_text,
            )
        )

    def update(self, channel: str, ts: str, *, text: str, blocks: list[Any] | None = None) -> None:
        """Plan an edit of a message the bot posted earlier."""
        self.outbox.append(Update(channel=channel, ts=ts, text=text, blocks=_dicts(blocks)))

    @property
    def _reads_channels(self) -> bool:
        """Whether the bot may read the channels it is in (CHECK_CHANNEL_HISTORY), so a
        channel post or share is looked for before it is sent again."""
        return self.settings is not None and self.settings.check_channel_history


def _dicts(blocks: list[Any] | None) -> list[dict[str, Any]]:
    """Block Kit blocks as the JSON Slack takes (builders may return slack_sdk objects)."""
    return [b if isinstance(b, dict) else b.to_dict() for b in blocks or []]


def payload_id(work: DueWork, key: str) -> int | None:
    """The id the work's payload names under ``key``, if it is one."""
    raw = work.payload.get(key)
    if not isinstance(raw, int | str) or not str(raw).isdigit():
        return None
    return int(raw)


Handler = Callable[[JobContext], Awaitable[None]]


# Runs in the transaction that completes a row, once every planned message is resolved:
# record what delivery produced (a message's ``delivered_to`` and ``ts``). Must be idempotent.
DeliveredHook = Callable[[AsyncSession, DueWork, list[Planned]], Awaitable[None]]
# Runs once for all the rows of its kind in a batch, in the batch's transaction, just before
# their handlers: reads what they all need in a few queries instead of a few per row. Gets the
# rows and the clock's now; what it returns is each row's JobContext.prepared. It must only
# read, so that a handler that ignores it behaves the same.
PrepareHook = Callable[[AsyncSession, Sequence[DueWork], datetime], Awaitable[object]]
# Runs once right after those handlers, in the same transaction, with what the prepare hook
# returned: writes what the handlers queued on it for the whole group (one statement instead
# of one per row). A row run on its own (prepared is None) writes for itself.
FinishHook = Callable[[AsyncSession, object], Awaitable[None]]
# The model and payload key a kind's handler reads with ``ctx.subject(model, key)``: a sweep
# loads the subjects of a batch's rows in one query per model before the handlers run.
Subject = tuple[type[Any], str]


class Registry:
    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._hooks: dict[str, DeliveredHook] = {}
        self._prepare: dict[str, PrepareHook] = {}
        self._finish: dict[str, FinishHook] = {}
        self._subjects: dict[str, Subject] = {}

    def register(
        self,
        kind: str,
        handler: Handler,
        *,
        on_delivered: DeliveredHook | None = None,
        prepare: PrepareHook | None = None,
        finish: FinishHook | None = None,
        subject: Subject | None = None,
    ) -> None:
        if kind in self._handlers:
            raise ValueError(f"a handler for {kind!r} is already registered")
        if finish is not None and prepare is None:
            raise ValueError("a finish hook needs the prepare hook whose result it writes")
        self._handlers[kind] = handler
        if on_delivered is not None:
            self._hooks[kind] = on_delivered
        if prepare is not None:
            self._prepare[kind] = prepare
        if finish is not None:
            self._finish[kind] = finish
        if subject is not None:
            self._subjects[kind] = subject

    def get(self, kind: str) -> Handler | None:
        return self._handlers.get(kind)

    def on_delivered(self, kind: str) -> DeliveredHook | None:
        return self._hooks.get(kind)

    def prepare(self, kind: str) -> PrepareHook | None:
        return self._prepare.get(kind)

    def finish(self, kind: str) -> FinishHook | None:
        return self._finish.get(kind)

    def subject(self, kind: str) -> Subject | None:
        return self._subjects.get(kind)

    @property
    def kinds(self) -> list[str]:
        return sorted(self._handlers)
