"""The Slack messages a handler plans, typed, and the JSON a row's outbox stores them as.

A handler plans with ``JobContext`` (``ctx.dm``, ``ctx.post``, ``ctx.to_pair``, ``ctx.upload``,
``ctx.update``...); each call adds one of these to the plan: a :class:`Post`, a
:class:`GroupPost` (to a group DM), an :class:`Upload` (a file) or an :class:`Update` (an edit).
The sweep stores the plan in ``due_work.outbox`` and marks each message there as Slack takes
it, so a row may be planned by one release and delivered by the next: :meth:`Planned.to_json`
writes, and :func:`read` reads, exactly the JSON the engine has always stored (an ``"op"``
key, and the same keys in the same order), and ``to_json`` of what ``read`` returns is the
object it read (tests/scenario/test_outbox_format.py).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(kw_only=True)
class Planned:
    """One planned message and how its delivery went."""

    OP: ClassVar[str]

    # Where it goes: a channel, a person's user id (Slack opens the DM), or "" until the
    # conversation with ``users`` is opened at delivery (and then the id that was opened).
    channel: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    users: list[str] | None = None
    # Whether its conversation may be read back, so that after a lost answer it is looked
    # for before being sent again: set for a group DM, and for a channel when the deployment
    # sets CHECK_CHANNEL_HISTORY. A DM (``channel`` a user id) always can.
    checkable: bool = False
    # Set when planned: its place in the row's plan (its delivery key is ``<dedup_key>#<index>``)
    # and when (epoch seconds; a lookup reads the conversation from a second before).
    index: int = 0
    planned_at: float = 0.0
    # Set by delivery: Slack took it (where, and its ts), or it failed for good.
    delivered: bool = False
    error: str | None = None
    ts: str | None = None
    channel_id: str | None = None

    @property
    def pending(self) -> bool:
        """Not yet delivered, and not given up on."""
        return not self.delivered and not self.error

    @property
    def can_look_up(self) -> bool:
        """Whether it can be looked for in its conversation before it is sent again: a DM
        (im:history) or a group DM (mpim:history) can; a channel only if the deployment lets
        the bot read its channels (CHECK_CHANNEL_HISTORY marks the plan; docs/scheduling.md)."""
        return self.channel.startswith(("U", "W")) or self.checkable

    @property
    def replayable(self) -> bool:
        """Whether sending it again after an interruption is safe: a post that is looked up
        first. (An edit is idempotent; a file is recorded as it goes.)"""
        return self.can_look_up

    @property
    def delivered_to(self) -> str | None:
        """The conversation it went to: the id Slack answered with (a DM's D…, a group DM
        opened at delivery), else the one it was planned for."""
        return self.channel_id or self.channel

    def took(self, *, channel: str, ts: str) -> None:
        """Slack took it: in ``channel``, as message (or file) ``ts``."""
        self.delivered, self.ts, self.channel_id = True, ts, channel

    def to_json(self) -> dict[str, Any]:
        """The outbox entry, as the engine has always written it."""
        data: dict[str, Any] = {"op": self.OP, "channel": self.channel}
        data.update(self._head())
        if self.users is not None:
            data["users"] = self.users
        if self.checkable:
            data["checkable"] = True
        data.update(self._body())
        data.update(
            text=self.text,
            blocks=self.blocks,
            index=self.index,
            planned_at=self.planned_at,
            delivered=self.delivered,
            error=self.error,
        )
        data.update(self._tail())
        if self.channel_id is not None:
            data["channel_id"] = self.channel_id
        return data

    def _head(self) -> dict[str, Any]:
        return {}

    def _body(self) -> dict[str, Any]:
        return {}

    def _tail(self) -> dict[str, Any]:
        return {} if self.ts is None else {"ts": self.ts}


@dataclass(kw_only=True)
class Post(Planned):
    """A message posted with ``chat.postMessage``: to a channel, or to a person (their DM),
    in the thread of ``thread_ts`` if given."""

    OP = "post"
    thread_ts: str | None = None

    def _head(self) -> dict[str, Any]:
        return {"thread_ts": self.thread_ts}


@dataclass(kw_only=True)
class GroupPost(Post):
    """A message to a group DM: the pair's conversation, or the one opened with ``users`` at
    delivery. Never in a thread; its conversation can always be read back (mpim:history)."""

    def _head(self) -> dict[str, Any]:
        return {}


@dataclass(kw_only=True)
class Upload(Planned):
    """A file shared in a conversation, with ``text`` as its comment (files upload v2). Its
    ``file_id`` is recorded once the upload is reserved, before it is shared; once shared,
    its ``ts`` is that id.

    ``content`` is text (a CSV, stored as it is) or bytes (an image, stored in base64 under
    ``content_b64``). ``alt_text`` describes an image to screen readers. ``thread_of`` names
    an earlier message of the same plan (its index): the file is shared in that message's
    thread once it is delivered (in the conversation itself if it never was)."""

    OP = "upload"
    filename: str
    content: str | bytes
    title: str
    alt_text: str = ""
    thread_of: int | None = None
    file_id: str | None = None

    @property
    def replayable(self) -> bool:
        return False

    def thread_ts(self, plan: Sequence[Planned]) -> str | None:
        """The ts of the message whose thread it goes in, once that one is delivered."""
        if self.thread_of is None:
            return None
        parent = next((m for m in plan if m.index == self.thread_of), None)
        return parent.ts if parent is not None and parent.delivered else None

    def _body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"filename": self.filename}
        if isinstance(self.content, bytes):
            body["content_b64"] = base64.b64encode(self.content).decode("ascii")
        else:
            body["content"] = self.content
        body["title"] = self.title
        if self.alt_text:
            body["alt_text"] = self.alt_text
        if self.thread_of is not None:
            body["thread_of"] = self.thread_of
        return body

    def _tail(self) -> dict[str, Any]:
        tail = {} if self.file_id is None else {"file_id": self.file_id}
        return tail | super()._tail()


@dataclass(kw_only=True)
class Update(Planned):
    """An edit (``chat.update``) of the message ``ts`` the bot posted earlier in ``channel``.
    Sending it again is the same edit."""

    OP = "update"
    ts: str

    @property
    def replayable(self) -> bool:
        return True

    def _head(self) -> dict[str, Any]:
        return {"ts": self.ts}

    def _tail(self) -> dict[str, Any]:
        return {}


def read(outbox: Iterable[dict[str, Any]] | None) -> list[Planned]:
    """The messages of a stored outbox."""
    return [_message(data) for data in outbox or []]


def write(messages: Sequence[Planned]) -> list[dict[str, Any]]:
    """The outbox to store for these messages."""
    return [message.to_json() for message in messages]


def _message(data: dict[str, Any]) -> Planned:
    common: dict[str, Any] = {
        "channel": str(data.get("channel") or ""),
        "text": str(data.get("text") or ""),
        "blocks": list(data.get("blocks") or []),
        "users": list(data["users"]) if data.get("users") is not None else None,
        "checkable": bool(data.get("checkable")),
        "index": int(data.get("index") or 0),
        "planned_at": float(data.get("planned_at") or 0),
        "delivered": bool(data.get("delivered")),
        "error": data.get("error"),
        "channel_id": data.get("channel_id"),
    }
    op = data.get("op")
    if op == "update":
        return Update(**common, ts=str(data.get("ts") or ""))
    common["ts"] = data.get("ts")
    if op == "upload":
        content: str | bytes = str(data.get("content") or "")
        if "content_b64" in data:
            content = base64.b64decode(str(data["content_b64"]))
        thread_of = data.get("thread_of")
        return Upload(
            **common,
            filename=str(data.get("filename") or ""),
            content=content,
            title=str(data.get("title") or ""),
            alt_text=str(data.get("alt_text") or ""),
            thread_of=int(thread_of) if thread_of is not None else None,
            file_id=data.get("file_id"),
        )
    # Anything else has always been sent as a post. Only a post planned for one channel or
    # person (ctx.post, ctx.dm) has ever stored its thread, even when it had none.
    if "thread_ts" in data:
        return Post(**common, thread_ts=data["thread_ts"])
    return GroupPost(**common)
