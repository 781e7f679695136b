"""Safe text for Slack.

Anything a user typed is escaped before it is placed in mrkdwn, so an agenda that contains
``<!channel>``, ``<@U123>`` or ``<https://evil|click>`` shows those characters instead of
pinging a channel or hiding a link. Slack only needs ``&``, ``<`` and ``>`` escaped; we also
break the bare broadcast keywords, which some clients still highlight.
"""

from __future__ import annotations

import re

_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_ZWSP = "\u200b"
ELLIPSIS = "…"


def escape(text: str) -> str:
    """Escape user text for a mrkdwn field."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@" + _ZWSP + m.group(1), escaped)


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def escape_truncated(text: str, limit: int) -> str:
    """Escape, then fit into ``limit`` characters without splitting an entity like ``&amp;``."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: max(limit - 1, 0)]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + ELLIPSIS


def chunks(escaped: str, limit: int) -> list[str]:
    """Split already-escaped mrkdwn into pieces of at most ``limit`` characters, at line
    breaks where possible, then at spaces, never inside an entity like ``&amp;``."""
    pieces: list[str] = []
    current = ""
    for line in escaped.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit + 1)
            if cut <= 0:
                cut = limit
                amp = line.rfind("&", 0, cut)
                if amp != -1 and ";" not in line[amp:cut]:
                    cut = amp or limit
            pieces.append(line[:cut].rstrip())
            line = line[cut:].lstrip(" ")
        current = line
    if current or not pieces:
        pieces.append(current)
    return pieces


def mention(user_id: str) -> str:
    """A user mention. Only for ids we trust (from our database or Slack), never typed text."""
    if not re.fullmatch(r"[UW][A-Z0-9]{2,}", user_id):
        raise ValueError(f"not a Slack user id: {user_id!r}")
    return f"<@{user_id}>"


def channel_link(channel_id: str) -> str:
    if not re.fullmatch(r"[CGD][A-Z0-9]{2,}", channel_id):
        raise ValueError(f"not a Slack channel id: {channel_id!r}")
    return f"<#{channel_id}>"


def human_list(items: list[str], *, conjunction: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def hours(value: float) -> str:
    """A duration to the nearest half hour: '0 h', '½ h', '3 h', '5½ h'."""
    whole, half = divmod(round(abs(value) * 2), 2)
    if not whole:
        return "½ h" if half else "0 h"
    return f"{whole}{'½' if half else ''} h"
