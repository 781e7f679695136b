"""What the fake Slack keeps and answers with: a recorded ``Call``, a ``Workspace``'s state,
the ``SlackError`` a method raises, and the small rules every API family shares (DM channel
ids, cursor pagination)."""

from __future__ import annotations

import base64
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Call:
    """One request the fake received, whether it succeeded, failed or was refused.

    ``args`` holds form fields or the JSON body (JSON-looking string fields such as
    ``blocks`` and ``view`` decoded); the token is in ``token``, not in ``args``.
    For ``method == "response_url"`` the args are the posted JSON body.
    """

    method: str
    args: dict[str, Any]
    token: str | None
    team_id: str | None
    status: int = 200
    response: dict[str, Any] | None = None
    at: float = field(default_factory=time.monotonic)
    headers: dict[str, str] = field(default_factory=dict)
    path: str = ""

    @property
    def ok(self) -> bool:
        """Whether Slack would have answered ``{"ok": true}``."""
        return bool(self.status == 200 and self.response and self.response.get("ok"))

    def describe(self) -> str:
        outcome = "ok" if self.ok else (self.response or {}).get("error", "?")
        return f"{self.method} -> {self.status} {outcome} {_short(self.args)}"


@dataclass
class Workspace:
    """The fake's state for one Slack workspace. Tests may read it; prefer the helpers."""

    team_id: str
    name: str
    domain: str
    bot_token: str
    bot_user_id: str
    bot_id: str
    app_id: str
    enterprise_id: str | None = None
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> Slack's object
    members: dict[str, set[str]] = field(default_factory=dict)  # channel id -> user ids
    messages: defaultdict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    views: defaultdict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # user id -> modal stack, the open one last
    homes: dict[str, dict[str, Any]] = field(default_factory=dict)  # user id -> home view


class SlackError(Exception):
    """Raised inside a method to answer ``{"ok": false, "error": error, **extra}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


def dm_channel_id(user_id: str) -> str:
    """The id of the bot's DM with a person: ``UMIA`` -> ``DMIA``; stable, as on Slack."""
    return "D" + (user_id[1:] if user_id[:1] in ("U", "W") else user_id)


def is_user_id(channel: str) -> bool:
    """Whether a ``channel`` argument names a person (meaning the bot's DM with them)."""
    return channel[:1] in ("U", "W")


def page(items: list[Any], call: Call, kind: str, default: int = 100) -> tuple[list[Any], str]:
    """One page of ``items`` by ``limit`` and an opaque ``cursor``, and the next cursor
    (``""`` on the last page). A cursor the fake didn't hand out gets ``invalid_cursor``."""
    limit = int(call.args.get("limit") or default) or default
    cursor = str(call.args.get("cursor") or "")
    start = 0
    if cursor:
        try:
            prefix, _, offset = base64.b64decode(cursor).decode().partition(":")
            start = int(offset)
        except ValueError:
            raise SlackError("invalid_cursor") from None
        if prefix != kind or not 0 <= start <= len(items):
            raise SlackError("invalid_cursor")
    end = start + limit
    more = base64.b64encode(f"{kind}:{end}".encode()).decode() if end < len(items) else ""
    return items[start:end], more


def flag(call: Call, name: str) -> bool:
    """A boolean argument as Slack reads it: ``true`` or ``1``."""
    return str(call.args.get(name, "")).lower() in ("1", "true")


def _short(args: dict[str, Any], limit: int = 160) -> str:
    text = json.dumps(args, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"
