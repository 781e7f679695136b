"""Safe text for Slack, both ways.

On the way in, a message's text is in Slack's markup: what a person typed with ``&``, ``<``
and ``>`` sent as ``&amp;``, ``&lt;`` and ``&gt;``, and the mentions, channels and links they
picked sent as control sequences (``<@U123>``, ``<!channel>``, ``<#C1|general>``,
``<https://x|label>``). :func:`from_slack` reads that once into plain words ("@Sam",
"@channel", "#general", "label (https://x)"): what the person saw as they typed, and what we
store. Modal inputs arrive as typed already and are never decoded.

On the way out, anything a user typed is escaped once with :func:`escape` before it is placed
in mrkdwn, so text that contains ``<!channel>``, ``<@U123>`` or ``<https://evil|click>`` shows
those characters instead of pinging a channel or hiding a link. A typed mention is stored as
"@name" and stays text: an ``@`` that starts a word gets a zero-width space after it, so no
client (nor a ``link_names`` parse) can turn "@channel" or "@Sam" into a ping, while people
still read "@channel" and "@Sam".
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# An @ that starts a word ("@Sam" after a space or a line break), or any @ before a broadcast
# keyword ("(@here").
_AT = re.compile(r"(?<!\S)@(?=\w)|@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)
_ZWSP = "\u200b"
ELLIPSIS = "…"
# Slack's message markup: a control sequence, or one of the three entities it encodes.
_MARKUP = re.compile(r"<([^<>]*)>|&(amp|lt|gt);")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_DECODED = {"amp": "&", "lt": "<", "gt": ">"}
_BROADCASTS = {"channel": "@channel", "group": "@channel", "here": "@here", "everyone": "@everyone"}
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")


def escape(text: str) -> str:
    """Escape user text for a mrkdwn field (the one way user text goes out)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _AT.sub("@" + _ZWSP, escaped)


def _entities(text: str) -> str:
    return _ENTITY.sub(lambda m: _DECODED[m.group(1)], text)


def mentioned_users(slack_text: str) -> list[str]:
    """The user ids a message mentions (``<@U123>``), each once, in order."""
    found: dict[str, None] = {}
    for m in _MARKUP.finditer(slack_text):
        target = (m.group(1) or "").partition("|")[0]
        if target.startswith("@") and _USER_ID.fullmatch(target[1:]):
            found[target[1:]] = None
    return list(found)


def from_slack(slack_text: str, names: Mapping[str, str] | None = None) -> str:
    """What a person typed, from a message's text as Slack delivers it: the three entities
    decoded once, and each control sequence read as the words the person saw. A user
    mention becomes "@" and their name from ``names`` (by user id), else the sequence's own
    label, else "@someone"."""
    known = names or {}

    def read(m: re.Match[str]) -> str:
        if m.group(2):
            return _DECODED[m.group(2)]
        return _readable(m.group(1), known)

    return _MARKUP.sub(read, slack_text)


def _readable(body: str, names: Mapping[str, str]) -> str:
    """One control sequence (without its angle brackets) as plain words."""
    target, _, label = body.partition("|")
    target, label = _entities(target), _entities(label).strip()
    sigil, rest = target[:1], target[1:]
    if sigil == "@":
        return "@" + (names.get(rest) or label.lstrip("@") or "someone")
    if sigil == "#":
        return "#" + (label.lstrip("#") or "channel")
    if sigil == "!":
        word = rest.partition("^")[0]
        if word in _BROADCASTS:
            return _BROADCASTS[word]
        if word == "subteam":
            return "@" + (label.lstrip("@") or "group")
        return label or word  # a date's fallback text, or an unknown command's name
    if not label or label == target or label == target.partition(":")[2].lstrip("/"):
        return label or target  # a bare link, "example.com" or a mailto address as typed
    return f"{label} ({target})"


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


# The id an erased person's row keeps (bot.privacy): no Slack user, so no mention.
ERASED_PREFIX = "erased-"
ERASED_LABEL = "someone who left"


def mention(user_id: str) -> str:
    """A user mention. Only for ids we trust (from our database or Slack), never typed text.
    An erased person's anonymous id reads as "someone who left"."""
    if user_id.startswith(ERASED_PREFIX):
        return ERASED_LABEL
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
